"""What the PDF reports show, read in a fixed handful of queries. ``patient`` must come from the
access module, which has checked and audited the read."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sitbone.assessments.models import AdjunctTherapy, Assessment
from sitbone.assessments.selectors import examination_checklists
from sitbone.clinics.models import clinic_today
from sitbone.clinics.selectors import MeasureHistory, measure_history
from sitbone.diary.models import SessionLog
from sitbone.engine.prescription import EXERCISES
from sitbone.patients.models import Patient
from sitbone.patients.progress import stage_timeline
from sitbone.programmes.models import Approval, Decision, Programme
from sitbone.reports.charts import Point, line_chart
from sitbone.reports.models import ProgressReport

CHARTED = ("visa_h", "lefs", "nprs")
ADHERENCE_WEEKS = 8


@dataclass(frozen=True)
class StageChange:
    day: dt.date
    text: str


@dataclass(frozen=True)
class SheetExercise:
    exercise_id: str
    name: str
    description: str
    cues: list[str]
    dose: str
    rest_seconds: int


@dataclass(frozen=True)
class ReportData:
    patient: Patient
    today: dt.date
    stage: int
    programme: Programme | None
    exercises: list[SheetExercise]
    measures: list[MeasureHistory]
    charts: list[tuple[str, Any]]
    stage_history: list[StageChange]
    adherence_done: int
    adherence_prescribed: int
    adherence_weeks: int
    latest_visa_h: int | None
    latest_visa_h_on: dt.date | None
    first_session_on: dt.date | None
    sessions_completed: int
    latest_assessment: Assessment | None
    adjuncts: list[AdjunctTherapy]

    def _labels(self, kind: str, ids: list[str]) -> list[str]:
        rows = {row["id"]: row["label"] for row in examination_checklists()[kind]}
        return [rows.get(i, i) for i in ids]

    @property
    def red_flags(self) -> list[str]:
        a = self.latest_assessment
        return self._labels("red_flags", a.red_flags_present) if a else []

    @property
    def differentials(self) -> list[str]:
        a = self.latest_assessment
        return self._labels("differentials", a.differentials_suspected) if a else []


def dose_text(*, sets: int, reps: int | None, hold_seconds: int | None, load: str) -> str:
    amount = f"{sets} × {reps} reps" if reps else f"{sets} × {hold_seconds} s hold"
    return f"{amount}, {load}" if load else amount


def report_data(*, patient: Patient) -> ReportData:
    today = clinic_today(patient.clinic)
    programme = (
        Programme.objects.filter(patient=patient, is_current=True)
        .prefetch_related("exercises")
        .first()
    )
    exercises = []
    for item in programme.exercises.all() if programme else []:
        entry = EXERCISES.get(item.exercise_id)
        exercises.append(
            SheetExercise(
                exercise_id=item.exercise_id,
                name=entry.name if entry else item.exercise_id.replace("_", " "),
                description=entry.description if entry else "",
                cues=list(entry.cues) if entry else [],
                dose=dose_text(
                    sets=item.sets, reps=item.reps, hold_seconds=item.hold_seconds, load=item.load
                ),
                rest_seconds=item.rest_seconds,
            )
        )
    measures = measure_history(patient=patient)
    charts = [
        (
            f"{h.short_name} ({h.low}–{h.high}, {'higher' if h.higher_is_better else 'lower'} "
            "is better)",
            line_chart(
                [Point(r.result.taken_on, r.result.total) for r in h.rows],
                low=h.low,
                high=h.high,
                title=f"{h.short_name} over time",
            ),
        )
        for h in measures
        if h.instrument in CHARTED
    ]
    visa = next((h for h in measures if h.instrument == "visa_h"), None)
    since = today - dt.timedelta(weeks=ADHERENCE_WEEKS)
    done = SessionLog.objects.filter(
        patient=patient, performed_on__gt=since, completed=True
    ).count()
    first = (
        SessionLog.objects.filter(patient=patient)
        .order_by("performed_on")
        .values_list("performed_on", flat=True)
        .first()
    )
    weeks = ADHERENCE_WEEKS
    if first is not None and first > since:
        weeks = max(1, -(-(today - first).days // 7))
    return ReportData(
        patient=patient,
        today=today,
        stage=patient.stage,
        programme=programme,
        exercises=exercises,
        measures=measures,
        charts=charts,
        stage_history=stage_history(patient=patient),
        adherence_done=done,
        adherence_prescribed=(programme.sessions_per_week * weeks) if programme else 0,
        adherence_weeks=weeks,
        latest_visa_h=visa.latest.result.total if visa else None,
        latest_visa_h_on=visa.latest.result.taken_on if visa else None,
        first_session_on=first,
        sessions_completed=SessionLog.objects.filter(patient=patient, completed=True).count(),
        latest_assessment=Assessment.objects.filter(patient=patient)
        .order_by("-assessed_on", "-id")
        .first(),
        adjuncts=list(AdjunctTherapy.objects.filter(patient=patient).order_by("given_on")),
    )


def stage_history(*, patient: Patient) -> list[StageChange]:
    """Programme starts and reviewed stage changes, oldest first."""
    programmes = list(Programme.objects.filter(patient=patient).order_by("version"))
    changes = [
        StageChange(
            step.since, f"Stage {step.stage} programme started ({step.reason or 'new version'})"
        )
        for step in stage_timeline(patient=patient, programmes=programmes)
    ]
    reviewed = Decision.objects.filter(patient=patient, approval=Approval.DECLINED).order_by(
        "made_on"
    )
    for decision in reviewed:
        changes.append(
            StageChange(
                decision.made_on,
                f"Proposed stage {decision.stage_from} → {decision.stage_to} declined",
            )
        )
    changes.sort(key=lambda change: change.day)
    return changes


def reports_for(*, patient: Patient, limit: int = 20) -> list[ProgressReport]:
    return list(
        ProgressReport.objects.filter(patient=patient)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )


def report_for(*, patient: Patient, public_id: str) -> ProgressReport | None:
    """One of the patient's reports, or None (the caller answers 404)."""
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        ProgressReport.objects.select_related("created_by")
        .filter(patient=patient, public_id=parsed)
        .first()
    )
