"""Load: sitting tests with the seat checklist, cross-training, runs and the walk–run ladder."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sitbone.diary.models import CrossTrainingLog, RunLog, SittingLog
from sitbone.programmes.models import Decision
from tests.conftest import World
from tests.patients.conftest import TODAY


def test_a_sitting_test_is_saved_with_the_setup_steps(
    world: World, patient_client: Client, clock: Any
) -> None:
    response = patient_client.post(
        "/me/load/sitting/",
        {
            "sitting-minutes_to_pain": "25",
            "sitting-seat": "cushion",
            "sitting-pain_after": "3",
            "sitting-setup": ["cushion", "breaks"],
        },
    )
    assert response.status_code == 302
    log = SittingLog.objects.get(patient=world.patient)
    assert (log.minutes_to_pain, log.seat, log.setup, log.logged_on) == (
        25,
        "cushion",
        ["breaks", "cushion"],
        TODAY,
    )


@pytest.mark.parametrize(
    "data",
    [
        {"sitting-minutes_to_pain": "61", "sitting-seat": "firm"},
        {"sitting-minutes_to_pain": "10", "sitting-seat": "throne"},
        {"sitting-minutes_to_pain": "10", "sitting-seat": "firm", "sitting-setup": ["hack"]},
        {"sitting-minutes_to_pain": "10", "sitting-seat": "firm", "sitting-pain_after": "11"},
    ],
)
def test_a_bad_sitting_test_is_refused(
    patient_client: Client, clock: Any, data: dict[str, Any]
) -> None:
    response = patient_client.post("/me/load/sitting/", data)
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert SittingLog.objects.count() == 0


def test_cross_training_and_its_next_morning_pain(
    world: World, patient_client: Client, clock: Any
) -> None:
    patient_client.post(
        "/me/load/cross-training/",
        {
            "cross-day": "yesterday",
            "cross-activity": "swim",
            "cross-minutes": "30",
            "cross-pain_during": "1",
        },
    )
    log = CrossTrainingLog.objects.get(patient=world.patient)
    assert log.performed_on == TODAY - dt.timedelta(days=1)
    page = patient_client.get("/me/load/").content.decode()
    assert "Next-morning pain to add" in page
    prefix = f"nm-{log.public_id.hex[:12]}"
    response = patient_client.post(
        f"/me/load/cross-training/{log.public_id}/next-morning/",
        {f"{prefix}-next_morning_pain": "2"},
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.next_morning_pain == 2


def test_a_run_is_logged_and_the_ladder_shows_only_when_running_is_ready(
    world: World, patient_client: Client, clock: Any
) -> None:
    page = patient_client.get("/me/load/").content.decode()
    assert "Running is not in your plan yet" in page
    assert "Run 1 min, walk 2 min, 6 times" not in page
    Decision.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        made_on=TODAY,
        zone="green",
        action="progress",
        stage_from=4,
        stage_to=4,
        stage_change="stay",
        running_ready=True,
    )
    patient_client.post(
        "/me/load/run/",
        {
            "run-day": "today",
            "run-minutes": "18",
            "run-ladder_step": "1",
            "run-pain_during": "1",
            "run-pain_after": "1",
        },
    )
    run = RunLog.objects.get(patient=world.patient)
    assert (run.minutes, run.ladder_step, run.pain_during) == (18, 1, 1)
    page = patient_client.get("/me/load/").content.decode()
    assert "Run 1 min, walk 2 min, 6 times" in page
    assert 'aria-current="step"' in page
    assert "Your next run: step 1" in page  # the engine holds until the run is known green


def test_a_green_run_moves_up_the_ladder_after_two_days(
    world: World, patient_client: Client, clock: Any
) -> None:
    for day in (TODAY - dt.timedelta(days=3), TODAY):
        Decision.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            made_on=day,
            zone="green",
            action="hold",
            stage_from=4,
            stage_to=4,
            stage_change="stay",
            running_ready=True,
        )
    RunLog.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        performed_on=TODAY - dt.timedelta(days=2),
        minutes=20,
        ladder_step=1,
        pain_during=1,
        pain_after=1,
        next_morning_pain=0,
    )
    page = patient_client.get("/me/load/").content.decode()
    assert "Your next run: step 2" in page


def test_another_patients_run_cannot_be_changed(world: World, clock: Any) -> None:
    run = RunLog.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        performed_on=TODAY - dt.timedelta(days=1),
        minutes=20,
        pain_during=2,
    )
    other = Client()
    other.force_login(world.other_patient_user)
    prefix = f"nm-{run.public_id.hex[:12]}"
    response = other.post(
        f"/me/load/run/{run.public_id}/next-morning/", {f"{prefix}-next_morning_pain": "9"}
    )
    assert response.status_code == 404
    run.refresh_from_db()
    assert run.next_morning_pain is None
