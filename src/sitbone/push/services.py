"""Writes for web push: subscribing a device, stopping it, and delivering one notification.

A notification's text is generic ("time for your exercises") because it passes through a
third-party push service; it is also encrypted to the browser's key (RFC 8291, aes128gcm), so the
service sees only its size and timing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from sitbone.clinics.services import patient_write_audit
from sitbone.patients.models import Patient
from sitbone.push.models import PushSubscription, RevokedBecause
from sitbone.push.vapid import private_key_from_text

if TYPE_CHECKING:
    from sitbone.accounts.models import User

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 10
"""A push service that has not answered by then counts as a failure, retried on the next run."""

PUSH_TTL_SECONDS = 60 * 60
"""How long a push service keeps a reminder for a device that is offline; an hour-old reminder
still makes sense, yesterday's does not."""


BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """A short, recognisable name for a device list, e.g. "Firefox on Android"."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    if not browser and "Safari/" in user_agent:
        browser = "Safari"
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "A browser")


MAX_ACTIVE_DEVICES = 10
"""More than anyone uses; it bounds how many addresses one account can make the server POST to."""


class TooManyDevices(Exception):
    """The patient already has MAX_ACTIVE_DEVICES devices with notifications on."""


@transaction.atomic
def push_subscription_save(
    *, actor: User, patient: Patient, endpoint: str, p256dh: str, auth: str, user_agent: str
) -> tuple[PushSubscription, bool]:
    """Store this browser's subscription for the patient; (subscription, created).

    Saving the same endpoint again refreshes its keys and turns it back on, so a retry or a
    second click stores one row. When someone else had subscribed this same browser before (a
    shared tablet), their reminders stop going to it; their audit trail records that without
    naming who took the browser over.
    """
    active = PushSubscription.objects.filter(patient=patient, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_DEVICES and not active.filter(endpoint=endpoint).exists():
        raise TooManyDevices
    now = timezone.now()
    for previous in (
        PushSubscription.objects.select_related("patient__clinic")
        .filter(endpoint=endpoint, revoked_at__isnull=True)
        .exclude(patient=patient)
    ):
        previous.revoked_at, previous.revoked_because = now, RevokedBecause.REPLACED
        previous.save(update_fields=["revoked_at", "revoked_because"])
        patient_write_audit(None, previous.patient, "push.replaced", previous.device_label)
    subscription, created = PushSubscription.objects.update_or_create(
        patient=patient,
        endpoint=endpoint,
        defaults={
            "p256dh": p256dh,
            "auth": auth,
            "revoked_at": None,
            "revoked_because": "",
            "failure_count": 0,
        },
        create_defaults={
            "clinic": patient.clinic,
            "p256dh": p256dh,
            "auth": auth,
            "device_label": device_label(user_agent),
        },
    )
    patient_write_audit(actor, patient, "push.subscribe", subscription.device_label)
    return subscription, created


@transaction.atomic
def push_subscription_revoke(*, actor: User, subscription: PushSubscription) -> None:
    """The patient stops notifications on one device; nothing more is sent there."""
    subscription.revoked_at = timezone.now()
    subscription.revoked_because = RevokedBecause.PATIENT
    subscription.save(update_fields=["revoked_at", "revoked_because"])
    patient_write_audit(actor, subscription.patient, "push.revoke", subscription.device_label)


@dataclass(frozen=True)
class PushMessage:
    """What the service worker shows. `url` is a path on this site, opened on click."""

    title: str
    body: str
    url: str
    tag: str

    def as_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


class PushOutcome(StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"
    """The push service no longer knows the subscription (404/410): it has been revoked."""

    FAILED = "failed"
    """Anything else (timeout, 5xx, 429): worth trying again later."""


def push_http_session() -> requests.Session:
    """A session for talking to push services: it follows no redirect, so a reminder is only
    ever POSTed to an endpoint that passed the allow-list (SITBONE_PUSH_SERVICES)."""
    session = requests.Session()
    session.max_redirects = 0
    return session


def push_available() -> bool:
    return bool(
        settings.SITBONE_VAPID_PRIVATE_KEY
        and settings.SITBONE_VAPID_PUBLIC_KEY
        and settings.SITBONE_VAPID_SUBJECT
    )


def vapid_signer() -> Vapid02:
    """The server's VAPID identity, from settings (checked by `check`, sitbone.push.checks)."""
    return Vapid02(private_key_from_text(settings.SITBONE_VAPID_PRIVATE_KEY))


def push_notification_send(
    *,
    subscription: PushSubscription,
    message: PushMessage,
    signer: Vapid02 | None = None,
    session: requests.Session | None = None,
) -> PushOutcome:
    """Encrypt and POST one notification to the subscription's push service, and record how it
    went on the subscription."""
    if session is None:
        with push_http_session() as own:
            return push_notification_send(
                subscription=subscription, message=message, signer=signer, session=own
            )
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=message.as_json(),
            vapid_private_key=signer or vapid_signer(),
            # A new dict each time: webpush fills in `aud` (the endpoint's origin) and `exp`.
            vapid_claims={"sub": settings.SITBONE_VAPID_SUBJECT},
            content_encoding="aes128gcm",
            timeout=PUSH_TIMEOUT_SECONDS,
            ttl=PUSH_TTL_SECONDS,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            _revoke_gone(subscription)
            return PushOutcome.GONE
        _record_failure(subscription, f"push service answered {status}")
        return PushOutcome.FAILED
    except requests.RequestException as error:
        _record_failure(subscription, type(error).__name__)
        return PushOutcome.FAILED
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_success_at=timezone.now(), failure_count=0
    )
    return PushOutcome.DELIVERED


def _revoke_gone(subscription: PushSubscription) -> None:
    now = timezone.now()
    PushSubscription.objects.filter(pk=subscription.pk).update(
        revoked_at=now, revoked_because=RevokedBecause.GONE, last_failure_at=now
    )
    logger.info("push subscription %s is gone; revoked", subscription.public_id)


def _record_failure(subscription: PushSubscription, reason: str) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).update(
        failure_count=F("failure_count") + 1, last_failure_at=timezone.now()
    )
    logger.warning("push to subscription %s failed: %s", subscription.public_id, reason)
