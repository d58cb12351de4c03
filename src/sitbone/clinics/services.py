"""Writes for clinics: audit events, invitations, settings."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from sitbone.clinics.models import AuditCategory, AuditEvent, Clinic, Invitation, Membership
from sitbone.web.mail import mail_sent

if TYPE_CHECKING:
    from sitbone.accounts.models import User
    from sitbone.patients.models import Patient


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def printable(text: str, limit: int) -> str:
    """Text safe to store and show in a log line: control characters become "?" (no log
    injection, no NUL bytes that PostgreSQL refuses)."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:limit]


def audit_record(
    *,
    category: str,
    action: str,
    actor: Any,
    clinic: Clinic | None,
    patient: Patient | None,
    request: HttpRequest | None = None,
    detail: str = "",
) -> AuditEvent:
    """Write one audit event. Free text is clipped and stripped of control characters."""
    is_user = getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        category=category,
        action=action[:64],
        actor=actor if is_user else None,
        actor_email=actor.email if is_user else "",
        clinic=clinic,
        patient=patient,
        path=printable(request.path if request is not None else "", 300),
        ip_address=client_ip(request),
        detail=printable(detail, 300),
    )


def patient_write_audit(actor: Any, patient: Patient, action: str, detail: str = "") -> None:
    """Audit a write to one patient's record, in that patient's clinic."""
    audit_record(
        category=AuditCategory.WRITE,
        action=action,
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=detail,
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *,
    actor: User,
    clinic: Clinic,
    email: str,
    full_name: str,
    kind: str,
    patient: Patient | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with the one-time secret for the link."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        clinic=clinic,
        email=email.lower(),
        full_name=full_name,
        kind=kind,
        patient=patient,
        token_hash=token_digest(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.SITBONE_INVITATION_DAYS),
    )
    return invitation, token


def invitation_by_token(token: str) -> Invitation | None:
    """The open (unused, unexpired) invitation for a link secret, or None."""
    invitation = (
        Invitation.objects.select_related("clinic", "patient")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if invitation is None or invitation.accepted_at or invitation.expires_at <= timezone.now():
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Turn an invitation into an account; the link cannot be used again."""
    from sitbone.accounts.models import User
    from sitbone.accounts.services import account_create

    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValueError("This invitation has already been used.")
    if User.objects.filter(email=locked.email).exists():
        raise ValueError("An account already uses this email address. Sign in instead.")
    user = account_create(email=locked.email, password=password, full_name=full_name)
    if locked.kind == "patient" and locked.patient is not None:
        locked.patient.user = user
        locked.patient.save(update_fields=["user"])
    else:
        Membership.objects.get_or_create(
            clinic=locked.clinic, user=user, defaults={"role": locked.kind}
        )
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    audit_record(
        category="write",
        action="invitation.accept",
        actor=user,
        clinic=locked.clinic,
        patient=locked.patient,
        detail=f"{locked.kind} invitation accepted",
    )
    return user


@transaction.atomic
def clinic_settings_update(
    *, actor: User, clinic: Clinic, name: str, time_zone: str, require_staff_mfa: bool
) -> Clinic:
    clinic.name = name
    clinic.time_zone = time_zone
    clinic.require_staff_mfa = require_staff_mfa
    clinic.full_clean()
    clinic.save()
    audit_record(
        category="write",
        action="clinic.settings",
        actor=actor,
        clinic=clinic,
        patient=None,
        detail="clinic settings changed",
    )
    return clinic


def invitation_send(*, invitation: Invitation, link: str) -> bool:
    """Email the invitation link (console/file backend by default, SMTP by settings).

    False when the mail server could not take it (logged): the invitation stands, and the
    caller can give its link another way.
    """
    role = {"patient": "to follow your programme", "clinician": "as a clinician"}.get(
        invitation.kind, "as a clinic admin"
    )
    return mail_sent(
        to=invitation.email,
        subject=f"[Sitbone] {invitation.clinic.name} invited you",
        message=(
            f"Hello {invitation.full_name},\n\n"
            f"{invitation.clinic.name} invited you to Sitbone {role}.\n"
            f"Open this link to create your account (it works once and expires on "
            f"{invitation.expires_at:%d %B %Y}):\n\n{link}\n"
        ),
        what="an invitation",
    )
