"""Realistic seeded clinics for benchmarks: ``sitbone seed --clinics --clinicians --patients``.

Fast enough for 2,000 patients × 180 days: every patient's story is simulated in memory and the
rows are written with ``bulk_create`` in batches of patients, one transaction per batch. Decisions
come from the engine's ``decide`` command on the same history the service would read
(``decide_input``), programmes from the engine's prescription, questionnaire totals from the
engine's scoring. The model invariants hold: one current programme per patient, pain 0–10, one
morning check per day, no clinician double-booked (slot claims are written).

Patients are spread over stages 1–4 (by index, so even tiny sets cover every stage), adherence
from good to poor, some with flares. One password hash is shared by all seeded accounts, since
hashing 2,000 passwords with Argon2 would take minutes; the password is ``BENCH_PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from sitbone.accounts.models import User
from sitbone.appointments import scheduling
from sitbone.appointments.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
    SlotClaim,
)
from sitbone.clinics.models import Clinic, Membership
from sitbone.demo.seed import _lefs_answers, _visa_answers
from sitbone.diary.models import MorningCheck, SessionEntry, SessionLog
from sitbone.engine.commands import COMMANDS
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.mappers import decide_input
from sitbone.programmes.models import Approval, Decision, Programme, ProgrammeExercise
from sitbone.programmes.services import (
    HISTORY_DAYS,
    prescription_exercises,
    prescription_sessions_per_week,
)

BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - throwaway benchmark data
TIME_ZONE = "Europe/London"
PATIENTS_PER_BATCH = 50
SESSION_WEEKDAYS = (0, 2, 4)
MEASURE_EVERY_DAYS = 28
APPOINTMENT_EVERY_DAYS = 14
APPOINTMENT_MINUTES = 30
FIRST_SLOT_HOUR = 8
SLOTS_PER_DAY = 20
EQUIPMENT_SETS: tuple[list[str], ...] = (
    ["bench", "resistance_band", "dumbbells"],
    ["resistance_band"],
    ["bench", "dumbbells", "cable_machine"],
    [],
)


@dataclass(frozen=True)
class SeedSpec:
    clinics: int = 1
    clinicians: int = 2
    patients: int = 10
    days: int = 30
    seed: int = 1
    prefix: str = "bench"


@dataclass
class SeedCounts:
    clinics: int = 0
    clinicians: int = 0
    patients: int = 0
    programmes: int = 0
    sessions: int = 0
    entries: int = 0
    mornings: int = 0
    decisions: int = 0
    measures: int = 0
    appointments: int = 0
    stages: dict[int, int] = field(default_factory=dict)


@dataclass
class _Rows:
    """Objects of one batch, in insertion order."""

    users: list[User] = field(default_factory=list)
    emails: list[EmailAddress] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    assignments: list[tuple[Patient, User]] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    exercises: list[ProgrammeExercise] = field(default_factory=list)
    sessions: list[SessionLog] = field(default_factory=list)
    entries: list[tuple[SessionLog, list[ProgrammeExercise]]] = field(default_factory=list)
    mornings: list[MorningCheck] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    measures: list[MeasureResult] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)


def seed(
    spec: SeedSpec,
    *,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedCounts:
    """Create ``spec.clinics`` clinics with their clinicians and patients; returns the counts."""
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible sample data, not a secret
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    today = today or dt.datetime.now(zone).date()
    password = make_password(BENCH_PASSWORD)
    counts = SeedCounts()
    total = spec.clinics * spec.patients
    done = 0
    prescriptions: dict[tuple[int, tuple[str, ...], str], dict[str, Any]] = {}
    scores: dict[tuple[str, int], int] = {}
    for c in range(spec.clinics):
        with transaction.atomic():
            clinic = Clinic.objects.create(
                name=f"{spec.prefix} clinic {c + 1}", time_zone=TIME_ZONE
            )
            review, _ = AppointmentType.objects.get_or_create(
                clinic=clinic,
                code="review",
                defaults={"name": "Review", "duration_minutes": APPOINTMENT_MINUTES},
            )
            staff = [
                User(
                    email=f"{spec.prefix}-c{c + 1}-physio{k + 1}@bench.invalid",
                    full_name=f"Physio {c + 1}.{k + 1}",
                    password=password,
                )
                for k in range(spec.clinicians)
            ]
            User.objects.bulk_create(staff)
            EmailAddress.objects.bulk_create(
                EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in staff
            )
            Membership.objects.bulk_create(
                Membership(clinic=clinic, user=u, role="clinician") for u in staff
            )
        counts.clinics += 1
        counts.clinicians += len(staff)
        booked: dict[tuple[int, dt.date], int] = {}
        for start in range(0, spec.patients, PATIENTS_PER_BATCH):
            rows = _Rows()
            for index in range(start, min(start + PATIENTS_PER_BATCH, spec.patients)):
                _simulate_patient(
                    rows,
                    spec=spec,
                    clinic=clinic,
                    clinic_number=c + 1,
                    index=index,
                    clinician=staff[index % len(staff)] if staff else None,
                    review=review,
                    password=password,
                    today=today,
                    zone=zone,
                    rng=rng,
                    prescriptions=prescriptions,
                    scores=scores,
                    booked=booked,
                )
            _write(rows, counts)
            done += len(rows.patients)
            if progress is not None:
                progress(f"seed: {done}/{total} patients ({100 * done // max(total, 1)} %)")
    return counts


def _simulate_patient(
    rows: _Rows,
    *,
    spec: SeedSpec,
    clinic: Clinic,
    clinic_number: int,
    index: int,
    clinician: User | None,
    review: AppointmentType,
    password: str,
    today: dt.date,
    zone: zoneinfo.ZoneInfo,
    rng: random.Random,
    prescriptions: dict[tuple[int, tuple[str, ...], str], dict[str, Any]],
    scores: dict[tuple[str, int], int],
    booked: dict[tuple[int, dt.date], int],
) -> None:
    email = f"{spec.prefix}-c{clinic_number}-p{index + 1}@bench.invalid"
    user = User(email=email, full_name=f"Patient {clinic_number}.{index + 1}", password=password)
    rows.users.append(user)
    rows.emails.append(EmailAddress(user=user, email=email, verified=True, primary=True))
    final_stage = 1 + index % 4
    first_stage = max(1, final_stage - rng.choice((0, 1, 1, 2)))
    irritability = rng.choice(("low", "moderate", "moderate", "high"))
    equipment = rng.choice(EQUIPMENT_SETS)
    patient = Patient(
        clinic=clinic,
        user=user,
        full_name=user.full_name,
        email=email,
        affected_side=rng.choice(("left", "right", "right", "both")),
        irritability=irritability,
        equipment=list(equipment),
        stage=first_stage,
        activities=rng.choice(("Running", "Desk job", "Football", "Hiking", "Cycling")),
    )
    rows.patients.append(patient)
    if clinician is not None:
        rows.assignments.append((patient, clinician))

    adherence = rng.uniform(0.35, 0.97)
    flare_prone = rng.random() < 0.3
    base_pain = rng.uniform(2.5, 5.5)
    start = today - timedelta(days=spec.days)
    stage_days = _stage_change_days(first_stage, final_stage, spec.days)
    flare_left = 0

    sessions: list[SessionLog] = []
    mornings: list[MorningCheck] = []
    pending: Decision | None = None
    programme: Programme | None = None
    items: list[ProgrammeExercise] = []
    for offset in range(spec.days):
        day = start + timedelta(days=offset)
        if offset == 0 or offset in stage_days:
            if offset:
                patient.stage += 1
            programme, items = _programme(
                rows,
                patient=patient,
                clinician=clinician,
                day=day,
                zone=zone,
                prescriptions=prescriptions,
            )
        assert programme is not None  # noqa: S101 - set on day 0
        if offset % MEASURE_EVERY_DAYS == 0:
            _measures(rows, patient, day, share=offset / max(spec.days, 1), scores=scores)
        if clinician is not None and offset % APPOINTMENT_EVERY_DAYS == 3:
            _appointment(rows, patient, clinician, review, day, zone, booked)
        if day.weekday() not in SESSION_WEEKDAYS or rng.random() > adherence:
            continue
        if flare_prone and flare_left == 0 and rng.random() < 0.06:
            flare_left = rng.randint(3, 6)
        trend = base_pain * (1 - 0.5 * offset / max(spec.days, 1))
        flare = 3 if flare_left else 0
        flare_left = max(0, flare_left - 1)
        during = _pain(trend + flare + rng.choice((-1, 0, 0, 1)))
        after = _pain(during + rng.choice((-1, 0, 0, 1)))
        session = SessionLog(
            clinic=clinic,
            patient=patient,
            programme=programme,
            performed_on=day,
            pain_during=during,
            pain_after=after,
            completed=during < 6,
        )
        sessions.append(session)
        rows.sessions.append(session)
        rows.entries.append((session, items))
        morning_day = day + timedelta(days=1)
        if morning_day <= today and rng.random() < 0.6 + 0.4 * adherence:
            pain = _pain(trend * 0.6 + flare + rng.choice((-1, 0, 0, 1)))
            check = MorningCheck(
                clinic=clinic,
                patient=patient,
                checked_on=morning_day,
                task="bridge_hold_single_leg_short_lever",
                pain=pain,
                stiffness_minutes=min(600, pain * 5 + rng.choice((0, 5))),
            )
            mornings.append(check)
            rows.mornings.append(check)
        made_on = min(morning_day, today)
        pending = _decide(rows, patient, programme, sessions, mornings, made_on, pending)
    if clinician is not None:
        _appointment(rows, patient, clinician, review, today + timedelta(days=1), zone, booked)


def _stage_change_days(first: int, final: int, days: int) -> set[int]:
    steps = final - first
    if steps <= 0 or days < 2:
        return set()
    return {max(1, days * (k + 1) // (steps + 1)) for k in range(steps)}


def _pain(value: float) -> int:
    return max(0, min(10, round(value)))


def _programme(
    rows: _Rows,
    *,
    patient: Patient,
    clinician: User | None,
    day: dt.date,
    zone: zoneinfo.ZoneInfo,
    prescriptions: dict[tuple[int, tuple[str, ...], str], dict[str, Any]],
) -> tuple[Programme, list[ProgrammeExercise]]:
    key = (min(patient.stage, 4), tuple(patient.equipment), patient.irritability)
    if key not in prescriptions:
        prescriptions[key] = COMMANDS["prescribe"](
            {"stage": key[0], "equipment": list(key[1]), "irritability": key[2]}
        )
    prescription = prescriptions[key]
    previous = [p for p in rows.programmes if p.patient is patient]
    for old in previous:
        old.is_current = False
    programme = Programme(
        clinic=patient.clinic,
        patient=patient,
        version=len(previous) + 1,
        stage=patient.stage,
        sessions_per_week=prescription_sessions_per_week(prescription),
        created_by=clinician,
        reason="Initial programme" if not previous else f"Moved to stage {patient.stage}",
        created_at=dt.datetime.combine(day, dt.time(9), tzinfo=zone),
    )
    rows.programmes.append(programme)
    items = [
        ProgrammeExercise(
            programme=programme,
            exercise_id=item["exercise_id"],
            order=order,
            sets=item["sets"],
            reps=item.get("reps"),
            hold_seconds=item.get("hold_seconds"),
            load=item.get("load") or "",
            rest_seconds=item.get("rest_seconds") or 60,
        )
        for order, item in enumerate(prescription_exercises(prescription))
    ]
    rows.exercises.extend(items)
    return programme, items


def _decide(
    rows: _Rows,
    patient: Patient,
    programme: Programme,
    sessions: list[SessionLog],
    mornings: list[MorningCheck],
    made_on: dt.date,
    pending: Decision | None,
) -> Decision | None:
    """What ``decision_record`` would store, from the same window of history, in memory."""
    since = made_on - timedelta(days=HISTORY_DAYS)
    window_end = made_on + timedelta(days=1)
    answer = COMMANDS["decide"](
        decide_input(
            patient=patient,
            programme=programme,
            sessions=[s for s in sessions[-30:] if since <= s.performed_on <= made_on],
            mornings=[m for m in mornings[-30:] if since <= m.checked_on <= window_end],
        )
    )
    needs_approval = bool(answer["requires_approval"])
    if needs_approval and pending is not None:
        pending.approval = Approval.SUPERSEDED
    decision = Decision(
        clinic=patient.clinic,
        patient=patient,
        made_on=made_on,
        zone=answer["zone"],
        action=answer["action"],
        stage_from=patient.stage,
        stage_to=answer["stage"],
        stage_change=answer["stage_change"],
        running_ready=answer["running_ready"],
        reasons=answer["reasons"],
        approval=Approval.PENDING if needs_approval else Approval.NOT_NEEDED,
    )
    rows.decisions.append(decision)
    return decision if needs_approval else pending


def _measures(
    rows: _Rows, patient: Patient, day: dt.date, *, share: float, scores: dict[tuple[str, int], int]
) -> None:
    """VISA-H and LEFS at baseline and every four weeks, improving over the period."""
    visa = round(40 + 25 * share)
    lefs = round(50 + 18 * share)
    for instrument, target, answers in (
        ("visa_h", visa, _visa_answers(visa)),
        ("lefs", lefs, _lefs_answers(lefs)),
    ):
        if (instrument, target) not in scores:
            scored = COMMANDS["score"]({"instrument": instrument, "answers": answers})
            scores[(instrument, target)] = int(scored["total"])
        rows.measures.append(
            MeasureResult(
                clinic=patient.clinic,
                patient=patient,
                instrument=instrument,
                taken_on=day,
                answers=answers,
                total=scores[(instrument, target)],
                entered_by=None,
            )
        )


def _appointment(
    rows: _Rows,
    patient: Patient,
    clinician: User,
    kind: AppointmentType,
    day: dt.date,
    zone: zoneinfo.ZoneInfo,
    booked: dict[tuple[int, dt.date], int],
) -> None:
    """A review on the first weekday from ``day`` with a free slot in the clinician's diary."""
    for shift in range(14):
        when = day + timedelta(days=shift)
        if when.weekday() >= 5:
            continue
        key = (id(clinician), when)
        slot = booked.get(key, 0)
        if slot < SLOTS_PER_DAY:
            booked[key] = slot + 1
            break
    else:
        return
    starts = dt.datetime.combine(when, dt.time(FIRST_SLOT_HOUR), tzinfo=zone) + timedelta(
        minutes=APPOINTMENT_MINUTES * slot
    )
    rows.appointments.append(
        Appointment(
            clinic=patient.clinic,
            patient=patient,
            clinician=clinician,
            appointment_type=kind,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=APPOINTMENT_MINUTES),
            status=AppointmentStatus.BOOKED,
            source=BookingSource.STAFF,
            booked_by=clinician,
        )
    )


def _write(rows: _Rows, counts: SeedCounts) -> None:
    with transaction.atomic():
        User.objects.bulk_create(rows.users)
        EmailAddress.objects.bulk_create(rows.emails)
        Patient.objects.bulk_create(rows.patients)
        through = Patient.assigned_clinicians.through
        through.objects.bulk_create(
            through(patient_id=p.pk, user_id=u.pk) for p, u in rows.assignments
        )
        wanted = {id(p): p.created_at for p in rows.programmes}
        Programme.objects.bulk_create(rows.programmes)
        for programme in rows.programmes:  # auto_now_add replaced the history dates
            programme.created_at = wanted[id(programme)]
        Programme.objects.bulk_update(rows.programmes, ["created_at"], batch_size=500)
        ProgrammeExercise.objects.bulk_create(rows.exercises, batch_size=1000)
        SessionLog.objects.bulk_create(rows.sessions, batch_size=1000)
        entries = [
            SessionEntry(
                session=session,
                exercise_id=item.exercise_id,
                sets_done=item.sets,
                reps=item.reps,
                hold_seconds=item.hold_seconds,
                load=item.load,
                pain_during=session.pain_during,
            )
            for session, items in rows.entries
            for item in items
        ]
        SessionEntry.objects.bulk_create(entries, batch_size=2000)
        MorningCheck.objects.bulk_create(rows.mornings, batch_size=1000)
        Decision.objects.bulk_create(rows.decisions, batch_size=1000)
        MeasureResult.objects.bulk_create(rows.measures, batch_size=1000)
        Appointment.objects.bulk_create(rows.appointments, batch_size=1000)
        SlotClaim.objects.bulk_create(
            (
                SlotClaim(
                    clinic=a.clinic,
                    clinician=a.clinician,
                    cell_start=cell,
                    appointment=a,
                )
                for a in rows.appointments
                for cell in scheduling.cells(a.starts_at, a.ends_at)
            ),
            batch_size=1000,
        )
    counts.patients += len(rows.patients)
    counts.programmes += len(rows.programmes)
    counts.sessions += len(rows.sessions)
    counts.entries += len(entries)
    counts.mornings += len(rows.mornings)
    counts.decisions += len(rows.decisions)
    counts.measures += len(rows.measures)
    counts.appointments += len(rows.appointments)
    for patient in rows.patients:
        counts.stages[patient.stage] = counts.stages.get(patient.stage, 0) + 1


def stderr_progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
