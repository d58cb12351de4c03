"""Tenancy: clinics, the staff who belong to them, invitations, and the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from sitbone.clinics import audit_chain


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not an IANA time zone, e.g. Australia/Melbourne.")


def default_clinic_settings() -> dict[str, Any]:
    return {}


class Clinic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    """IANA zone; day boundaries ("the day of a session", "next morning") use it."""

    require_staff_mfa = models.BooleanField(default=False)
    """When set, staff must enrol a TOTP authenticator before opening any patient data."""

    default_pretest_probability = models.DecimalField(
        max_digits=4, decimal_places=3, default="0.500"
    )
    """Pre-test probability of PHT offered on assessments (editable per assessment)."""

    settings = models.JSONField(default=default_clinic_settings, blank=True)
    """Clinical threshold overrides, keyed as the engine's Thresholds (see engine docs)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def clinic_today(clinic: Clinic, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the clinic's time zone (or ``now``'s date there): the day sessions,
    check-ins and discharges are dated by."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()


class Role(models.TextChoices):
    ADMIN = "admin", "Clinic admin"
    CLINICIAN = "clinician", "Clinician"


class Membership(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="membership_one_per_clinic"),
            models.CheckConstraint(
                condition=models.Q(role__in=["admin", "clinician"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.clinic}"


class InvitationKind(models.TextChoices):
    ADMIN = "admin", "Clinic admin"
    CLINICIAN = "clinician", "Clinician"
    PATIENT = "patient", "Patient"


class Invitation(models.Model):
    """A single-use, expiring link that turns an email address into an account."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=150)
    kind = models.CharField(max_length=16, choices=InvitationKind.choices)
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, null=True, blank=True)
    """For patient invitations: the record the new account will own."""

    token_hash = models.CharField(max_length=64, unique=True)
    """SHA-256 of the secret in the link; the secret itself is never stored."""

    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.kind})"


class AuditCategory(models.TextChoices):
    READ = "read", "Staff read of patient data"
    WRITE = "write", "Change"
    AUTH = "auth", "Sign-in event"
    DENIED = "denied", "Refused access"


class AuditEvent(models.Model):
    """Append-only record of who did what to which patient's data, and when (UTC)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    category = models.CharField(max_length=16, choices=AuditCategory.choices)
    action = models.CharField(max_length=64)
    """What happened, e.g. `patient.view`, `sign_in.failed`, `patient.probe`."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    """Kept even if the account is later removed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.SET_NULL, null=True, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False, default="")
    refs = models.CharField(max_length=64, editable=False, default="")
    """Digest of the links (actor, clinic, patient) as written; see `audit_chain`."""
    hash = models.CharField(max_length=64, editable=False, default="")
    """SHA-256 over `prev_hash`, the content and `refs`: the tamper-evident chain."""

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "-at"], name="audit_patient_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} by {self.actor_email or 'anonymous'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Audit events cannot be changed once written.")
        with transaction.atomic(savepoint=False):  # the caller's transaction, if any
            head = AuditChainHead.lock()
            self._normalise_for_hash()
            head.hash = audit_chain.seal(self, head.hash)
            super().save(*args, **kwargs)
            head.save(update_fields=["hash"])

    def _normalise_for_hash(self) -> None:
        """Bring fields to the form the database returns, so the hash can be recomputed."""
        if self.ip_address and ":" in self.ip_address:
            self.ip_address = clean_ipv6_address(self.ip_address)

    @classmethod
    def append_many(cls, events: list[AuditEvent]) -> None:
        """Write several events in one statement, chained in list order."""
        if not events:
            return
        with transaction.atomic(savepoint=False):  # the caller's transaction, if any
            head = AuditChainHead.lock()
            for event in events:
                event._normalise_for_hash()
                head.hash = audit_chain.seal(event, head.hash)
            AuditEvent.objects.bulk_create(events)
            head.save(update_fields=["hash"])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """One row: the hash of the newest audit event. Locking it serialises chain appends on
    PostgreSQL (SQLite's IMMEDIATE transactions serialise writers already), and comparing it
    with the last row detects deleted trailing rows.

    The lock is held until the surrounding transaction commits, and every audited write of
    every clinic waits for it, so a service writes its audit event last: work done after it
    (an engine decision, say) would be done with the whole chain locked."""

    hash = models.CharField(max_length=64, default=audit_chain.GENESIS)

    def __str__(self) -> str:
        return f"audit chain head {self.hash[:12]}"

    @classmethod
    def lock(cls) -> AuditChainHead:
        """The head row, locked until the surrounding transaction ends (created on first use)."""
        head = cls.objects.select_for_update().filter(pk=1).first()
        if head is None:
            cls.objects.get_or_create(pk=1, defaults={"hash": audit_chain.GENESIS})
            head = cls.objects.select_for_update().get(pk=1)
        return head


class TriageSnapshot(models.Model):
    """What the triage list says of a patient on one clinic day, computed from their data as it
    was at one `Patient.data_version` (see `sitbone.clinics.triage`). Derived data: computed
    again whenever it is out of date, never edited, and deleted with the patient."""

    patient = models.OneToOneField(
        "patients.Patient",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="triage_snapshot",
    )
    data_version = models.UUIDField()
    computed_for = models.DateField()
    """The clinic's day the reasons were worked out for ("3 missed check-ins this week")."""

    time_zone = models.CharField(max_length=64)
    """The clinic's zone then: days and appointment times in the reasons were written in it."""

    reasons = models.JSONField()
    """``[[need, text], …]``, most urgent need first, as the list shows them."""

    zone = models.CharField(max_length=8, blank=True)
    """The latest decision's zone; empty before the first."""

    last_session_on = models.DateField(null=True)
    pending_decision_id = models.UUIDField(null=True)
    next_appointment_at = models.DateTimeField(null=True)
    """The next booked appointment then; once it has started, the snapshot is out of date."""

    def __str__(self) -> str:
        return f"triage snapshot of patient {self.patient_id} for {self.computed_for}"
