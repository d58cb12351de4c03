"""`sitbone send_reminders` (or `sitbone send-reminders`): run from cron, e.g. every 15 minutes.

Emails each booked appointment once, within the 24 hours before it starts, with a calendar file.
Safe to run as often as you like and in parallel: a reminder that was sent is never sent again;
one that failed is tried again on the next run, up to a limit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Email appointment reminders due in the next 24 hours (idempotent; for cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        from sitbone.appointments.services import reminders_send_due

        report = reminders_send_due()
        self.stdout.write(
            f"Reminders: {report.sent} sent, {report.failed} failed (retried next run), "
            f"{report.gave_up} given up after repeated failures."
        )
