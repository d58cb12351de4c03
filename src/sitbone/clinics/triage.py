"""Triage: the clinician's home list, their patients ordered by need, each saying why.

Every signal comes from data the engine has already judged (decision zones and reasons, pending
stage changes) or from plain counts against what was prescribed; nothing here re-applies a
clinical rule. What the list says of a patient is worked out by one query for any number of
patients (the patients with, as subqueries, their latest decision, pending proposal, programme,
last VISA-H, the days of the last week with a session or a morning check, and their next
appointment when that app is installed) and kept as a `TriageSnapshot`.

A snapshot is used while it is current: computed for the clinic's today, in its time zone, at the
patient's present `data_version`, and before the appointment it names has started. Every write
to a table the reasons come from gives the patient a new `data_version` (`patient_data_changed`,
connected when the app loads). So opening the list reads names and snapshots in one query and
computes again only the patients whose data changed since; `sitbone refresh-triage`, run at
night, computes the new day's snapshots so that the first list of the morning is as quick.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import IntegrityError, NotSupportedError, transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from sitbone.clinics.access import caseload_for, require_staff
from sitbone.clinics.models import Clinic, TriageSnapshot, clinic_today
from sitbone.clinics.selectors import DAY_FORMAT, appointment_selectors
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import AWAITING_CONFIRMATION, Patient
from sitbone.programmes.models import Approval, Decision, Programme

if TYPE_CHECKING:
    from sitbone.accounts.models import User

TREND_RISING_RULE = "PMM-TREND-RISING"
QUESTIONNAIRE_DUE_DAYS = 28
CHECK_IN_WINDOW_DAYS = 7
APPOINTMENT_SOON_DAYS = 7


class Need(StrEnum):
    """Why a patient is on the list, most urgent first (the order is the sort order)."""

    RED = "red"
    APPROVAL = "approval"
    MISSED = "missed"
    DUE = "due"
    APPOINTMENT = "appointment"


NEED_LABELS = {
    Need.RED: "Red zone or rising pain",
    Need.APPROVAL: "Stage change to approve",
    Need.MISSED: "Missed sessions or check-ins",
    Need.DUE: "Questionnaire due",
    Need.APPOINTMENT: "Appointment this week",
}
_NEED_ORDER = {need: index for index, need in enumerate(Need)}


@dataclass(frozen=True)
class TriageReason:
    need: Need
    text: str


@dataclass(frozen=True)
class TriagePatient:
    """What a triage row shows of a patient and what its read audit needs, read as plain values
    (a caseload is hundreds of patients)."""

    pk: int
    public_id: uuid.UUID
    clinic_id: int
    full_name: str
    stage: int


@dataclass(frozen=True)
class TriageRow:
    patient: TriagePatient
    reasons: tuple[TriageReason, ...]
    zone: str | None
    last_session_on: dt.date | None
    pending_decision_id: uuid.UUID | None
    next_appointment_at: dt.datetime | None
    awaiting_confirmation: bool
    """Signed up but has not confirmed their email address, so cannot sign in yet."""

    @property
    def last_session_label(self) -> str:
        """Written here rather than by the template's date filter, once per row drawn."""
        return f"{self.last_session_on:{DAY_FORMAT}}" if self.last_session_on else "none yet"

    @cached_property  # read for every filter count
    def needs(self) -> frozenset[Need]:
        return frozenset(reason.need for reason in self.reasons)

    @property
    def sort_key(self) -> tuple[int, int, str]:
        first = min((_NEED_ORDER[r.need] for r in self.reasons), default=len(_NEED_ORDER))
        return (first, -len(self.reasons), self.patient.full_name.lower())


@dataclass(frozen=True)
class Triage:
    rows: list[TriageRow]
    counts: dict[str, int]
    total: int
    shown: str
    appointments_enabled: bool


_TRIAGE_SUMMARY = (
    "t_zone",
    "t_made_on",
    "t_trend_rising",
    "t_pending_id",
    "t_pending_from",
    "t_pending_to",
    "t_per_week",
    "t_visa_h_on",
    "t_last_session_on",
    "t_first_programme_at",
    "t_session_days",
    "t_morning_days",
    "t_next_appointment_at",
)


class _CitesRule(Func):
    """Whether a decision's reasons (a JSON list of ``{"rule": …, "text": …}``) cite ``rule``.

    Asked in SQL so that a caseload's reasons, most of a kilobyte a patient, are never read
    into Python for one yes or no.
    """

    output_field = BooleanField()

    def __init__(self, reasons: str, rule: str) -> None:
        super().__init__(reasons, Value(rule))

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, tuple[Any, ...]]:
        (reasons, reasons_params), (rule, rule_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return reasons, rule, (*reasons_params, *rule_params)

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        reasons, rule, params = self._parts(compiler, connection)
        cited = f"CASE WHEN type = 'object' THEN json_extract(value, '$.rule') END = {rule}"
        query = f"EXISTS (SELECT 1 FROM json_each({reasons}) WHERE {cited})"  # noqa: S608 # nosec B608
        return query, params  # compiled column and placeholder; the rule id is a parameter

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        reasons, rule, params = self._parts(compiler, connection)
        return f"({reasons} @> jsonb_build_array(jsonb_build_object('rule', {rule}::text)))", params

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        raise NotSupportedError(f"{connection.vendor} is not a database Sitbone runs on")


def _days_since(model: type[SessionLog | MorningCheck], field: str, since: dt.date) -> Subquery:
    """The outer patient's days on or after ``since`` with a row of ``model``, as one string of
    ISO dates (a caseload's last week is a thousand rows; one string a patient is cheaper).

    SQLite keeps dates as ISO text. PostgreSQL writes a date as text in its DateStyle, which is
    ISO wherever Sitbone runs: psycopg cannot read timestamps in the other styles at all.
    """
    days = (
        model.objects.filter(patient=OuterRef("pk"), **{f"{field}__gte": since})
        .order_by()
        .values("patient")
        .annotate(days=StringAgg(Cast(field, TextField()), delimiter=Value(",")))
    )
    return Subquery(days.values("days"))


def _iso_days(joined: str | None) -> list[dt.date]:
    return [dt.date.fromisoformat(day) for day in joined.split(",")] if joined else []


def _triage_patients(patients: QuerySet[Patient], *, since: dt.date, now: dt.datetime) -> Any:
    """One row per patient, in ``pk`` order: its ``pk`` and ``data_version``, then what the
    reasons are made of. One statement, so the version and the data are read together."""
    latest = Decision.objects.filter(patient=OuterRef("pk")).order_by("-made_on", "-id")
    pending = Decision.objects.filter(patient=OuterRef("pk"), approval=Approval.PENDING).order_by(
        "-made_on", "-id"
    )
    rising = latest.annotate(rising=_CitesRule("reasons", TREND_RISING_RULE))
    current = Programme.objects.filter(patient=OuterRef("pk"), is_current=True)
    last_session = SessionLog.objects.filter(patient=OuterRef("pk")).order_by("-performed_on")
    first_programme = Programme.objects.filter(patient=OuterRef("pk")).order_by("created_at")
    visa_h = MeasureResult.objects.filter(patient=OuterRef("pk"), instrument="visa_h").order_by(
        "-taken_on"
    )
    next_appointment = (
        Value(None, DateTimeField())
        if appointment_selectors is None
        else appointment_selectors.next_booked_start(now=now)
    )
    return (
        patients.annotate(
            t_zone=Subquery(latest.values("zone")[:1]),
            t_made_on=Subquery(latest.values("made_on")[:1]),
            t_trend_rising=Subquery(rising.values("rising")[:1]),
            t_pending_id=Subquery(pending.values("public_id")[:1]),
            t_pending_from=Subquery(pending.values("stage_from")[:1]),
            t_pending_to=Subquery(pending.values("stage_to")[:1]),
            t_per_week=Subquery(current.values("sessions_per_week")[:1]),
            t_visa_h_on=Subquery(visa_h.values("taken_on")[:1]),
            t_last_session_on=Subquery(last_session.values("performed_on")[:1]),
            t_first_programme_at=Subquery(first_programme.values("created_at")[:1]),
            t_session_days=_days_since(SessionLog, "performed_on", since),
            t_morning_days=_days_since(MorningCheck, "checked_on", since),
            t_next_appointment_at=next_appointment,
        )
        .order_by("pk")
        .values_list("pk", "data_version", *_TRIAGE_SUMMARY, named=True)
    )


def _days_counted(patient: Any, today: dt.date, zone_info: zoneinfo.ZoneInfo) -> int:
    """Days of the last week the patient has had a programme (a new patient is not behind)."""
    started = patient.t_first_programme_at
    if started is None:
        return 0
    since = (today - timezone.localtime(started, zone_info).date()).days
    return max(0, min(CHECK_IN_WINDOW_DAYS, since))


def _reasons_for(
    patient: Any,
    *,
    today: dt.date,
    sessions: list[dt.date],
    mornings: set[dt.date],
    zone_info: zoneinfo.ZoneInfo,
) -> list[TriageReason]:
    reasons: list[TriageReason] = []
    zone = patient.t_zone
    if zone == "stop":
        reasons.append(TriageReason(Need.RED, "Red flag: refer for medical review"))
    elif zone == "red":
        reasons.append(TriageReason(Need.RED, f"Red zone on {patient.t_made_on:{DAY_FORMAT}}"))
    if patient.t_trend_rising:
        reasons.append(TriageReason(Need.RED, "Morning pain rising week on week"))
    if patient.t_pending_id:
        verb = "advance" if patient.t_pending_to > patient.t_pending_from else "step back"
        reasons.append(
            TriageReason(
                Need.APPROVAL,
                f"Proposed {verb}: stage {patient.t_pending_from} → {patient.t_pending_to}",
            )
        )
    week_start = today - dt.timedelta(days=CHECK_IN_WINDOW_DAYS)
    done = sum(1 for day in sessions if week_start < day <= today)
    days = _days_counted(patient, today, zone_info)
    expected = (patient.t_per_week or 0) * days // CHECK_IN_WINDOW_DAYS
    if expected and done < expected:
        reasons.append(
            TriageReason(Need.MISSED, f"{done} of {expected} sessions in the last {days} days")
        )
    missed = sum(
        1
        for day in sessions
        if week_start <= day <= today - dt.timedelta(days=2)
        and day + dt.timedelta(days=1) not in mornings
    )
    if missed:
        reasons.append(
            TriageReason(
                Need.MISSED,
                f"{missed} missed morning check-in{'s' if missed > 1 else ''} this week",
            )
        )
    last_visa = patient.t_visa_h_on
    if last_visa is None:
        reasons.append(TriageReason(Need.DUE, "No VISA-H recorded yet"))
    elif (today - last_visa).days >= QUESTIONNAIRE_DUE_DAYS:
        reasons.append(TriageReason(Need.DUE, f"VISA-H due (last {last_visa:%-d %b})"))
    if patient.t_next_appointment_at is not None:
        starts = timezone.localtime(patient.t_next_appointment_at, zone_info)
        if (starts.date() - today).days <= APPOINTMENT_SOON_DAYS:
            reasons.append(
                TriageReason(Need.APPOINTMENT, f"Appointment {starts:{DAY_FORMAT} %H:%M}")
            )
    return reasons


# --- Snapshots -------------------------------------------------------------------------------

TRIAGE_SOURCES = (
    "assessments.Assessment",
    "diary.SessionLog",
    "diary.MorningCheck",
    "programmes.Decision",
    "programmes.Programme",
    "measures.MeasureResult",
    "appointments.Appointment",
)
"""The models the reasons and the engine's decisions are made of: a write to any of them
changes the patient's version (the engine reads assessments; `programmes.services.DecisionDraft`
relies on the version too)."""

SHOWN = ("reasons", "zone", "last_session_on", "pending_decision_id", "next_appointment_at")
"""What a row shows of its snapshot."""

REFRESH_BATCH = 500
"""Patients computed by one statement of the nightly refresh."""


_VERSION_CHANGED: ContextVar[frozenset[int]] = ContextVar("version_changed", default=frozenset())
"""Patients whose version the current transaction has changed itself (`version_changed`)."""


def patient_data_changed(sender: type[Model], instance: Any, **_: Any) -> None:
    """Give the patient a new `data_version`, in the writer's own transaction."""
    if instance.patient_id in _VERSION_CHANGED.get():
        return
    Patient.objects.filter(pk=instance.patient_id).update(data_version=uuid.uuid4())


@contextmanager
def version_changed(patient: Patient) -> Iterator[None]:
    """For a transaction that has given ``patient`` a new `data_version` itself: the sources it
    writes inside the block change it no more (readers compare versions across commits, so one
    change per transaction is all they need; a logged session wrote three)."""
    token = _VERSION_CHANGED.set(_VERSION_CHANGED.get() | {patient.pk})
    try:
        yield
    finally:
        _VERSION_CHANGED.reset(token)


def connect_data_changed() -> None:
    """Connect `patient_data_changed` to each source installed (appointments is optional)."""
    for label in TRIAGE_SOURCES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for signal in (post_save, post_delete):
            signal.connect(patient_data_changed, sender=model, dispatch_uid=f"triage:{label}")


def _current(*, today: dt.date, time_zone: str, now: dt.datetime) -> ExpressionWrapper[Any]:
    """Whether the outer patient's snapshot may be shown (false, or null, when there is none)."""
    return ExpressionWrapper(
        Q(
            triage_snapshot__data_version=F("data_version"),
            triage_snapshot__computed_for=today,
            triage_snapshot__time_zone=time_zone,
        )
        & (
            Q(triage_snapshot__next_appointment_at__isnull=True)
            | Q(triage_snapshot__next_appointment_at__gt=now)
        ),
        output_field=BooleanField(),
    )


def _computed(
    patients: QuerySet[Patient], *, today: dt.date, zone_info: zoneinfo.ZoneInfo, now: dt.datetime
) -> dict[int, TriageSnapshot]:
    """Work out the snapshots of ``patients`` and store them, by patient ``pk``."""
    since = today - dt.timedelta(days=CHECK_IN_WINDOW_DAYS + 1)
    snapshots = {}
    for patient in _triage_patients(patients, since=since, now=now):
        reasons = _reasons_for(
            patient,
            today=today,
            sessions=_iso_days(patient.t_session_days),
            mornings=set(_iso_days(patient.t_morning_days)),
            zone_info=zone_info,
        )
        snapshots[patient.pk] = TriageSnapshot(
            patient_id=patient.pk,
            data_version=patient.data_version,
            computed_for=today,
            time_zone=zone_info.key,
            reasons=[[reason.need.value, reason.text] for reason in reasons],
            zone=patient.t_zone or "",
            last_session_on=patient.t_last_session_on,
            pending_decision_id=patient.t_pending_id,
            next_appointment_at=patient.t_next_appointment_at,
        )
    try:
        with transaction.atomic():  # in pk order, so concurrent lists never lock in a cycle
            TriageSnapshot.objects.bulk_create(
                list(snapshots.values()),
                update_conflicts=True,
                unique_fields=["patient"],
                update_fields=["data_version", "computed_for", "time_zone", *SHOWN],
            )
    except IntegrityError:
        pass  # a patient erased meanwhile; the rest are computed again next time, nothing is lost
    return snapshots


def refresh_snapshots(*, clinic: Clinic, now: dt.datetime | None = None) -> tuple[int, int]:
    """Bring the snapshots of the clinic's patients in treatment up to date for the clinic's
    today; returns (patients in treatment, snapshots computed). For the nightly job."""
    now = now or timezone.now()
    zone_info = zoneinfo.ZoneInfo(clinic.time_zone)
    today = clinic_today(clinic, now=now)
    state = list(
        Patient.objects.filter(clinic=clinic, discharged_on__isnull=True)
        .annotate(current=_current(today=today, time_zone=zone_info.key, now=now))
        .values_list("pk", "current")
    )
    stale = [pk for pk, current in state if not current]
    for start in range(0, len(stale), REFRESH_BATCH):
        batch = Patient.objects.filter(pk__in=stale[start : start + REFRESH_BATCH])
        _computed(batch, today=today, zone_info=zone_info, now=now)
    return len(state), len(stale)


# --- The list --------------------------------------------------------------------------------


def patient_list_for_triage(*, actor: User, show: str = "all") -> Triage:
    """The actor's caseload ordered by need, each row saying why, with counts per need."""
    staff = require_staff(actor)
    now = timezone.now()
    zone_info = zoneinfo.ZoneInfo(staff.clinic.time_zone)
    today = clinic_today(staff.clinic, now=now)
    shown_fields = [field.name for field in fields(TriagePatient)]
    listed = list(
        caseload_for(actor)
        .filter(discharged_on__isnull=True)
        .annotate(
            awaiting=ExpressionWrapper(AWAITING_CONFIRMATION, output_field=BooleanField()),
            current=_current(today=today, time_zone=zone_info.key, now=now),
            **{name: F(f"triage_snapshot__{name}") for name in SHOWN},
        )
        .order_by("full_name")
        .values_list(*shown_fields, "awaiting", "current", *SHOWN, named=True)
    )
    stale = [patient.pk for patient in listed if not patient.current]
    computed = (
        _computed(Patient.objects.filter(pk__in=stale), today=today, zone_info=zone_info, now=now)
        if stale
        else {}
    )
    rows = []
    for patient in listed:
        # A patient erased after the list was read has neither a snapshot nor one computed.
        snapshot = computed.get(patient.pk, patient)
        rows.append(
            TriageRow(
                patient=TriagePatient(*patient[: len(shown_fields)]),
                # Someone who cannot sign in yet has had no chance to miss anything.
                reasons=()
                if patient.awaiting
                else tuple(TriageReason(Need(need), text) for need, text in snapshot.reasons or ()),
                zone=snapshot.zone or None,
                last_session_on=snapshot.last_session_on,
                pending_decision_id=snapshot.pending_decision_id,
                next_appointment_at=snapshot.next_appointment_at,
                awaiting_confirmation=bool(patient.awaiting),
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    counts = {need.value: sum(1 for r in rows if need in r.needs) for need in Need}
    counts["attention"] = sum(1 for r in rows if r.reasons)
    if show in {need.value for need in Need}:
        shown = [r for r in rows if Need(show) in r.needs]
    elif show == "attention":
        shown = [r for r in rows if r.reasons]
    else:
        show, shown = "all", rows
    return Triage(
        rows=shown,
        counts=counts,
        total=len(rows),
        shown=show,
        appointments_enabled=appointment_selectors is not None,
    )
