"""Decisions use everything the clinic knows: assessment red flags and clinic thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from sitbone.assessments.models import Assessment
from sitbone.assessments.services import assessment_record
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.engine.commands import COMMANDS
from sitbone.measures.services import measure_record
from sitbone.programmes.mappers import SESSIONS_CONSIDERED, decide_input
from sitbone.programmes.services import (
    decision_record,
    engine_thresholds,
    programme_from_prescription,
)
from tests.conftest import World

TODAY = dt.date(2026, 11, 20)


def green_history(world: World) -> None:
    programme = programme_from_prescription(
        actor=world.clinician, patient=world.patient, stage=1, reason="start"
    )
    for offset in (4, 2):
        day = TODAY - dt.timedelta(days=offset)
        SessionLog.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            programme=programme,
            performed_on=day,
            pain_during=2,
            pain_after=1,
        )
        MorningCheck.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            checked_on=day + dt.timedelta(days=1),
            task="bridge_hold_single_leg_short_lever",
            pain=1,
        )


def test_a_red_flag_found_at_assessment_stops_the_programme_and_refers(world: World) -> None:
    green_history(world)
    assert decision_record(patient=world.patient, made_on=TODAY).action == "progress"
    assessment_record(
        actor=world.clinician,
        patient=world.patient,
        assessed_on=TODAY,
        data={"pretest_probability": Decimal("0.5"), "red_flags_present": ["avulsion"]},
    )
    decision = decision_record(patient=world.patient, made_on=TODAY)
    assert (decision.zone, decision.action) == ("stop", "refer")
    assert "Suspected proximal hamstring avulsion" in decision.reasons[0]["text"]


def test_a_clinic_visa_h_threshold_is_used_when_a_measure_is_recorded(world: World) -> None:
    world.clinic.settings = {"thresholds": {"visa_h_mcid": 10}}
    world.clinic.save()
    answers = {f"q{i}": 5 for i in range(1, 7)} | {
        "q7": 4,
        "q8": {"branch": "no_pain", "minutes": 5},
    }
    measure_record(
        actor=world.clinician,
        patient=world.patient,
        instrument="visa_h",
        answers=answers,
        taken_on=TODAY - dt.timedelta(days=28),
    )
    better = answers | {f"q{i}": 8 for i in range(1, 7)}
    _, scored = measure_record(
        actor=world.clinician,
        patient=world.patient,
        instrument="visa_h",
        answers=better,
        taken_on=TODAY,
    )
    assert scored["change"]["exceeds_mcid"] is True


def test_a_decision_reads_only_the_sessions_the_engine_weighs(world: World) -> None:
    """However many sessions a patient logs, a decision loads the latest few (a patient who logs
    thirty in a day must not make each log slower) and decides exactly as on the whole window."""
    programme = programme_from_prescription(
        actor=world.clinician, patient=world.patient, stage=1, reason="start"
    )
    for number in range(30):
        SessionLog.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            programme=programme,
            performed_on=TODAY - dt.timedelta(days=number % 3),
            pain_during=number % 6,
            pain_after=(number * 7) % 5,
            completed=number % 4 != 0,
        )
    whole_window = COMMANDS["decide"](
        decide_input(
            patient=world.patient,
            programme=programme,
            sessions=list(SessionLog.objects.filter(patient=world.patient)),
            mornings=[],
            thresholds=engine_thresholds(world.patient),
        )
    )
    loaded: list[SessionLog] = []

    def count(sender: type[SessionLog], instance: SessionLog, **kwargs: object) -> None:
        loaded.append(instance)

    post_init.connect(count, sender=SessionLog)
    try:
        decision = decision_record(patient=world.patient, made_on=TODAY)
    finally:
        post_init.disconnect(count, sender=SessionLog)
    assert len(loaded) == SESSIONS_CONSIDERED
    assert (decision.zone, decision.action, decision.reasons) == (
        whole_window["zone"],
        whole_window["action"],
        whole_window["reasons"],
    )


def test_a_decision_reads_of_the_assessment_only_what_it_weighs(world: World) -> None:
    """One read of the latest assessment, of the gate measures and red flags alone (it has some
    forty columns); every one of them recorded, so a field left out would cost a second read."""
    green_history(world)
    Assessment.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        assessed_on=TODAY - dt.timedelta(days=1),
        assessed_by=world.clinician,
        affected_side="right",
        pretest_probability=Decimal("0.5"),
        slb_short_lever_pain=1,
        slb_reps_left=20,
        slb_reps_right=19,
        curl_10rm_left_kg=Decimal("20.0"),
        curl_10rm_right_kg=Decimal("19.0"),
        drop_lunge_pain=1,
        single_leg_rdl_pain=1,
        rest_pain=0,
        sport_load_pain=2,
        red_flags_present=["avulsion"],
        notes="not read by the engine",
    )
    with CaptureQueriesContext(connection) as queries:
        decision = decision_record(patient=world.patient, made_on=TODAY)
    reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "assessments_assessment"' in q["sql"]
    ]
    assert len(reads) == 1
    assert '"notes"' not in reads[0]
    assert (decision.zone, decision.action) == ("stop", "refer")
