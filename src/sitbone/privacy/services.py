"""Writes for privacy. Each is atomic and audited; none of them writes an audit event by hand
(they all go through `clinics.services.audit_record`)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone

from sitbone.clinics.access import AccessDenied, require_staff
from sitbone.clinics.models import AuditCategory, Clinic, Membership, Role
from sitbone.clinics.services import audit_record, patient_write_audit, printable
from sitbone.interop.models import ErasureMode, ErasureRequest, ErasureStatus
from sitbone.interop.services import patient_data_erase
from sitbone.patients.models import Patient
from sitbone.privacy.models import (
    OPTIONAL_PURPOSES,
    Breach,
    BreachVersion,
    ConsentPurpose,
    ConsentRecord,
    ConsentSource,
    EmergencyAccess,
    PrivacySettings,
)
from sitbone.privacy.selectors import (
    PurgeCandidate,
    consent_overview,
    consent_text_current,
    erasure_mode_for,
    live_patients,
    privacy_settings_for,
    purge_due,
    unconfirmed_sign_ups_due,
)
from sitbone.web.text import control_character_message

if TYPE_CHECKING:
    from sitbone.accounts.models import User

logger = logging.getLogger(__name__)


class PrivacyRefused(Exception):
    """The request cannot be done as asked; nothing was changed. The message is for people."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Consent ---------------------------------------------------------------------------------


def _consent_write(
    *, actor: Any, patient: Patient, purpose: str, given: bool, source: str
) -> ConsentRecord:
    return ConsentRecord.objects.create(
        clinic=patient.clinic,
        patient=patient,
        purpose=purpose,
        text=consent_text_current(purpose),
        given=given,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
    )


@transaction.atomic
def consent_to_care_record(*, actor: Any, patient: Patient, source: str) -> ConsentRecord:
    """The patient agreed to the current terms of care (at sign-up, invitation or later)."""
    record = _consent_write(
        actor=actor, patient=patient, purpose=ConsentPurpose.CARE, given=True, source=source
    )
    patient_write_audit(
        actor,
        patient,
        "consent.given",
        f"terms of care version {record.text.version} agreed ({source})",
    )
    return record


@transaction.atomic
def consent_choices_save(
    *, actor: User, patient: Patient, choices: dict[str, bool]
) -> list[ConsentRecord]:
    """Record the optional choices that differ from the patient's current ones; one audit event
    names what changed. Saving the same choices again records nothing."""
    unknown = set(choices) - set(OPTIONAL_PURPOSES)
    if unknown:
        raise PrivacyRefused("Only the optional choices can be changed here.")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # one save at a time
    overview = consent_overview(actor=actor, patient=patient)
    records = [
        _consent_write(
            actor=actor,
            patient=patient,
            purpose=purpose,
            given=given,
            source=ConsentSource.PRIVACY_PAGE,
        )
        for purpose, given in choices.items()
        if overview.state(purpose).given != given
    ]
    if records:
        patient_write_audit(
            actor,
            patient,
            "consent.update",
            "; ".join(
                f"{r.purpose} {'given' if r.given else 'withdrawn'} (v{r.text.version})"
                for r in records
            ),
        )
    return records


# --- Settings --------------------------------------------------------------------------------


@transaction.atomic
def privacy_settings_update(
    *,
    actor: User,
    clinic: Clinic,
    retention_years: int,
    minors_kept_until_age: int,
    care_team_only: bool,
    emergency_access_hours: int,
) -> PrivacySettings:
    chosen = privacy_settings_for(clinic)
    chosen.retention_years = retention_years
    chosen.minors_kept_until_age = minors_kept_until_age
    chosen.care_team_only = care_team_only
    chosen.emergency_access_hours = emergency_access_hours
    chosen.updated_by = actor
    chosen.full_clean()
    chosen.save()
    audit_record(
        category=AuditCategory.WRITE,
        action="clinic.privacy",
        actor=actor,
        clinic=clinic,
        patient=None,
        detail=(
            f"retention {retention_years} years (minors until {minors_kept_until_age}); "
            f"care team only {'on' if care_team_only else 'off'}; "
            f"emergency access {emergency_access_hours} h"
        ),
    )
    return chosen


# --- Emergency access ------------------------------------------------------------------------

REASON_MIN_LENGTH = 20
"""Long enough that "emergency" alone is not a reason; the admins read every one."""

REASON_MAX_LENGTH = 500


def emergency_reason_clean(reason: str) -> str:
    """The reason as stored, or PrivacyRefused with a message saying what is wrong."""
    text = " ".join(reason.split())
    if hidden := control_character_message(text):
        raise PrivacyRefused(f"{hidden}.", field="reason")
    if len(text) < REASON_MIN_LENGTH:
        raise PrivacyRefused(
            f"Give the reason in at least {REASON_MIN_LENGTH} characters: what is happening and "
            "why you need this record now.",
            field="reason",
        )
    if len(text) > REASON_MAX_LENGTH:
        raise PrivacyRefused(
            f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer.", field="reason"
        )
    return text


def emergency_access_open(
    *, actor: User, patient: Patient, reason: str, review_link: str
) -> EmergencyAccess:
    """Open a time-limited emergency access to one patient of the actor's clinic, audit it and
    tell the clinic admins by email once it is committed. An access still running is returned
    as it is (asking again does not extend it)."""
    staff = require_staff(actor)
    if patient.clinic_id != staff.clinic.pk:  # never across clinics, whatever the caller did
        raise AccessDenied
    text = emergency_reason_clean(reason)
    now = timezone.now()
    with transaction.atomic():
        live = EmergencyAccess.objects.filter(
            actor=actor, patient=patient, expires_at__gt=now
        ).first()
        if live is not None:
            return live
        hours = privacy_settings_for(patient.clinic).emergency_access_hours
        access = EmergencyAccess.objects.create(
            clinic=patient.clinic,
            patient=patient,
            actor=actor,
            actor_email=actor.email,
            reason=text,
            opened_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        patient_write_audit(
            actor, patient, "emergency_access.open", f"{access.audit_detail} opened for {hours} h"
        )
        transaction.on_commit(
            lambda: _emergency_access_tell_admins(access, review_link), robust=True
        )
    return access


def _emergency_access_tell_admins(access: EmergencyAccess, review_link: str) -> None:
    """One email to each admin of the clinic. It names the staff member and when, never the
    patient or the reason: those are behind the sign-in."""
    admins = [
        email
        for user_id, email in Membership.objects.filter(
            clinic_id=access.clinic_id, role=Role.ADMIN
        ).values_list("user_id", "user__email")
        if user_id != access.actor_id
    ]
    if not admins:
        return
    local = timezone.localtime(access.opened_at, ZoneInfo(access.clinic.time_zone))
    send_mail(
        subject="[Sitbone] Emergency access to a patient record",
        message=(
            f"{access.actor_email} used emergency access to open a patient record outside their "
            f"care team on {local:%d %B %Y at %H:%M} ({access.clinic.time_zone}).\n\n"
            f"Sign in to see which record and the reason they gave, and mark it reviewed:\n"
            f"{review_link}\n"
        ),
        from_email=None,
        recipient_list=admins,
    )


@transaction.atomic
def emergency_access_review(*, actor: User, access: EmergencyAccess) -> EmergencyAccess:
    """An admin has looked at the access; asking twice changes nothing."""
    locked = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    if locked.reviewed_at is not None:
        return locked
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["reviewed_by", "reviewed_at"])
    audit_record(
        category=AuditCategory.WRITE,
        action="emergency_access.reviewed",
        actor=actor,
        clinic=locked.clinic,
        patient=locked.patient,
        detail=f"{locked.audit_detail} reviewed",
    )
    return locked


# --- Breach register -------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachFacts:
    """What one version of a breach says (the form's cleaned data)."""

    status: str
    discovered_at: dt.datetime
    description: str
    data_involved: str
    affected_count: int | None
    affected_patients: tuple[Patient, ...]
    harm_risk: str
    risk_assessment: str
    notifiable: str
    schemes: tuple[str, ...]
    regulator_notified_at: dt.datetime | None
    individuals_notified_at: dt.datetime | None
    actions: str
    change_note: str = ""

    def row_fields(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "discovered_at": self.discovered_at,
            "description": self.description,
            "data_involved": self.data_involved,
            "affected_count": self.affected_count,
            "harm_risk": self.harm_risk,
            "risk_assessment": self.risk_assessment,
            "notifiable": self.notifiable,
            "schemes": sorted(self.schemes),
            "regulator_notified_at": self.regulator_notified_at,
            "individuals_notified_at": self.individuals_notified_at,
            "actions": self.actions,
        }


def _breach_facts_check(*, clinic: Clinic, facts: BreachFacts) -> None:
    if any(p.clinic_id != clinic.pk for p in facts.affected_patients):
        raise PrivacyRefused("Only patients of this clinic can be listed.", field="patients")
    if facts.affected_count is not None and facts.affected_count < len(facts.affected_patients):
        raise PrivacyRefused(
            "The number of people affected cannot be smaller than the patients listed.",
            field="affected_count",
        )


def _version_write(
    *, actor: User, breach: Breach, number: int, facts: BreachFacts
) -> BreachVersion:
    version = BreachVersion.objects.create(
        breach=breach,
        number=number,
        change_note=printable(facts.change_note, 300),
        edited_by=actor,
        edited_by_email=actor.email,
        **facts.row_fields(),
    )
    version.affected_patients.set(facts.affected_patients)
    return version


def breach_record(*, actor: User, clinic: Clinic, facts: BreachFacts) -> Breach:
    """Open a new entry in the clinic's breach register (version 1)."""
    _breach_facts_check(clinic=clinic, facts=facts)
    for _ in range(3):  # two admins recording at once may pick the same number: try the next
        try:
            with transaction.atomic():
                last = Breach.objects.filter(clinic=clinic).aggregate(n=Max("number"))["n"]
                breach = Breach.objects.create(
                    clinic=clinic, number=(last or 0) + 1, created_by=actor
                )
                _version_write(actor=actor, breach=breach, number=1, facts=facts)
                audit_record(
                    category=AuditCategory.WRITE,
                    action="breach.record",
                    actor=actor,
                    clinic=clinic,
                    patient=None,
                    detail=f"{breach.reference} recorded ({facts.status})",
                )
                return breach
        except IntegrityError:
            continue
    raise PrivacyRefused("The register is busy. Please save again.")


@transaction.atomic
def breach_update(*, actor: User, breach: Breach, facts: BreachFacts) -> BreachVersion:
    """Add a version to the breach; the earlier versions stay as they were."""
    _breach_facts_check(clinic=breach.clinic, facts=facts)
    locked = Breach.objects.select_for_update().get(pk=breach.pk)
    current = locked.versions.prefetch_related("affected_patients").first()
    assert current is not None  # noqa: S101 - every breach is created with version 1
    same_fields = all(getattr(current, k) == v for k, v in facts.row_fields().items())
    same_patients = {p.pk for p in current.affected_patients.all()} == {
        p.pk for p in facts.affected_patients
    }
    if same_fields and same_patients:
        raise PrivacyRefused("Nothing was changed, so no new version was saved.")
    version = _version_write(actor=actor, breach=locked, number=current.number + 1, facts=facts)
    audit_record(
        category=AuditCategory.WRITE,
        action="breach.update",
        actor=actor,
        clinic=locked.clinic,
        patient=None,
        detail=f"{locked.reference} version {version.number} ({facts.status})",
    )
    return version


# --- Retention purge -------------------------------------------------------------------------


PURGED = {ErasureMode.DELETE: "deleted", ErasureMode.ANONYMISE: "anonymised"}


@dataclass
class PurgeReport:
    run: uuid.UUID
    dry_run: bool
    by_clinic: dict[str, list[str]] = field(default_factory=dict)
    """Clinic name → one line per record purged (or that would be), naming no one."""
    purged: int = 0
    failed: int = 0
    would_purge: int = 0


def purge_expired(
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    clinics: Iterable[Clinic] | None = None,
) -> PurgeReport:
    """Delete or anonymise (as each clinic's retention setting says) every record whose
    retention period has ended, and delete every sign-up never confirmed and left alone
    (`unconfirmed_sign_ups_due`). Each record is purged in its own transaction with one audit
    event that names no one; a record already anonymised is never touched again."""
    now = now or timezone.now()
    report = PurgeReport(run=uuid.uuid4(), dry_run=dry_run)
    days = settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS
    for clinic in clinics if clinics is not None else Clinic.objects.order_by("pk"):
        mode = erasure_mode_for(clinic)
        years = privacy_settings_for(clinic).retention_years
        lines = report.by_clinic.setdefault(clinic.name, [])
        expired = purge_due(clinic=clinic, now=now)
        purges = [
            _Purge(
                candidate, mode, "record", f"after {years} years", partial(purge_due, clinic=clinic)
            )
            for candidate in expired
        ]
        seen = {candidate.patient.pk for candidate in expired}
        purges += [
            _Purge(
                candidate,
                ErasureMode.DELETE,
                "sign-up",
                f"as it was never confirmed, {days} days after its last link",
                partial(unconfirmed_sign_ups_due, clinic=clinic),
            )
            for candidate in unconfirmed_sign_ups_due(clinic=clinic, now=now)
            if candidate.patient.pk not in seen
        ]
        for purge in purges:
            reference = purge.candidate.patient.public_id
            what = f"{purge.kind} {reference}"
            line = (
                f"{'would ' + purge.mode.value if dry_run else PURGED[purge.mode]} {what} "
                f"(last activity {purge.candidate.last_activity}, due {purge.candidate.due_on})"
            )
            if dry_run:
                lines.append(line)
                report.would_purge += 1
                continue
            try:
                done = _purge_one(clinic=clinic, purge=purge, run=report.run, now=now)
            except (ProtectedError, RestrictedError) as error:
                logger.warning("retention purge of %s failed: %s", what, error)
                lines.append(f"could not {purge.mode.value} {what}: a linked row blocks it")
                report.failed += 1
            else:
                if done:
                    lines.append(line)
                    report.purged += 1
    return report


@dataclass(frozen=True)
class _Purge:
    candidate: PurgeCandidate
    mode: ErasureMode
    kind: str
    """What the record is, in the report and the audit event: "record" or "sign-up"."""

    why: str
    due: Callable[..., list[PurgeCandidate]]
    """The selector that found it, asked again (``only=``) once the record is locked."""


def _purge_one(*, clinic: Clinic, purge: _Purge, run: uuid.UUID, now: dt.datetime) -> bool:
    """Purge one record if it is still due; False when someone erased it or new activity
    arrived since the list was made."""
    with transaction.atomic():
        patient = purge.candidate.patient
        locked = live_patients(clinic).select_for_update().filter(pk=patient.pk).first()
        if locked is None or not purge.due(now=now, only=locked):
            return False
        pending = list(ErasureRequest.objects.filter(patient=locked, status=ErasureStatus.PENDING))
        patient_data_erase(patient=locked, mode=purge.mode)
        ErasureRequest.objects.filter(pk__in=[r.pk for r in pending]).update(
            status=ErasureStatus.COMPLETED, decided_at=now, mode_applied=purge.mode
        )
        audit_record(
            category=AuditCategory.WRITE,
            action="patient.retention_purge",
            actor=None,
            clinic=clinic,
            patient=None,
            detail=f"retention purge {run}: one {purge.kind} {PURGED[purge.mode]} {purge.why}",
        )
    return True
