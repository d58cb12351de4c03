"""Reads for privacy: consent state, the clinic's settings, retention candidates, emergency
accesses and the breach register. Functions that show patient data take the acting user and
scope through the access module; the cron-facing ones (reminders, purge) take the clinic."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from sitbone.clinics.access import (
    AccessDenied,
    in_care_team,
    refuse,
    require_staff,
    staff_context,
    staff_reads_audit,
)
from sitbone.clinics.models import AuditCategory, AuditEvent, Clinic, clinic_today
from sitbone.interop.models import ErasureMode, RetentionPolicy
from sitbone.interop.services import ERASED_EMAIL_DOMAIN
from sitbone.patients.models import AWAITING_CONFIRMATION, Patient
from sitbone.privacy.models import (
    ON_UNTIL_WITHDRAWN,
    OPTIONAL_PURPOSES,
    REQUIRED_PURPOSES,
    Breach,
    BreachStatus,
    BreachVersion,
    ConsentPurpose,
    ConsentRecord,
    ConsentText,
    EmergencyAccess,
    PrivacySettings,
)
from sitbone.privacy.rules import ClockState, RetentionRule, breach_clocks, purge_due_on
from sitbone.privacy.texts import newest

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def _parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- Consent ---------------------------------------------------------------------------------


def consent_text_current(purpose: str) -> ConsentText:
    """The newest wording of a purpose, copied from `texts` into the database on first use."""
    wording = newest(purpose)
    text, _ = ConsentText.objects.get_or_create(
        purpose=purpose,
        version=wording.version,
        defaults={"title": wording.title, "text": wording.text},
    )
    return text


def consent_texts_current() -> dict[str, ConsentText]:
    """The newest wording of every purpose, in one query once they are all published."""
    wanted = {purpose: newest(purpose) for purpose in (*REQUIRED_PURPOSES, *OPTIONAL_PURPOSES)}
    found = {(t.purpose, t.version): t for t in ConsentText.objects.filter(purpose__in=wanted)}
    return {
        purpose: found.get((purpose, wording.version)) or consent_text_current(purpose)
        for purpose, wording in wanted.items()
    }


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    text: ConsentText
    """The current wording."""
    latest: ConsentRecord | None
    """The patient's newest choice for this purpose, if they made one."""
    required: bool

    @property
    def given(self) -> bool:
        if self.latest is not None:
            return self.latest.given
        return self.purpose in ON_UNTIL_WITHDRAWN

    @property
    def needs_agreement(self) -> bool:
        """A required purpose not agreed to, or agreed to an older wording."""
        return self.required and (
            self.latest is None or not self.latest.given or self.latest.text_id != self.text.pk
        )


@dataclass(frozen=True)
class ConsentOverview:
    states: list[ConsentState]
    history: list[ConsentRecord]

    def state(self, purpose: str) -> ConsentState:
        return next(s for s in self.states if s.purpose == purpose)


def consent_overview(*, actor: Any, patient: Patient) -> ConsentOverview:
    """Every purpose with the patient's current choice, and their choices newest first. For the
    patient themselves or staff of their clinic (whose read the caller has audited)."""
    staff = staff_context(actor)
    own = patient.user_id is not None and patient.user_id == getattr(actor, "pk", None)
    if not own and (staff is None or staff.clinic.pk != patient.clinic_id):
        raise AccessDenied
    history = list(
        ConsentRecord.objects.filter(patient=patient)
        .select_related("text", "recorded_by")
        .order_by("-at", "-id")
    )
    texts = consent_texts_current()
    states = [
        ConsentState(
            purpose=purpose,
            label=ConsentPurpose(purpose).label,
            text=text,
            latest=next((r for r in history if r.purpose == purpose), None),
            required=purpose in REQUIRED_PURPOSES,
        )
        for purpose, text in texts.items()
    ]
    return ConsentOverview(states, history)


def patients_without_consent(*, purpose: str) -> QuerySet[Patient]:
    """Patients for whom the purpose does not hold now: withdrawn, or (for purposes that need a
    yes) never given. Used by the reminder commands, so it takes no actor."""
    latest = (
        ConsentRecord.objects.filter(patient=OuterRef("pk"), purpose=purpose)
        .order_by("-at", "-id")
        .values("given")[:1]
    )
    patients = Patient.objects.annotate(consent_given=Subquery(latest))
    if purpose in ON_UNTIL_WITHDRAWN:
        return patients.filter(consent_given=False)
    return patients.filter(Q(consent_given=False) | Q(consent_given__isnull=True))


# --- Settings --------------------------------------------------------------------------------


def privacy_settings_for(clinic: Clinic) -> PrivacySettings:
    """The clinic's settings as saved, or the defaults (unsaved) when it never changed them."""
    return PrivacySettings.objects.filter(clinic=clinic).first() or PrivacySettings(clinic=clinic)


def erasure_mode_for(clinic: Clinic) -> ErasureMode:
    """What erasing a record does at this clinic (its retention setting, or the default),
    read without writing anything."""
    policy = RetentionPolicy.objects.filter(clinic=clinic).first() or RetentionPolicy(clinic=clinic)
    return ErasureMode(policy.erasure_mode)


# --- Retention -------------------------------------------------------------------------------

ACTIVITY_DATES = (
    ("diary.SessionLog", ("performed_on", "created_at")),
    ("diary.MorningCheck", ("checked_on", "created_at")),
    ("diary.SittingLog", ("logged_on", "created_at")),
    ("diary.CrossTrainingLog", ("performed_on", "created_at")),
    ("diary.RunLog", ("performed_on", "created_at")),
    ("measures.MeasureResult", ("taken_on", "created_at")),
    ("programmes.Programme", ("created_at",)),
    ("programmes.Decision", ("made_on", "reviewed_at", "created_at")),
    ("appointments.Appointment", ("starts_at", "created_at")),
    ("assessments.Assessment", ("assessed_on", "created_at")),
    ("assessments.AdjunctTherapy", ("given_on", "created_at")),
    ("assessments.ClinicalNote", ("created_at",)),
    ("reports.ProgressReport", ("created_at",)),
    ("privacy.ConsentRecord", ("at",)),
)
"""Where a patient's activity is dated: the retention period runs from the latest of these (and
the record's creation, discharge and the person's last sign-in). A future appointment keeps the
record, as it should."""


def _local_date(value: dt.date | dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).date()
    return value


def live_patients(clinic: Clinic) -> QuerySet[Patient]:
    """The clinic's records that are not anonymised yet."""
    return Patient.objects.filter(clinic=clinic).exclude(email__endswith=f"@{ERASED_EMAIL_DOMAIN}")


def last_activity_by_patient(*, clinic: Clinic, only: Patient | None = None) -> dict[int, dt.date]:
    """Each live record's last activity (or just `only`'s), as a date in the clinic's zone."""
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    latest: dict[int, dt.date] = {}

    def seen(patient_id: int, value: dt.date | dt.datetime | None) -> None:
        if value is None or patient_id not in latest:
            return
        latest[patient_id] = max(latest[patient_id], _local_date(value, zone))

    patients = live_patients(clinic)
    if only is not None:
        patients = patients.filter(pk=only.pk)
    rows = patients.values_list("pk", "created_at", "discharged_on", "user__last_login")
    for pk, created_at, discharged_on, last_login in rows:
        latest[pk] = _local_date(created_at, zone)
        seen(pk, discharged_on)
        seen(pk, last_login)
    for label, fields in ACTIVITY_DATES:
        rows_of_model = apps.get_model(label)._default_manager.filter(patient__clinic=clinic)
        if only is not None:
            rows_of_model = rows_of_model.filter(patient=only)
        grouped = (
            rows_of_model.order_by()
            .values("patient_id")
            .annotate(**{f"last_{i}": Max(field) for i, field in enumerate(fields)})
        )
        for row in grouped:
            for i in range(len(fields)):
                seen(row["patient_id"], row[f"last_{i}"])
    return latest


@dataclass(frozen=True)
class PurgeCandidate:
    patient: Patient
    last_activity: dt.date
    due_on: dt.date


SIGN_UP_WRITES = frozenset({"programmes.Programme", "privacy.ConsentRecord"})
"""What signing up writes besides the record itself: the first programme and the consent to care
(`screening.services.patient_self_register`)."""


def unconfirmed_sign_ups_due(
    *, clinic: Clinic, now: dt.datetime | None = None, only: Patient | None = None
) -> list[PurgeCandidate]:
    """Sign-ups never confirmed and left alone for `SITBONE_UNCONFIRMED_SIGN_UP_DAYS` (or just
    `only`, if it is one).

    The person never signed in, the record holds only what signing up wrote (one programme and
    the consent to care), and nothing was written about it since: no link sent again (each link
    sent is audited as a write), no change by staff. Staff reads do not count: lists such as
    triage show the sign-up to every clinician. Staff who booked, assessed or changed anything
    have started care, and the record then waits for the clinic's retention period like any
    other. `last_activity` is the day of the latest of the sign-up and those writes, in the
    clinic's zone.
    """
    now = now or timezone.now()
    days = settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS
    cutoff = now - dt.timedelta(days=days)
    last_event = (
        AuditEvent.objects.filter(patient=OuterRef("pk"), category=AuditCategory.WRITE)
        .order_by("-at")
        .values("at")
    )
    waiting = (
        live_patients(clinic)
        .filter(AWAITING_CONFIRMATION, created_at__lte=cutoff)
        .annotate(last_event=Subquery(last_event[:1]), programme_count=Count("programmes"))
        .filter(Q(last_event__isnull=True) | Q(last_event__lte=cutoff), programme_count__lte=1)
    )
    if only is not None:
        waiting = waiting.filter(pk=only.pk)
    for label, _fields in ACTIVITY_DATES:
        if label not in SIGN_UP_WRITES:
            rows = apps.get_model(label)._default_manager.filter(patient=OuterRef("pk"))
            waiting = waiting.exclude(Exists(rows))
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    due = []
    for patient in waiting.order_by("pk"):
        last = max(patient.created_at, patient.last_event or patient.created_at)
        due.append(
            PurgeCandidate(
                patient,
                _local_date(last, zone),
                _local_date(last + dt.timedelta(days=days), zone),
            )
        )
    return due


def retention_rule_for(clinic: Clinic) -> RetentionRule:
    chosen = privacy_settings_for(clinic)
    return RetentionRule(chosen.retention_years, chosen.minors_kept_until_age)


def purge_schedule(*, clinic: Clinic, only: Patient | None = None) -> list[PurgeCandidate]:
    """Every live record of the clinic (or just `only`) with the day it may be purged, soonest
    first."""
    rule = retention_rule_for(clinic)
    latest = last_activity_by_patient(clinic=clinic, only=only)
    patients = live_patients(clinic).filter(pk__in=list(latest)).order_by("pk")
    schedule = [
        PurgeCandidate(
            patient,
            latest[patient.pk],
            purge_due_on(
                last_activity=latest[patient.pk], born_on=patient.date_of_birth, rule=rule
            ),
        )
        for patient in patients
    ]
    return sorted(schedule, key=lambda c: (c.due_on, c.patient.pk))


def purge_due(
    *, clinic: Clinic, now: dt.datetime | None = None, only: Patient | None = None
) -> list[PurgeCandidate]:
    """The records whose retention period has ended, counted in the clinic's time zone."""
    today = clinic_today(clinic, now=now)
    return [c for c in purge_schedule(clinic=clinic, only=only) if c.due_on <= today]


def purge_events(*, actor: User) -> QuerySet[AuditEvent]:
    """The clinic's retention purges, newest first (for its admins)."""
    staff = require_staff(actor, admin=True)
    return AuditEvent.objects.filter(clinic=staff.clinic, action="patient.retention_purge")


# --- Emergency access ------------------------------------------------------------------------


def patient_for_emergency_access(
    *, actor: User, public_id: object, request: HttpRequest
) -> tuple[Patient, bool]:
    """A patient of the actor's clinic and whether the actor needs emergency access to open the
    record; another clinic's patient (or none) is refused like a missing page, reason or not."""
    staff = require_staff(actor)
    parsed = _parse_uuid(public_id)
    patient = (
        Patient.objects.select_related("clinic")
        .filter(public_id=parsed, clinic=staff.clinic)
        .first()
        if parsed
        else None
    )
    if patient is None:
        refuse(actor=actor, request=request, what="emergency access", reference=public_id)
    needed = staff.care_team_only and not staff.is_admin and not in_care_team(actor, patient)
    return patient, needed


def emergency_search(*, actor: User, query: str) -> list[Patient]:
    """Patients of the actor's clinic whose name or email matches, for emergency access (the
    page that shows them audits each one)."""
    staff = require_staff(actor)
    words = query.split()
    if not words:
        return []
    matches = live_patients(staff.clinic)
    for word in words[:4]:
        matches = matches.filter(Q(full_name__icontains=word) | Q(email__iexact=word))
    return list(matches.order_by("full_name", "pk")[:10])


def emergency_accesses_of(*, actor: User) -> QuerySet[EmergencyAccess]:
    """The actor's own emergency accesses, newest first."""
    staff = require_staff(actor)
    return EmergencyAccess.objects.filter(clinic=staff.clinic, actor=actor).select_related(
        "patient"
    )


def emergency_accesses_for_admin(*, actor: User) -> QuerySet[EmergencyAccess]:
    """Every emergency access at the admin's clinic: not yet reviewed first, then newest."""
    staff = require_staff(actor, admin=True)
    return (
        EmergencyAccess.objects.filter(clinic=staff.clinic)
        .select_related("patient", "reviewed_by")
        .order_by(F("reviewed_at").asc(nulls_first=True), "-opened_at", "-id")
    )


def emergency_reads_count(accesses: list[EmergencyAccess]) -> dict[int, int]:
    """How many audited reads each emergency access led to."""
    details = {a.audit_detail: a.pk for a in accesses}
    counts = {a.pk: 0 for a in accesses}
    rows = (
        AuditEvent.objects.filter(category=AuditCategory.READ, detail__in=list(details))
        .order_by()
        .values_list("detail")
    )
    for (detail,) in rows:
        counts[details[detail]] += 1
    return counts


def emergency_access_for_admin(*, actor: User, public_id: object, request: HttpRequest) -> Any:
    staff = require_staff(actor, admin=True)
    parsed = _parse_uuid(public_id)
    access = (
        EmergencyAccess.objects.filter(public_id=parsed, clinic=staff.clinic).first()
        if parsed
        else None
    )
    if access is None:
        refuse(actor=actor, request=request, what="emergency access", reference=public_id)
    return access


# --- Breach register -------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachRow:
    breach: Breach
    current: BreachVersion


def breaches_for_admin(*, actor: User) -> list[BreachRow]:
    """The clinic's breaches, newest first, each with its current version."""
    staff = require_staff(actor, admin=True)
    breaches = list(Breach.objects.filter(clinic=staff.clinic).order_by("-number"))
    newest = {
        version.breach_id: version
        for version in BreachVersion.objects.filter(breach__in=breaches).order_by(
            "breach_id", "number"
        )
    }
    return [BreachRow(b, newest[b.pk]) for b in breaches if b.pk in newest]


@dataclass(frozen=True)
class BreachFile:
    breach: Breach
    versions: list[BreachVersion]
    """Newest first; the first is what is true now."""
    clocks: list[ClockState]
    changes: dict[int, list[str]]
    """For each version number, the labels of the fields it changed from the one before."""

    @property
    def current(self) -> BreachVersion:
        return self.versions[0]

    @property
    def history(self) -> list[tuple[BreachVersion, list[str]]]:
        return [(v, self.changes.get(v.number, [])) for v in self.versions]


TRACKED_FIELDS = {
    "status": "status",
    "discovered_at": "when the clinic became aware",
    "description": "what happened",
    "data_involved": "information involved",
    "affected_count": "people affected",
    "harm_risk": "serious harm",
    "risk_assessment": "risk assessment",
    "notifiable": "notifiable",
    "schemes": "schemes",
    "regulator_notified_at": "regulator told",
    "individuals_notified_at": "people told",
    "actions": "actions",
}
"""Fields compared between versions, with the words the history uses for them."""


def breach_for_admin(*, actor: User, public_id: object, request: HttpRequest) -> BreachFile:
    """One breach with its history and clocks; anyone but the clinic's admins gets a 404."""
    staff = require_staff(actor, admin=True)
    parsed = _parse_uuid(public_id)
    breach = (
        Breach.objects.filter(public_id=parsed, clinic=staff.clinic).first() if parsed else None
    )
    if breach is None:
        refuse(actor=actor, request=request, what="breach", reference=public_id)
    versions = list(
        breach.versions.prefetch_related("affected_patients").select_related("edited_by")
    )
    current = versions[0]
    assessed = next((v for v in reversed(versions) if v.status != BreachStatus.SUSPECTED), None)
    clocks = breach_clocks(
        discovered_at=current.discovered_at,
        assessed=current.status != BreachStatus.SUSPECTED,
        assessed_at=assessed.edited_at if assessed else None,
        notifiable=current.notifiable,
        schemes=tuple(current.schemes or ()),
        regulator_notified_at=current.regulator_notified_at,
        individuals_notified_at=current.individuals_notified_at,
        now=timezone.now(),
    )
    return BreachFile(breach, versions, clocks, _changes(versions))


def _changes(versions: list[BreachVersion]) -> dict[int, list[str]]:
    changes: dict[int, list[str]] = {}
    ordered = list(reversed(versions))
    for before, after in itertools.pairwise(ordered):
        changed = [
            label for f, label in TRACKED_FIELDS.items() if getattr(before, f) != getattr(after, f)
        ]
        if {p.pk for p in before.affected_patients.all()} != {
            p.pk for p in after.affected_patients.all()
        }:
            changed.append("affected patients")
        changes[after.number] = changed
    return changes


def audit_breach_patients_read(*, actor: User, file: BreachFile, request: HttpRequest) -> None:
    """Naming the affected patients (the current version's) is a read of their data: one
    audited read per patient shown."""
    staff_reads_audit(
        actor=actor,
        patients=list(file.current.affected_patients.all()),
        request=request,
        what="breach.view",
    )


def clinic_patients_by_reference(*, actor: User, references: list[str]) -> dict[str, Patient]:
    """The admin's clinic's patients matching email addresses or Sitbone ids."""
    staff = require_staff(actor, admin=True)
    emails = [r.lower() for r in references if "@" in r]
    ids = [u for u in (_parse_uuid(r) for r in references if "@" not in r) if u is not None]
    found: dict[str, Patient] = {}
    if not emails and not ids:
        return found
    matches = Patient.objects.filter(clinic=staff.clinic).filter(
        Q(email__in=emails) | Q(public_id__in=ids)
    )
    for patient in matches:
        found[patient.email.lower()] = patient
        found[str(patient.public_id)] = patient
    return found
