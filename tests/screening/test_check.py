"""The public symptom check: pages, errors, triage from the engine, and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sitbone.accounts.models import User
from sitbone.engine.screening import SCREEN_ITEMS
from sitbone.patients.models import Patient
from sitbone.screening.selectors import SESSION_KEY, check_pages

pytestmark = pytest.mark.django_db

ROUTINE_YES = {
    "sitting_pain_at_sit_bone",
    "stretch_pain",
    "uphill_or_fast_running_pain",
    "lunge_or_squat_pain",
    "warm_up_then_worse",
    "gradual_onset",
}


def answer_all(client: Client, yes: set[str]) -> Any:
    response = None
    for page in check_pages():
        data = {item.id: ("yes" if item.id in yes else "no") for item in page.items}
        response = client.post(f"/check/{page.id}/", data)
        assert response.status_code == 302, response.content[:500]
        if response["Location"].endswith("/check/result/"):
            break
    return response


def test_the_start_page_explains_the_check_and_the_emergency_signs() -> None:
    response = Client().get("/check/")
    assert response.status_code == 200
    assert b"Start the check" in response.content
    assert b"emergency department" in response.content


def test_each_page_shows_its_questions_with_a_progress_indicator_and_a_back_link() -> None:
    client = Client()
    pages = check_pages()
    response = client.get(f"/check/{pages[1].id}/")
    html = response.content.decode()
    assert f"Page 2 of {len(pages)}" in html
    assert "<progress" in html
    assert f'href="/check/{pages[0].id}/"' in html
    for item in pages[1].items:
        assert item.question.replace("'", "&#x27;") in html


def test_an_unanswered_page_gets_an_error_summary_and_keeps_the_answers_given() -> None:
    client = Client()
    page = check_pages()[0]
    first = page.items[0]
    response = client.post(f"/check/{page.id}/", {first.id: "no"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "<title>Error:" in html
    assert f'href="#id_{page.items[1].id}_0"' in html
    assert f'id="id_{first.id}_1" checked' in html or f'value="no" id="id_{first.id}_1"' in html
    assert SESSION_KEY not in client.session


def test_a_routine_path_ends_with_self_care_advice_and_both_next_steps() -> None:
    client = Client()
    answer_all(client, ROUTINE_YES)
    response = client.get("/check/result/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "It fits well" in html
    assert "What points to it" in html
    assert "Does stretching your hamstrings, such as touching your toes" in html
    assert "Stop stretching your hamstrings" in html
    assert 'href="/book/"' in html
    assert 'href="/register/"' in html
    state = client.session[SESSION_KEY]
    assert state["triage"] == "see_physio"
    assert state["pht_likelihood"] == "likely"
    assert state["answers"]["gradual_onset"] is True
    assert len(state["answers"]) == len(SCREEN_ITEMS)


def test_an_emergency_answer_stops_the_check_and_never_offers_self_care() -> None:
    client = Client()
    emergency = check_pages()[0]
    data = {item.id: "no" for item in emergency.items}
    data["bladder_bowel_change"] = "yes"
    response = client.post(f"/check/{emergency.id}/", data)
    assert response["Location"] == "/check/result/"
    html = client.get("/check/result/").content.decode()
    assert "Go to an emergency department now" in html
    for self_care in ("What you can do now", "Create an account", "/register/", "/book/"):
        assert self_care not in html
    assert client.session[SESSION_KEY]["triage"] == "emergency"


def test_an_urgent_answer_puts_the_doctor_first_and_holds_back_exercise_advice() -> None:
    client = Client()
    answer_all(client, ROUTINE_YES | {"sudden_onset_pop", "posterior_thigh_bruising"})
    html = client.get("/check/result/").content.decode()
    assert html.index("See a doctor within 24–48 hours") < html.index("How well your pain fits")
    assert "What you can do now" not in html
    assert "do not start a home exercise plan yet" in html


def test_the_result_waits_until_every_page_is_answered() -> None:
    client = Client()
    first = check_pages()[0]
    client.post(f"/check/{first.id}/", {item.id: "no" for item in first.items})
    response = client.get("/check/result/")
    assert response.status_code == 302
    assert response["Location"] == f"/check/{check_pages()[1].id}/"


def test_the_check_writes_nothing_to_the_database() -> None:
    before = (User.objects.count(), Patient.objects.count())
    client = Client()
    answer_all(client, ROUTINE_YES)
    client.get("/check/result/")
    assert (User.objects.count(), Patient.objects.count()) == before


def test_clearing_removes_the_answers_from_the_session() -> None:
    client = Client()
    answer_all(client, ROUTINE_YES)
    client.post("/check/clear/")
    assert SESSION_KEY not in client.session


def test_an_unknown_page_is_a_404() -> None:
    assert Client().get("/check/not-a-page/").status_code == 404


def test_html_in_a_posted_answer_is_refused_not_echoed() -> None:
    page = check_pages()[0]
    data = {item.id: "no" for item in page.items}
    data[page.items[0].id] = "<script>alert(1)</script>"
    response = Client().post(f"/check/{page.id}/", data)
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content
