"""Questionnaires: due dates, one question per screen, scored by the engine, change with MCID."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sitbone.engine.commands import COMMANDS
from sitbone.measures.models import MeasureResult
from tests.conftest import World
from tests.patients.conftest import TODAY

VISA = {
    "q1": 5, "q2": 6, "q3": 4, "q4": 5, "q5": 7, "q6": 3, "q7": 4,
    "q8": {"branch": "pain_not_stopping", "minutes": 25},
}  # fmt: skip


def answer_visa(client: Client, answers: dict[str, Any]) -> Any:
    for number in range(1, 8):
        answer = {"answer": answers[f"q{number}"]}
        response = client.post(f"/me/questionnaires/visa_h/{number}/", answer)
        assert response.status_code == 302, response.content[:300]
    q8 = answers["q8"]
    return client.post("/me/questionnaires/visa_h/8/", q8)


def test_visa_h_and_lefs_are_due_at_baseline_and_groc_is_not(
    patient_client: Client, clock: Any
) -> None:
    html = patient_client.get("/me/questionnaires/").content.decode()
    due = html.split("Due now")[1].split("Coming up")[0]
    assert "Start VISA-H" in due and "Start LEFS" in due
    assert "GROC" not in due


def test_each_question_has_its_own_screen_with_progress_and_back(
    patient_client: Client, clock: Any
) -> None:
    html = patient_client.get("/me/questionnaires/visa_h/2/").content.decode()
    assert "question 2 of 8" in html
    assert html.count("<legend") == 1
    assert 'href="/me/questionnaires/visa_h/1/"' in html
    assert "0 = Severe pain" in html and "10 = No pain" in html


def test_a_visa_h_is_scored_by_the_engine_after_check_your_answers(
    world: World, patient_client: Client, clock: Any
) -> None:
    response = answer_visa(patient_client, VISA)
    assert response["Location"] == "/me/questionnaires/visa_h/check/"
    check = patient_client.get("/me/questionnaires/visa_h/check/").content.decode()
    assert "Check your answers" in check
    assert "I have buttock pain, but it does not stop me; 25 minutes" in check
    done = patient_client.post("/me/questionnaires/visa_h/check/")
    result = MeasureResult.objects.get(patient=world.patient, instrument="visa_h")
    expected = COMMANDS["score"]({"instrument": "visa_h", "answers": VISA})["total"]
    assert result.total == expected
    assert result.taken_on == TODAY
    page = patient_client.get(done["Location"]).content.decode()
    assert f"{expected} <span" in page
    assert "visa_h" not in str(patient_client.session.get("sitbone_questionnaire_visa_h", ""))


def test_visa_h_change_says_no_mcid_is_published(
    world: World, patient_client: Client, clock: Any
) -> None:
    MeasureResult.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        instrument="visa_h",
        taken_on=TODAY - dt.timedelta(weeks=4),
        answers={},
        total=30,
    )
    answer_visa(patient_client, VISA)
    done = patient_client.post("/me/questionnaires/visa_h/check/")
    page = patient_client.get(done["Location"]).content.decode()
    assert "Change since" in page
    assert "no MCID" in page


def test_lefs_change_uses_the_published_mcid(
    world: World, patient_client: Client, clock: Any
) -> None:
    MeasureResult.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        instrument="lefs",
        taken_on=TODAY - dt.timedelta(weeks=4),
        answers={},
        total=40,
    )
    for number in range(1, 21):
        patient_client.post(f"/me/questionnaires/lefs/{number}/", {"answer": "3"})
    done = patient_client.post("/me/questionnaires/lefs/check/")
    page = patient_client.get(done["Location"]).content.decode()
    assert "60 <span" in page
    assert "A change of 9 points or more counts as a real, important change" in page
    assert "Yours does." in page


def test_groc_is_due_at_a_four_weekly_review(
    world: World, patient_client: Client, clock: Any
) -> None:
    MeasureResult.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        instrument="lefs",
        taken_on=TODAY - dt.timedelta(weeks=4),
        answers={},
        total=40,
    )
    html = patient_client.get("/me/questionnaires/").content.decode()
    assert "Start GROC" in html.split("Coming up")[0]


@pytest.mark.parametrize("bad", ["11", "-1", "abc", "5.5", ""])
def test_a_bad_answer_is_refused_and_not_kept(patient_client: Client, clock: Any, bad: str) -> None:
    response = patient_client.post("/me/questionnaires/visa_h/1/", {"answer": bad})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert "sitbone_questionnaire_visa_h" not in patient_client.session


def test_an_unknown_questionnaire_or_question_is_a_404(patient_client: Client, clock: Any) -> None:
    assert patient_client.get("/me/questionnaires/nirschl/1/").status_code == 404
    assert patient_client.get("/me/questionnaires/visa_h/9/").status_code == 404


def test_check_your_answers_sends_you_back_to_the_first_unanswered_question(
    patient_client: Client, clock: Any
) -> None:
    patient_client.post("/me/questionnaires/visa_h/1/", {"answer": "5"})
    response = patient_client.get("/me/questionnaires/visa_h/check/")
    assert response["Location"] == "/me/questionnaires/visa_h/2/"


def test_another_patients_result_is_a_404(world: World, clock: Any) -> None:
    result = MeasureResult.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        instrument="groc",
        taken_on=TODAY,
        answers={"change": 3},
        total=3,
    )
    other = Client()
    other.force_login(world.other_patient_user)
    assert other.get(f"/me/questionnaires/results/{result.public_id}/").status_code == 404


def test_at_discharge_every_questionnaire_is_due_once_more(
    world: World, patient_client: Client, clock: Any
) -> None:
    for instrument, total in (("visa_h", 60), ("lefs", 60), ("groc", 4)):
        MeasureResult.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            instrument=instrument,
            taken_on=TODAY - dt.timedelta(days=3),
            answers={},
            total=total,
        )
    world.patient.discharged_on = TODAY
    world.patient.save(update_fields=["discharged_on"])
    due = patient_client.get("/me/questionnaires/").content.decode().split("Coming up")[0]
    assert due.count("At the end of your treatment") == 3
