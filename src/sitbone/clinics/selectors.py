"""Reads of clinic data, scoped to the acting staff member's clinic."""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import AppRegistryNotReady
from django.db import NotSupportedError
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    Func,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import Truncator

from sitbone.clinics.access import caseload_for, require_staff
from sitbone.clinics.models import Clinic, Invitation, Membership, Role, clinic_today
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import AWAITING_CONFIRMATION, Patient
from sitbone.programmes.models import Approval, Decision, Programme

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def staff_members(*, actor: User) -> QuerySet[Membership]:
    staff = require_staff(actor, admin=True)
    return (
        Membership.objects.filter(clinic=staff.clinic)
        .select_related("user")
        .order_by("user__full_name")
    )


def invitations_open(*, actor: User) -> QuerySet[Invitation]:
    staff = require_staff(actor, admin=True)
    return Invitation.objects.filter(
        clinic=staff.clinic, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).exclude(kind="patient")


def clinic_clinicians(*, clinic: Clinic) -> list[User]:
    """The clinic's clinicians (not its admins), by name: who can be in a care team."""
    memberships = Membership.objects.filter(clinic=clinic, role=Role.CLINICIAN)
    return [m.user for m in memberships.select_related("user").order_by("user__full_name", "pk")]


def last_invitation(patient: Patient) -> Invitation | None:
    """The newest invitation sent for the record (read by a page that has checked access)."""
    return Invitation.objects.filter(patient=patient).order_by("-created_at", "-pk").first()


def care_team_of(patient: Patient) -> list[User]:
    """The clinicians the patient is assigned to, by name (read by pages that checked access)."""
    return list(patient.assigned_clinicians.order_by("full_name"))


def discharged_patients(*, actor: User) -> QuerySet[Patient]:
    """The actor's caseload (an admin's: the clinic) after discharge, most recent first."""
    require_staff(actor)
    return caseload_for(actor).filter(discharged_on__isnull=False).order_by("-discharged_on", "pk")


# --- Triage: the clinician's home ------------------------------------------------------------
#
# Who needs the clinician today, most urgent first. Every signal comes from data the engine has
# already judged (decision zones and reasons, pending stage changes) or from plain counts against
# what was prescribed; nothing here re-applies a clinical rule. The list is one query whatever the
# caseload: the patients with, as subqueries, their latest decision, pending proposal, programme,
# last VISA-H, the days of the last week with a session or a morning check, and their next
# appointment when that app is installed.


def _appointments_feature() -> Any:
    """The appointments selectors, or None when the appointments app is absent."""
    try:
        from sitbone.appointments import selectors
    except (ImportError, RuntimeError, AppRegistryNotReady):
        return None
    return selectors


appointment_selectors = _appointments_feature()

TREND_RISING_RULE = "PMM-TREND-RISING"
DAY_FORMAT = "%a %-d %b"
"""A day as the clinician's pages write it, e.g. Fri 27 Nov."""
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
    "t_awaiting",
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


def _triage_patients(
    caseload: QuerySet[Patient], *, since: dt.date, next_appointment: Subquery | None
) -> QuerySet[Patient, Any]:
    """One row per patient: `TriagePatient`'s fields, then what the reasons are made of."""
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
    return (
        caseload.annotate(
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
            t_next_appointment_at=(
                Value(None, DateTimeField()) if next_appointment is None else next_appointment
            ),
            t_awaiting=ExpressionWrapper(AWAITING_CONFIRMATION, output_field=BooleanField()),
        )
        .order_by("full_name")
        .values_list(*(f.name for f in fields(TriagePatient)), *_TRIAGE_SUMMARY, named=True)
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
    if patient.t_awaiting:  # cannot sign in yet, so nothing they have not done is missed
        return reasons
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


def patient_list_for_triage(*, actor: User, show: str = "all") -> Triage:
    """The actor's caseload ordered by need, each row saying why, with counts per need."""
    staff = require_staff(actor)
    today = clinic_today(staff.clinic)
    zone_info = zoneinfo.ZoneInfo(staff.clinic.time_zone)
    caseload = caseload_for(actor).filter(discharged_on__isnull=True)
    next_appointment = (
        appointment_selectors.next_booked_start(actor=actor)
        if appointment_selectors is not None
        else None
    )
    since = today - dt.timedelta(days=CHECK_IN_WINDOW_DAYS + 1)
    shown_fields = len(fields(TriagePatient))
    rows = []
    for patient in _triage_patients(caseload, since=since, next_appointment=next_appointment):
        rows.append(
            TriageRow(
                patient=TriagePatient(*patient[:shown_fields]),
                reasons=tuple(
                    _reasons_for(
                        patient,
                        today=today,
                        sessions=_iso_days(patient.t_session_days),
                        mornings=set(_iso_days(patient.t_morning_days)),
                        zone_info=zone_info,
                    )
                ),
                zone=patient.t_zone,
                last_session_on=patient.t_last_session_on,
                pending_decision_id=patient.t_pending_id,
                next_appointment_at=patient.t_next_appointment_at,
                awaiting_confirmation=bool(patient.t_awaiting),
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


# --- Outcome-measure history -----------------------------------------------------------------


@dataclass(frozen=True)
class MeasureRow:
    result: MeasureResult
    change: dict[str, Any] | None
    """The engine's change against the previous result: delta, direction, MCID/MDC flags."""

    reasons: list[dict[str, str]]


@dataclass(frozen=True)
class MeasureHistory:
    instrument: str
    name: str
    short_name: str
    low: int
    high: int
    higher_is_better: bool
    mcid: int | None
    mcid_source: str | None
    rows: list[MeasureRow]
    """Newest first."""

    @property
    def latest(self) -> MeasureRow:
        return self.rows[0]


def measure_history(*, patient: Patient) -> list[MeasureHistory]:
    """Each instrument's results with the engine's change verdict against the one before.

    Change and MCID markers come from the engine's scoring (clinical-brief §4): VISA-H has no
    published MCID, so its change carries no verdict unless the clinic set ``visa_h_mcid``.
    """
    from sitbone.engine.commands import COMMANDS
    from sitbone.engine.errors import EngineInputError
    from sitbone.engine.instruments import INSTRUMENTS
    from sitbone.programmes.services import engine_thresholds

    thresholds = engine_thresholds(patient)
    by_instrument: dict[str, list[MeasureResult]] = defaultdict(list)
    for result in MeasureResult.objects.filter(patient=patient).order_by("taken_on", "id"):
        by_instrument[result.instrument].append(result)
    histories = []
    for instrument, results in by_instrument.items():
        definition = INSTRUMENTS.get(instrument)
        if definition is None:
            continue
        rows: list[MeasureRow] = []
        mcid: int | None = None
        mcid_source: str | None = None
        for previous, result in zip([None, *results], results, strict=False):
            change, reasons = None, []
            if previous is not None:
                try:
                    scored = COMMANDS["score"](
                        {
                            "instrument": instrument,
                            "answers": result.answers,
                            "previous_total": previous.total,
                            "thresholds": thresholds,
                        }
                    )
                except EngineInputError:
                    scored = {}
                change = scored.get("change")
                reasons = scored.get("reasons", [])
                if change:
                    mcid, mcid_source = change.get("mcid"), change.get("mcid_source")
            rows.append(MeasureRow(result, change, reasons))
        histories.append(
            MeasureHistory(
                instrument=instrument,
                name=definition.name,
                short_name=definition.short_name,
                low=definition.min,
                high=definition.max,
                higher_is_better=definition.higher_is_better,
                mcid=mcid
                if mcid is not None
                else (definition.mcid.value if definition.mcid else None),
                mcid_source=mcid_source,
                rows=list(reversed(rows)),
            )
        )
    order = ["visa_h", "lefs", "nprs", "groc", "nirschl", "sitting_tolerance"]
    histories.sort(key=lambda h: order.index(h.instrument) if h.instrument in order else 99)
    return histories


# --- The patient page ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""

    @property
    def day_label(self) -> str:
        """The day as the site writes it (the template's date filter cost a third of the page's
        drawing at up to 120 entries)."""
        return f"{self.day:{DAY_FORMAT}}"


@dataclass(frozen=True)
class AdherenceWeek:
    starts: dt.date
    done: int
    prescribed: int


@dataclass(frozen=True)
class Workspace:
    patient: Patient
    today: dt.date
    programme: Programme | None
    decisions: list[Decision]
    pending: list[Decision]
    zone_trend: list[Decision]
    mornings: list[MorningCheck]
    adherence: list[AdherenceWeek]
    measures: list[MeasureHistory]
    next_appointment: Any
    appointments_enabled: bool
    notes: list[Any]
    assessments: list[Any]
    adjuncts: list[Any]
    timeline: list[TimelineEntry]

    @property
    def adherence_done(self) -> int:
        return sum(week.done for week in self.adherence)

    @property
    def adherence_prescribed(self) -> int:
        return sum(week.prescribed for week in self.adherence)


ADHERENCE_WEEKS = 4
TIMELINE_DAYS = 120
TIMELINE_LIMIT = 120
TIMELINE_DETAIL_CHARS = 220
"""A timeline entry shows this much of a long note or reason, ending with an ellipsis."""


def _timeline_shortened(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    limit = TIMELINE_DETAIL_CHARS
    return [
        replace(e, detail=Truncator(e.detail).chars(limit)) if len(e.detail) > limit else e
        for e in entries
    ]


def patient_workspace(*, actor: User, patient: Patient) -> Workspace:
    """Everything the clinician's patient page shows. ``patient`` comes from the access module."""
    from django.urls import reverse

    from sitbone.assessments.models import AdjunctTherapy, Assessment, ClinicalNote

    today = clinic_today(patient.clinic)
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    since = today - dt.timedelta(days=TIMELINE_DAYS)
    # The recent decisions and every pending proposal, however old, in one read.
    decisions_read = list(
        Decision.objects.filter(patient=patient)
        .filter(Q(made_on__gte=since) | Q(approval=Approval.PENDING))
        .select_related("reviewed_by")
        .order_by("-made_on", "-id")
    )
    decisions = [d for d in decisions_read if d.made_on >= since]
    sessions = list(
        SessionLog.objects.filter(patient=patient, performed_on__gte=since).order_by(
            "-performed_on", "-id"
        )
    )
    mornings = list(
        MorningCheck.objects.filter(patient=patient, checked_on__gte=since).order_by("-checked_on")
    )
    versions = list(
        Programme.objects.filter(patient=patient).select_related("created_by").order_by("-version")
    )
    programme = next((v for v in versions if v.is_current), None)
    notes = list(
        ClinicalNote.objects.filter(patient=patient)
        .select_related("author")
        .order_by("-created_at")[:50]
    )
    assessments = list(
        Assessment.objects.filter(patient=patient)
        .select_related("assessed_by")
        .order_by("-assessed_on", "-id")[:50]
    )
    adjuncts = list(AdjunctTherapy.objects.filter(patient=patient).order_by("-given_on")[:50])
    measures = measure_history(patient=patient)
    next_appointment = None
    if appointment_selectors is not None:
        next_appointment = appointment_selectors.next_appointment(actor=actor, patient=patient)

    adherence = []
    per_week = programme.sessions_per_week if programme else 0
    for week in range(ADHERENCE_WEEKS - 1, -1, -1):
        ends = today - dt.timedelta(days=7 * week)
        starts = ends - dt.timedelta(days=6)
        done = sum(1 for s in sessions if starts <= s.performed_on <= ends and s.completed)
        adherence.append(AdherenceWeek(starts, done, per_week))

    pid = patient.public_id
    morning_by_day = {m.checked_on: m.pain for m in mornings}
    timeline: list[TimelineEntry] = []
    for s in sessions:
        morning = morning_by_day.get(s.performed_on + dt.timedelta(days=1))
        detail = f"Pain during {s.pain_during}/10, after {s.pain_after}/10"
        detail += f", next morning {morning}/10" if morning is not None else ", no morning check"
        title = "Session" if s.completed else "Session (not completed)"
        timeline.append(TimelineEntry(s.performed_on, "session", title, detail))
    for d in decisions:
        if d.stage_change == "stay" and d.action not in ("regress", "refer"):
            continue
        title = f"Engine: {d.action}"
        if d.stage_change != "stay":
            title += f", stage {d.stage_from} → {d.stage_to} ({d.get_approval_display().lower()})"
        detail = "; ".join(r.get("text", "") for r in d.reasons[:2])
        if d.review_note:
            detail += f" — note: {d.review_note}"
        timeline.append(TimelineEntry(d.made_on, f"decision zone-{d.zone}", title, detail))
    measures_url = reverse("assessments:measures", args=[pid])
    versions_url = reverse("programmes:versions", args=[pid])
    for history in measures:
        for row in history.rows:
            if row.result.taken_on < since:
                continue
            delta = f" ({row.change['delta']:+d})" if row.change else ""
            timeline.append(
                TimelineEntry(
                    row.result.taken_on,
                    "measure",
                    f"{history.short_name} {row.result.total}{delta}",
                    url=measures_url,
                )
            )
    for a in assessments:
        detail = ""
        if a.posttest_probability is not None:
            detail = f"Post-test probability {a.posttest_probability * 100:.0f}%"
        timeline.append(
            TimelineEntry(
                a.assessed_on,
                "assessment",
                "Assessment",
                detail,
                reverse("assessments:detail", args=[pid, a.public_id]),
            )
        )
    for v in versions:
        who = v.created_by.full_name if v.created_by else "engine"
        timeline.append(
            TimelineEntry(
                timezone.localtime(v.created_at, zone).date(),
                "programme",
                f"Programme version {v.version} (stage {v.stage})",
                f"{v.reason} — {who}",
                versions_url,
            )
        )
    for n in notes:
        author = n.author.full_name if n.author else "former staff member"
        timeline.append(
            TimelineEntry(
                timezone.localtime(n.created_at, zone).date(), "note", f"Note by {author}", n.text
            )
        )
    for t in adjuncts:
        timeline.append(
            TimelineEntry(t.given_on, "adjunct", t.get_kind_display(), t.dose or t.notes)
        )
    timeline.sort(key=lambda e: e.day, reverse=True)
    return Workspace(
        patient=patient,
        today=today,
        programme=programme,
        decisions=decisions[:5],
        pending=[d for d in decisions_read if d.approval == Approval.PENDING],
        zone_trend=list(reversed(decisions[:14])),
        mornings=list(reversed(mornings[:42])),
        adherence=adherence,
        measures=measures,
        next_appointment=next_appointment,
        appointments_enabled=appointment_selectors is not None,
        notes=notes,
        assessments=assessments,
        adjuncts=adjuncts,
        timeline=_timeline_shortened(timeline[:TIMELINE_LIMIT]),
    )


def morning_pain_chart(mornings: list[MorningCheck]) -> Any:
    """Next-morning load-test pain over time as an inline SVG (oldest first)."""
    from sitbone.reports.charts import Point, line_chart

    return line_chart(
        [Point(m.checked_on, m.pain) for m in mornings],
        low=0,
        high=10,
        title="Next-morning load-test pain, 0–10",
        unit="/10",
    )


@dataclass(frozen=True)
class AccessSummary:
    events: list[Any]
    people: list[tuple[str, int, dt.datetime]]
    """(staff email, number of events, latest) for each person, most recent first."""


def staff_reads_of_patient(*, patient: Patient, limit: int = 300) -> AccessSummary:
    """Who on staff opened or changed the patient's record, and when (newest first)."""
    from django.db.models import Count, Max

    from sitbone.clinics.models import AuditCategory, AuditEvent

    rows = AuditEvent.objects.filter(
        patient=patient,
        category__in=[AuditCategory.READ, AuditCategory.WRITE],
        actor__memberships__clinic=patient.clinic_id,
    )
    people = [
        (row["actor_email"] or "unknown", row["n"], row["last"])
        for row in rows.values("actor_email")
        .annotate(n=Count("id"), last=Max("at"))
        .order_by("-last")
    ]
    return AccessSummary(events=list(rows.order_by("-at", "-id")[:limit]), people=people)
