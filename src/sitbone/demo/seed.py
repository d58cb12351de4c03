"""The demo clinic: an admin, a physiotherapist and two patients with weeks of history.

Alex is a runner in stage 2 whose tendon has settled; Sam sits at a desk all day, is in stage 1
and had a flare in the second week. Every programme comes from the engine's prescription and
every decision from the engine, exactly as for real patients. Deterministic (fixed random seed),
so two fresh databases hold the same story relative to today.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sitbone.accounts.services import account_create
from sitbone.assessments.services import assessment_record
from sitbone.clinics.models import Clinic, Membership
from sitbone.diary.models import MorningCheck, SessionEntry, SessionLog
from sitbone.engine.commands import COMMANDS
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Programme
from sitbone.programmes.services import decision_record, programme_from_prescription

CLINIC_NAME = "Demo Physio Clinic"
DEMO_USERS = (
    ("admin@demo.clinic", "Dana Admin", "clinic admin"),
    ("physio@demo.clinic", "Priya Physio", "clinician"),
    ("alex@demo.clinic", "Alex Rivera", "patient, stage 2"),
    ("sam@demo.clinic", "Sam Chen", "patient, stage 1"),
)


def demo_password() -> str:
    """SITBONE_DEMO_PASSWORD, or one generated once and kept in var/ so it can be printed again."""
    given = os.environ.get("SITBONE_DEMO_PASSWORD")
    if given:
        return given
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def demo_logins() -> str:
    password = demo_password()
    lines = ["", "Demo logins (password for all: " + password + ")"]
    lines += [f"  {email:<22} {role}" for email, _, role in DEMO_USERS]
    return "\n".join(lines)


@dataclass(frozen=True)
class Day:
    """One day of a patient's story: a session (pains) and/or the morning check after it."""

    during: int | None
    after: int | None
    next_morning: int | None


def seed_demo_clinic(*, only_if_missing: bool = True) -> bool:
    """Create the demo clinic; with only_if_missing, do nothing when it exists. True if created."""
    if only_if_missing and Clinic.objects.filter(name=CLINIC_NAME).exists():
        return False
    with transaction.atomic():
        _seed()
    return True


def _seed() -> None:
    password = demo_password()
    clinic = Clinic.objects.create(name=CLINIC_NAME, time_zone="Europe/London")
    users = {
        email: account_create(email=email, password=password, full_name=name)
        for email, name, _ in DEMO_USERS
    }
    Membership.objects.create(clinic=clinic, user=users["admin@demo.clinic"], role="admin")
    physio = users["physio@demo.clinic"]
    Membership.objects.create(clinic=clinic, user=physio, role="clinician")
    today = timezone.now().astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    rng = random.Random(20261125)

    alex = _patient(
        clinic,
        users["alex@demo.clinic"],
        physio,
        affected_side="right",
        irritability="low",
        activities="Running (half marathon), 5-a-side football",
        equipment=["bench", "resistance_band", "dumbbells"],
        goals="Run the city half marathon in spring without buttock pain.",
    )
    _assessments_for_alex(alex, physio, today)
    _story(
        alex,
        physio,
        today,
        weeks=6,
        stage_plan={0: 1, 21: 2},
        rng=rng,
        pain=lambda day, total, _: _settling(day, total, start=(4, 3, 3), end=(2, 1, 1), rng=rng),
    )
    _measures(alex, physio, today, weeks=6, start_visa=48, end_visa=67, start_lefs=58, end_lefs=69)

    sam = _patient(
        clinic,
        users["sam@demo.clinic"],
        physio,
        affected_side="left",
        irritability="high",
        activities="Desk job, weekend hiking",
        equipment=["resistance_band"],
        goals="Sit through a working day and a long drive.",
    )
    _story(
        sam,
        physio,
        today,
        weeks=3,
        stage_plan={0: 1},
        rng=rng,
        pain=lambda _day, _total, session: _flare(session, rng=rng),
    )
    _measures(sam, physio, today, weeks=3, start_visa=39, end_visa=41, start_lefs=51, end_lefs=52)


def _assessments_for_alex(alex: Patient, physio: Any, today: dt.date) -> None:
    """The first assessment (positive stretch tests) and a review eight days ago whose strength
    symmetry meets the 2→3 gate, so the engine proposes a stage advance for approval."""
    assessment_record(
        actor=physio,
        patient=alex,
        assessed_on=today - timedelta(weeks=6),
        data={
            "screening_answers": {
                "sitting_pain_at_sit_bone": True,
                "stretch_pain": True,
                "uphill_or_fast_running_pain": True,
                "gradual_onset": True,
            },
            "training_spike": True,
            "stretching_habit": "occasional",
            "age_years": 34,
            "pretest_probability": "0.500",
            "modified_bent_knee": "positive",
            "bent_knee": "positive",
            "slb_short_lever_pain": 4,
            "rest_pain": 1,
            "sitting_tolerance_minutes": 20,
        },
    )
    assessment_record(
        actor=physio,
        patient=alex,
        assessed_on=today - timedelta(days=8),
        data={
            "pretest_probability": "0.500",
            "slb_short_lever_pain": 1,
            "slb_reps_left": 24,
            "slb_reps_right": 22,
            "curl_10rm_left_kg": Decimal("30.0"),
            "curl_10rm_right_kg": Decimal("28.0"),
            "drop_lunge_pain": 2,
            "single_leg_rdl_pain": 3,
            "rest_pain": 0,
            "sitting_tolerance_minutes": 40,
            "notes": "Strength nearly symmetrical; ready for more hip flexion when settled.",
        },
    )


def _patient(clinic: Clinic, user: Any, physio: Any, **fields: Any) -> Patient:
    patient = Patient.objects.create(
        clinic=clinic,
        user=user,
        full_name=user.full_name,
        email=user.email,
        **fields,
    )
    patient.assigned_clinicians.add(physio)
    return patient


def _settling(
    day: int,
    total: int,
    *,
    start: tuple[int, int, int],
    end: tuple[int, int, int],
    rng: random.Random,
) -> tuple[int, int, int]:
    share = day / max(total, 1)
    values = [
        round(a + (b - a) * share + rng.choice((-1, 0, 0, 0, 1)) * 0.6)
        for a, b in zip(start, end, strict=True)
    ]
    return tuple(max(0, min(10, v)) for v in values)  # type: ignore[return-value]


def _flare(session: int, *, rng: random.Random) -> tuple[int, int, int]:
    """Amber start, a flare (red) at the fourth and fifth sessions after a long car journey,
    then settling. Counted in sessions, not days, so the story is the same whatever weekday
    the demo is seeded on."""
    if 4 <= session <= 6:
        return (6, 6, 5) if session < 6 else (5, 4, 4)
    base = (4, 3, 3) if session < 4 else (3, 3, 2)
    return tuple(max(0, v + rng.choice((-1, 0, 0))) for v in base)  # type: ignore[return-value]


def _story(
    patient: Patient,
    physio: Any,
    today: dt.date,
    *,
    weeks: int,
    stage_plan: dict[int, int],
    rng: random.Random,
    pain: Callable[[int, int, int], tuple[int, int, int]],
) -> None:
    """Sessions on three days a week, a morning check after each, a decision after each.

    `pain(day, total, session)` gives the pains of the session on day `day` of `total`, the
    `session`-th of the story (from 1)."""
    start = today - timedelta(weeks=weeks)
    total = (today - start).days
    sessions = 0
    for offset in range(total):
        day = start + timedelta(days=offset)
        if offset in stage_plan:
            patient.stage = stage_plan[offset]
            patient.save(update_fields=["stage"])
            programme = programme_from_prescription(
                actor=physio,
                patient=patient,
                stage=patient.stage,
                reason="Initial programme" if offset == 0 else f"Moved to stage {patient.stage}",
            )
            Programme.objects.filter(pk=programme.pk).update(
                created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            )
            programme.refresh_from_db()
        if day.weekday() not in (0, 2, 4) or rng.random() < 0.08:
            continue
        sessions += 1
        during, after, morning = pain(offset, total, sessions)
        _session(patient, programme, day, during, after)
        if day + timedelta(days=1) < today or rng.random() < 0.5:
            MorningCheck.objects.create(
                clinic=patient.clinic,
                patient=patient,
                checked_on=day + timedelta(days=1),
                task="bridge_hold_single_leg_short_lever",
                pain=morning,
                stiffness_minutes=max(0, morning * 5 + rng.choice((0, 5))),
            )
        decision_record(patient=patient, made_on=min(day + timedelta(days=1), today))


def _session(patient: Patient, programme: Programme, day: dt.date, during: int, after: int) -> None:
    session = SessionLog.objects.create(
        clinic=patient.clinic,
        patient=patient,
        programme=programme,
        performed_on=day,
        pain_during=during,
        pain_after=after,
        completed=during < 6,
    )
    SessionEntry.objects.bulk_create(
        SessionEntry(
            session=session,
            exercise_id=item.exercise_id,
            sets_done=item.sets,
            reps=item.reps,
            hold_seconds=item.hold_seconds,
            load=item.load,
            pain_during=during,
        )
        for item in programme.exercises.all()
    )


def _measures(
    patient: Patient,
    physio: object,
    today: dt.date,
    *,
    weeks: int,
    start_visa: int,
    end_visa: int,
    start_lefs: int,
    end_lefs: int,
) -> None:
    """VISA-H and LEFS at baseline and every four weeks, answers spread to hit the totals."""
    points = [today - timedelta(weeks=weeks)] + [
        today - timedelta(weeks=weeks - w) for w in range(4, weeks + 1, 4)
    ]
    for index, taken_on in enumerate(points):
        share = index / max(len(points) - 1, 1)
        visa = round(start_visa + (end_visa - start_visa) * share)
        lefs = round(start_lefs + (end_lefs - start_lefs) * share)
        for instrument, answers in (("visa_h", _visa_answers(visa)), ("lefs", _lefs_answers(lefs))):
            scored = COMMANDS["score"]({"instrument": instrument, "answers": answers})
            MeasureResult.objects.create(
                clinic=patient.clinic,
                patient=patient,
                instrument=instrument,
                taken_on=taken_on,
                answers=answers,
                total=scored["total"],
                entered_by=None,
            )


def _lefs_answers(total: int) -> list[int]:
    return [total // 20 + (1 if i < total % 20 else 0) for i in range(20)]


def _visa_answers(total: int) -> dict[str, object]:
    """Q8 from the training minutes, Q7 from participation, Q1–Q6 carry the rest."""
    q8 = (
        {"branch": "pain_not_stopping", "minutes": 25}
        if total >= 50
        else {"branch": "pain_stopping", "minutes": 15}
    )
    q8_points = 14 if total >= 50 else 5
    q7 = 4
    rest = max(0, min(60, total - q7 - q8_points))
    answers: dict[str, object] = {
        f"q{i + 1}": rest // 6 + (1 if i < rest % 6 else 0) for i in range(6)
    }
    answers["q7"] = q7
    answers["q8"] = q8
    return answers
