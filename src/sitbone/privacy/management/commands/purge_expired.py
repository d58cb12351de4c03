"""`sitbone purge-expired` (or `sitbone purge_expired`): run from cron, e.g. nightly.

Deletes or anonymises, as each clinic's retention setting says, every patient record whose
retention period has ended, counted from the patient's last activity in the clinic's time zone.
It also deletes every sign-up never confirmed whose last link went out
`SITBONE_UNCONFIRMED_SIGN_UP_DAYS` ago, unless staff started care
(`privacy.selectors.unconfirmed_sign_ups_due`).
`--dry-run` lists what would go and changes nothing. Safe to run again: a purged record is gone
or anonymised, and an anonymised record is never touched twice. Output names records by their
opaque id only, so cron logs hold no patient detail.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitbone.clinics.models import Clinic
from sitbone.privacy.services import purge_expired


class Command(BaseCommand):
    help = (
        "Delete or anonymise records past their clinic's retention period, and delete "
        "sign-ups never confirmed (for cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be purged; change nothing."
        )
        parser.add_argument("--clinic", help="Only this clinic (its public id).")

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = None
        if options["clinic"]:
            try:
                clinic_id = uuid.UUID(options["clinic"])
            except ValueError:
                raise CommandError(
                    f"“{options['clinic'][:60]}” is not a clinic id (a UUID).", returncode=2
                ) from None
            clinics = list(Clinic.objects.filter(public_id=clinic_id))
            if not clinics:
                raise CommandError(f"No clinic has the id {clinic_id}.", returncode=2)
        report = purge_expired(dry_run=options["dry_run"], clinics=clinics)
        for name, lines in report.by_clinic.items():
            self.stdout.write(name)
            for line in lines or ["nothing past its retention period"]:
                self.stdout.write(f"  {line}")
        if report.dry_run:
            self.stdout.write(f"Dry run: {report.would_purge} would be purged; nothing changed.")
        else:
            self.stdout.write(
                f"Retention purge {report.run}: {report.purged} purged, {report.failed} failed."
            )
        if report.failed:
            raise CommandError(
                f"{report.failed} record(s) could not be purged; see the lines above.",
                returncode=1,
            )
