"""Reads of a patient's diary: sessions, morning check-ins, sitting, cross-training and runs.

Every function takes a `patient` that came from the access module (`require_own_patient` or
`patient_for_staff`), so scoping to the right person has already been decided. Days are dates in
the clinic's time zone (DESIGN.md, "Time").
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists
from django.utils import timezone

from sitbone.diary.models import (
    CrossTrainingLog,
    MorningCheck,
    ReminderPreference,
    RunLog,
    SessionLog,
    SittingLog,
)
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision, Programme

MONITORING_TASK_ID = "bridge_single_leg_short_lever"
MONITORING_TASK_REPS = 3
"""The daily load test (clinical-brief §5.3, Goom via Pogo Physio): three short-lever single-leg
bridges, scored 0–10. The engine does not yet name a task per stage, so every stage uses this one
(see the report for the request to the engine)."""


def patient_today(patient: Patient, *, now: dt.datetime | None = None) -> dt.date:
    """Today's date where the patient's clinic is."""
    moment = now or timezone.now()
    return moment.astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone)).date()


def current_programme(*, patient: Patient) -> Programme | None:
    return (
        Programme.objects.filter(patient=patient, is_current=True)
        .prefetch_related("exercises")
        .first()
    )


def morning_check_on(*, patient: Patient, day: dt.date) -> MorningCheck | None:
    return MorningCheck.objects.filter(patient=patient, checked_on=day).first()


def morning_check_due(*, patient: Patient, today: dt.date) -> bool:
    """The check-in comes first on a morning after a loading session, until it is done.

    One query whatever the answer, so the today page costs every patient the same."""
    yesterday = today - dt.timedelta(days=1)
    checked, loaded, ran = (
        Patient.objects.filter(pk=patient.pk)
        .values_list(
            Exists(MorningCheck.objects.filter(patient=patient, checked_on=today)),
            Exists(SessionLog.objects.filter(patient=patient, performed_on=yesterday)),
            Exists(RunLog.objects.filter(patient=patient, performed_on=yesterday)),
        )
        .get()
    )
    return not checked and (loaded or ran)


def sessions_on(*, patient: Patient, day: dt.date) -> list[SessionLog]:
    return list(SessionLog.objects.filter(patient=patient, performed_on=day))


def latest_decision(*, patient: Patient) -> Decision | None:
    return Decision.objects.filter(patient=patient).order_by("-made_on", "-id").first()


def recent_sessions(*, patient: Patient, limit: int = 10) -> list[SessionLog]:
    return list(SessionLog.objects.filter(patient=patient).prefetch_related("entries")[:limit])


def sessions_between(*, patient: Patient, start: dt.date, end: dt.date) -> list[SessionLog]:
    """Sessions from `start` to `end` inclusive, oldest first."""
    return list(
        SessionLog.objects.filter(
            patient=patient, performed_on__gte=start, performed_on__lte=end
        ).order_by("performed_on", "id")
    )


def mornings_between(*, patient: Patient, start: dt.date, end: dt.date) -> list[MorningCheck]:
    return list(
        MorningCheck.objects.filter(
            patient=patient, checked_on__gte=start, checked_on__lte=end
        ).order_by("checked_on")
    )


def sitting_logs(*, patient: Patient, limit: int = 10) -> list[SittingLog]:
    return list(SittingLog.objects.filter(patient=patient)[:limit])


def cross_training_logs(*, patient: Patient, limit: int = 10) -> list[CrossTrainingLog]:
    return list(CrossTrainingLog.objects.filter(patient=patient)[:limit])


def run_logs(*, patient: Patient, limit: int = 10) -> list[RunLog]:
    return list(RunLog.objects.filter(patient=patient)[:limit])


def runs_oldest_first(*, patient: Patient, since: dt.date) -> list[RunLog]:
    return list(
        RunLog.objects.filter(patient=patient, performed_on__gte=since).order_by(
            "performed_on", "id"
        )
    )


def reminder_preference(*, patient: Patient) -> ReminderPreference | None:
    return ReminderPreference.objects.filter(patient=patient).first()


@dataclass(frozen=True)
class WeekAdherence:
    week_start: dt.date
    done: int
    planned: int


def weekly_adherence(
    *, patient: Patient, programmes: list[Programme], today: dt.date, weeks: int = 8
) -> list[WeekAdherence]:
    """Sessions logged per ISO week against the programme's sessions per week in force then,
    oldest first, for weeks since the first programme (at most `weeks`). `programmes` are the
    patient's programme versions, oldest first."""
    if not programmes:
        return []
    this_monday = today - dt.timedelta(days=today.weekday())
    first_day = (
        programmes[0].created_at.astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone)).date()
    )
    first_monday = max(
        first_day - dt.timedelta(days=first_day.weekday()),
        this_monday - dt.timedelta(weeks=weeks - 1),
    )
    done: dict[dt.date, int] = defaultdict(int)
    for performed_on in SessionLog.objects.filter(
        patient=patient, performed_on__gte=first_monday, performed_on__lte=today
    ).values_list("performed_on", flat=True):
        done[performed_on - dt.timedelta(days=performed_on.weekday())] += 1
    rows = []
    monday = first_monday
    while monday <= this_monday:
        sunday_end = timezone.make_aware(
            dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min),
            zoneinfo.ZoneInfo(patient.clinic.time_zone),
        )
        in_force = [p for p in programmes if p.created_at < sunday_end]
        planned = in_force[-1].sessions_per_week if in_force else 0
        rows.append(WeekAdherence(monday, done[monday], planned))
        monday += dt.timedelta(weeks=1)
    return rows


def run_plan(*, patient: Patient, today: dt.date, running_ready: bool) -> dict[str, Any] | None:
    """The engine's next walk–run step (clinical-brief §5.7, `sitbone engine run-step`).

    The current step is the one the latest ladder run was logged at; runs at that step count
    towards moving up, so the step is taken to have started the day before its first run there.
    """
    from sitbone.engine.commands import COMMANDS
    from sitbone.programmes.mappers import baseline_morning_pain
    from sitbone.programmes.services import engine_thresholds

    runs = list(
        RunLog.objects.filter(patient=patient, ladder_step__isnull=False).order_by(
            "performed_on", "id"
        )
    )
    current = runs[-1].ladder_step if runs else 0
    at_step = [run for run in runs if run.ladder_step == current]
    started = at_step[0].performed_on - dt.timedelta(days=1) if at_step else None
    programme = current_programme(patient=patient)
    mornings = list(MorningCheck.objects.filter(patient=patient, checked_on__lte=today))
    return COMMANDS["run-step"](
        {
            "current_step": current or 0,
            "last_step_change_date": started.isoformat() if started else None,
            "runs": [
                {
                    "date": run.performed_on.isoformat(),
                    "pain_during": run.pain_during,
                    "pain_after": run.pain_after,
                    "next_morning_pain": run.next_morning_pain,
                    "completed": True,
                }
                for run in at_step
            ],
            "running_ready": running_ready,
            "baseline_morning_pain": baseline_morning_pain(
                mornings, programme.created_at.date() if programme else None
            ),
            "today": today.isoformat(),
            "thresholds": engine_thresholds(patient),
        }
    )
