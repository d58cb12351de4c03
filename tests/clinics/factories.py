"""Rows the clinician-workspace tests (and the access matrix) need: assessments, decisions,
reports, sessions, measures. Plain model writes, so tests control every value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.conftest import World


def decision_for(patient: Any, *, made_on: dt.date | None = None, **fields: Any) -> Any:
    from sitbone.programmes.models import Decision

    values: dict[str, Any] = {
        "zone": "green",
        "action": "progress",
        "stage_from": patient.stage,
        "stage_to": patient.stage + 1,
        "stage_change": "advance",
        "reasons": [{"rule": "PMM-GREEN", "text": "Green."}],
        "approval": "pending",
    }
    values.update(fields)
    return Decision.objects.create(
        clinic=patient.clinic, patient=patient, made_on=made_on or clinic_today(patient), **values
    )


def assessment_for(patient: Any, **fields: Any) -> Any:
    from sitbone.assessments.models import Assessment

    values: dict[str, Any] = {
        "assessed_on": clinic_today(patient),
        "affected_side": patient.affected_side,
        "pretest_probability": Decimal("0.500"),
    }
    values.update(fields)
    return Assessment.objects.create(clinic=patient.clinic, patient=patient, **values)


def report_for(patient: Any, **fields: Any) -> Any:
    from sitbone.reports.models import ProgressReport

    values: dict[str, Any] = {"audience": "patient", "summary": "Going well."}
    values.update(fields)
    return ProgressReport.objects.create(clinic=patient.clinic, patient=patient, **values)


def workspace_matrix_params(world: World) -> dict[str, str]:
    """Ids of real rows of the patient's record for the workspace routes in the matrix."""
    return {
        "assessment_id": str(assessment_for(world.patient).public_id),
        "decision_id": str(decision_for(world.patient).public_id),
        "report_id": str(report_for(world.patient).public_id),
        "instrument": "visa_h",
    }


def programme_for(
    patient: Any, *, stage: int | None = None, per_week: int = 3, started_days_ago: int = 28
) -> Any:
    from django.utils import timezone

    from sitbone.programmes.models import Programme, ProgrammeExercise

    Programme.objects.filter(patient=patient, is_current=True).update(is_current=False)
    last = Programme.objects.filter(patient=patient).order_by("-version").first()
    programme = Programme.objects.create(
        clinic=patient.clinic,
        patient=patient,
        version=last.version + 1 if last else 1,
        stage=stage or patient.stage,
        sessions_per_week=per_week,
        reason="test programme",
    )
    ProgrammeExercise.objects.create(
        programme=programme,
        exercise_id="bridge_double_leg",
        sets=3,
        reps=15,
        load="15RM",
        rest_seconds=120,
    )
    started = timezone.now() - dt.timedelta(days=started_days_ago)
    Programme.objects.filter(pk=programme.pk).update(created_at=started)
    programme.refresh_from_db()
    return programme


def session_for(
    patient: Any,
    day: dt.date,
    *,
    during: int = 2,
    after: int = 1,
    morning: int | None = 1,
    completed: bool = True,
) -> Any:
    from sitbone.diary.models import MorningCheck, SessionLog
    from sitbone.programmes.models import Programme

    programme = Programme.objects.filter(patient=patient, is_current=True).first()
    session = SessionLog.objects.create(
        clinic=patient.clinic,
        patient=patient,
        programme=programme,
        performed_on=day,
        pain_during=during,
        pain_after=after,
        completed=completed,
    )
    if morning is not None:
        MorningCheck.objects.create(
            clinic=patient.clinic,
            patient=patient,
            checked_on=day + dt.timedelta(days=1),
            task="bridge_hold_single_leg_short_lever",
            pain=morning,
        )
    return session


def visa_h_answers(total: int) -> dict[str, Any]:
    """VISA-H answers that the engine scores to ``total`` (Q8 no pain, 0 minutes = 0 points)."""
    rest = total - 10 if total >= 10 else total
    q7 = 10 if total >= 10 else 0
    answers: dict[str, Any] = {f"q{i + 1}": min(10, max(0, rest - 10 * i)) for i in range(6)}
    answers["q7"] = q7
    answers["q8"] = {"branch": "no_pain", "minutes": 0}
    return answers


def measure_for(patient: Any, instrument: str, total: int, taken_on: dt.date) -> Any:
    from sitbone.engine.commands import COMMANDS
    from sitbone.measures.models import MeasureResult

    if instrument == "visa_h":
        answers: Any = visa_h_answers(total)
    elif instrument == "lefs":
        answers = [total // 20 + (1 if i < total % 20 else 0) for i in range(20)]
    else:
        answers = {"pain": total}
    scored = COMMANDS["score"]({"instrument": instrument, "answers": answers})
    assert scored["total"] == total, (instrument, total, scored["total"])
    return MeasureResult.objects.create(
        clinic=patient.clinic,
        patient=patient,
        instrument=instrument,
        taken_on=taken_on,
        answers=answers,
        total=total,
    )


def clinic_today(patient: Any) -> dt.date:
    from sitbone.clinics.selectors import clinic_today as today

    return today(patient.clinic)
