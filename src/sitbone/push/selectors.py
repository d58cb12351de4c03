"""Reads for web push. Every read is scoped to the acting patient: nobody lists or opens another
person's devices."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sitbone.clinics.access import own_patient_record, record_for_own_patient
from sitbone.patients.models import Patient
from sitbone.push.models import PushSubscription
from sitbone.push.services import push_available


def push_subscriptions_active(*, patient: Patient) -> list[PushSubscription]:
    """The devices a patient's reminders go to (for the sender: the patient came from the
    reminder preferences, not from a request)."""
    return list(PushSubscription.objects.filter(patient=patient, revoked_at__isnull=True))


@dataclass(frozen=True)
class PushDevice:
    public_id: str
    label: str
    created_at: Any
    last_success_at: Any
    endpoint_sha256: str
    """Lets the page's script recognise "this device" without the endpoint being shown."""


@dataclass(frozen=True)
class PushPanel:
    """What the reminders page needs to offer push: whether it is on, the key a browser
    subscribes with, and the actor's own devices."""

    available: bool
    public_key: str
    devices: list[PushDevice]


def push_panel_for(*, actor: Any) -> PushPanel:
    patient = own_patient_record(actor)
    rows = (
        PushSubscription.objects.filter(patient=patient, revoked_at__isnull=True)
        if patient is not None
        else PushSubscription.objects.none()
    )
    available = push_available()
    return PushPanel(
        available=available,
        public_key=settings.SITBONE_VAPID_PUBLIC_KEY if available else "",
        devices=[
            PushDevice(
                public_id=str(row.public_id),
                label=row.device_label,
                created_at=row.created_at,
                last_success_at=row.last_success_at,
                endpoint_sha256=hashlib.sha256(row.endpoint.encode()).hexdigest(),
            )
            for row in rows
        ],
    )


def push_subscription_for_owner(
    *, actor: Any, public_id: object, request: HttpRequest
) -> PushSubscription:
    """One active subscription of the actor's own; anything else is a 404 and a security event."""
    return record_for_own_patient(
        actor=actor,
        queryset=PushSubscription.objects.select_related("patient__clinic").filter(
            revoked_at__isnull=True
        ),
        public_id=public_id,
        request=request,
        what="push subscription",
    )
