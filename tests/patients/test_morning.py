"""The next-morning check-in comes first, triggers an engine decision and explains it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.programmes.models import Decision
from tests.conftest import World
from tests.patients.conftest import TODAY, session_post

YESTERDAY = TODAY - dt.timedelta(days=1)


def log_yesterday(client: Client, programme: Any, pain: str = "2", after: str = "2") -> None:
    data = session_post(programme, day="yesterday", pain_after=after)
    data.update({key: pain for key in data if key.endswith("-pain")})
    assert client.post("/me/session/", data).status_code == 302


def test_the_check_in_is_the_first_thing_on_the_morning_after_a_session(
    programme: Any, patient_client: Client, clock: Any
) -> None:
    log_yesterday(patient_client, programme)
    html = patient_client.get("/me/").content.decode()
    content = html.split('id="content"', 1)[1]
    assert content.index("First, your check-in") < content.index("Today's exercises")
    assert 'action="/me/morning/"' in content


def test_no_check_in_is_pushed_when_there_was_no_session_yesterday(
    programme: Any, patient_client: Client, clock: Any
) -> None:
    html = patient_client.get("/me/").content.decode()
    assert "First, your check-in" not in html
    assert "Do today's morning check-in" in html


def test_a_check_in_asks_the_engine_and_shows_the_decision_in_plain_words(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    log_yesterday(patient_client, programme)
    response = patient_client.post("/me/morning/", {"pain": "2", "stiffness_minutes": "5"})
    decision = Decision.objects.filter(patient=world.patient, made_on=TODAY).latest("id")
    assert response["Location"] == f"/me/decisions/{decision.public_id}/"
    check = MorningCheck.objects.get(patient=world.patient)
    assert (check.checked_on, check.pain, check.stiffness_minutes) == (TODAY, 2, 5)
    assert check.task == "bridge_single_leg_short_lever"
    assert decision.zone == "green"
    page = patient_client.get(response["Location"]).content.decode()
    assert "Green: Your tendon is coping well." in page
    assert "What changes" in page
    for reason in decision.reasons:
        assert reason["text"].replace("'", "&#x27;") in page


def test_a_painful_morning_is_red_and_says_to_ease_off(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    log_yesterday(patient_client, programme)
    response = patient_client.post("/me/morning/", {"pain": "7", "stiffness_minutes": "30"})
    page = patient_client.get(response["Location"]).content.decode()
    assert Decision.objects.filter(patient=world.patient).latest("id").zone == "red"
    assert "Red: Too much for your tendon right now." in page
    assert "ease off one step" in page


def test_a_proposed_stage_change_waits_for_the_physio(
    world: World, programme: Any, patient_client: Client
) -> None:
    from sitbone.patients.decisions import decision_view

    decision = Decision.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        made_on=TODAY,
        zone="green",
        action="progress",
        stage_from=1,
        stage_to=2,
        stage_change="advance",
        approval="pending",
        reasons=[{"rule": "PMM-PROGRESS-TWO-GREEN", "text": "Two green sessions."}],
    )
    view = decision_view(decision)
    assert view.waiting_for_physio
    assert "waiting for your physio's OK" in view.what_changes
    page = patient_client.get(f"/me/decisions/{decision.public_id}/").content.decode()
    assert "Waiting for your physio's OK" in page


def test_a_second_check_in_the_same_day_changes_nothing(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    log_yesterday(patient_client, programme)
    patient_client.post("/me/morning/", {"pain": "2", "stiffness_minutes": "5"})
    again = patient_client.post("/me/morning/", {"pain": "9", "stiffness_minutes": "60"})
    assert again.status_code == 302
    assert MorningCheck.objects.get(patient=world.patient).pain == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pain": "11", "stiffness_minutes": "0"}, "pain must be a whole number from 0 to 10"),
        ({"pain": "-1", "stiffness_minutes": "0"}, "pain must be a whole number from 0 to 10"),
        ({"pain": "", "stiffness_minutes": "0"}, "choose a number from 0 (no pain) to 10"),
        ({"pain": "3", "stiffness_minutes": "601"}, "enter a whole number from 0 to 600"),
        ({"pain": "3", "stiffness_minutes": "<b>5</b>"}, "enter a whole number from 0 to 600"),
    ],
)
def test_a_bad_check_in_is_refused_and_nothing_is_written(
    programme: Any, patient_client: Client, clock: Any, data: dict[str, str], message: str
) -> None:
    response = patient_client.post("/me/morning/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<b>5</b>" not in response.content.decode()
    assert MorningCheck.objects.count() == 0
    assert Decision.objects.count() == 0


def test_the_session_and_check_in_feed_the_engine_next_morning_pain(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    log_yesterday(patient_client, programme, pain="3", after="3")
    patient_client.post("/me/morning/", {"pain": "3", "stiffness_minutes": "0"})
    session = SessionLog.objects.get(patient=world.patient)
    assert session.performed_on == YESTERDAY
    decision = Decision.objects.filter(patient=world.patient).latest("id")
    assert decision.zone in {"green", "amber"}
    assert decision.zone != "pending"


def test_after_logging_yesterdays_session_the_check_in_is_offered_at_once(
    programme: Any, patient_client: Client, clock: Any
) -> None:
    data = session_post(programme, day="yesterday")
    response = patient_client.post("/me/session/", data)
    page = patient_client.get(response["Location"]).content.decode()
    assert 'href="/me/morning/"' in page
    assert "Tomorrow morning" not in page
