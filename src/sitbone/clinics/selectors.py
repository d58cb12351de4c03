"""Reads of clinic data, scoped to the acting staff member's clinic."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import AppRegistryNotReady
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.text import Truncator

from sitbone.clinics.access import caseload_for, require_staff
from sitbone.clinics.models import Clinic, Invitation, Membership, Role, clinic_today
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
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


# --- Features the pages share --------------------------------------------------------------


def _appointments_feature() -> Any:
    """The appointments selectors, or None when the appointments app is absent."""
    try:
        from sitbone.appointments import selectors
    except (ImportError, RuntimeError, AppRegistryNotReady):
        return None
    return selectors


appointment_selectors = _appointments_feature()

DAY_FORMAT = "%a %-d %b"
"""A day as the clinician's pages write it, e.g. Fri 27 Nov."""


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
