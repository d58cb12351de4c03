"""`sitbone send_patient_reminders`: email the exercise and morning check-in reminders due now.

Meant for cron (e.g. every 10 minutes). Each reminder goes at most once per patient, kind and
day, however often or concurrently the command runs (see diary.services.reminders_send).
Emails name no symptoms or scores: only that it is time, and a link.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from sitbone.diary.services import reminders_send
from sitbone.patients.models import Patient

MESSAGES = {
    "session": (
        "Time for your exercises",
        "Hello {name},\n\nIt is time for today's exercise session.\n\n"
        "Open Sitbone to start: {site}/me/session/\n",
    ),
    "checkin": (
        "Your morning check-in",
        "Good morning {name},\n\nPlease do your morning check-in: three single-leg bridges "
        "and a pain score. It takes a minute.\n\nOpen Sitbone: {site}/me/\n",
    ),
}


def site_url() -> str:
    return str(
        getattr(settings, "SITBONE_SITE_URL", "")
        or os.environ.get("SITBONE_SITE_URL", "http://127.0.0.1:8000")
    ).rstrip("/")


def send_reminder_email(patient: Patient, kind: str) -> None:
    subject, body = MESSAGES[kind]
    user = patient.user
    assert user is not None  # noqa: S101 - reminders_send skips patients without an account
    send_mail(
        subject=f"[Sitbone] {subject}",
        message=body.format(name=user.get_short_name(), site=site_url()),
        from_email=None,
        recipient_list=[user.email],
    )


class Command(BaseCommand):
    help = "Send the patient reminders that are due now (each at most once)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = reminders_send(now=timezone.now(), send=send_reminder_email)
        self.stdout.write(
            f"reminders: sent {result.sent}, already sent {result.skipped_duplicates}, "
            f"failed {result.failed}"
        )
