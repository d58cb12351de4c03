"""`sitbone export-fhir --patient <public id> [--out FILE]`: one patient's FHIR R4 Bundle."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from sitbone.clinics.models import AuditCategory
from sitbone.clinics.services import audit_record
from sitbone.interop.fhir import patient_bundle, validate_bundle
from sitbone.patients.models import Patient


class Command(BaseCommand):
    help = "Write one patient's record as a FHIR R4 Bundle (JSON), validated before it is written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patient", required=True, help="The patient's public id (UUID).")
        parser.add_argument("--out", help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            public_id = uuid.UUID(options["patient"])
        except ValueError:
            raise CommandError("--patient takes the patient's public id (a UUID).") from None
        patient = Patient.objects.select_related("clinic").filter(public_id=public_id).first()
        if patient is None:
            raise CommandError(f"No patient with id {public_id}.")
        bundle = patient_bundle(patient)
        validate_bundle(bundle)
        audit_record(
            category=AuditCategory.READ,
            action="patient.fhir_export",
            actor=None,
            clinic=patient.clinic,
            patient=patient,
            detail="FHIR export from the command line",
        )
        text = json.dumps(bundle, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"
        if options.get("out"):
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {len(bundle['entry'])} resources to {options['out']}")
        else:
            self.stdout.write(text, ending="")
