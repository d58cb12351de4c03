"""`sitbone send_patient_reminders`: send the exercise and morning check-in reminders due now,
by email and as web push notifications to the patient's devices.

Meant for cron (e.g. every 10 minutes). Each reminder goes at most once per patient, kind, day
and destination, however often or concurrently the command runs; a failed one is retried by the
next run while it is still due (see diary.services.reminders_send). Emails name no symptoms or
scores: only that it is time, and a link. Notifications pass through the browser maker's push
service, so they say even less: no name, only a generic reminder and a path on this site.
"""

from __future__ import annotations

import os
from typing import Any

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from sitbone.diary.services import SendPush, reminders_send
from sitbone.patients.models import Patient
from sitbone.push.models import PushSubscription
from sitbone.push.services import (
    PushMessage,
    PushOutcome,
    push_available,
    push_http_session,
    push_notification_send,
    vapid_signer,
)

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


def push_messages() -> dict[str, PushMessage]:
    return {
        "session": PushMessage(
            title="Time for your exercises",
            body="Open Sitbone to start today's session.",
            url=reverse("patients:home"),
            tag="sitbone-session",
        ),
        "checkin": PushMessage(
            title="Your morning check-in",
            body="It takes a minute. Open Sitbone to check in.",
            url=reverse("patients:morning"),
            tag="sitbone-checkin",
        ),
    }


def push_sender(session: requests.Session) -> SendPush | None:
    """Sends one reminder to one device, or None when push is not configured."""
    if not push_available():
        return None
    messages, signer = push_messages(), vapid_signer()

    def send(subscription: PushSubscription, kind: str) -> PushOutcome:
        return push_notification_send(
            subscription=subscription, message=messages[kind], signer=signer, session=session
        )

    return send


class Command(BaseCommand):
    help = "Send the patient reminders that are due now (each at most once per destination)."

    def handle(self, *args: Any, **options: Any) -> None:
        with push_http_session() as session:
            result = reminders_send(
                now=timezone.now(), send=send_reminder_email, send_push=push_sender(session)
            )
        self.stdout.write(
            f"reminders: sent {result.sent}, already sent {result.skipped_duplicates}, "
            f"failed {result.failed}, push devices gone {result.devices_gone}"
        )
