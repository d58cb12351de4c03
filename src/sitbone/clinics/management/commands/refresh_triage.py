"""`sitbone refresh-triage`: work out each clinic's triage list for its new day, from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sitbone.clinics.models import Clinic
from sitbone.clinics.triage import refresh_snapshots


class Command(BaseCommand):
    help = (
        "Compute the day's triage reasons of every patient in treatment whose stored ones are "
        "out of date, so that the first triage list of the morning opens as quickly as the rest. "
        "Run it nightly, after midnight in the clinics' time zones; running it twice is harmless."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for clinic in Clinic.objects.order_by("pk"):
            patients, computed = refresh_snapshots(clinic=clinic)
            self.stdout.write(
                f"{clinic.name}: {patients} patient{'' if patients == 1 else 's'} in treatment, "
                f"reasons worked out again for {computed}."
            )
