"""Today's session: the guided page, logging, idempotent replays and bad input."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from sitbone.diary.models import SessionEntry, SessionLog
from sitbone.programmes.models import Decision
from tests.conftest import World
from tests.patients.conftest import TODAY, session_post


def test_today_lists_the_programme_and_links_to_the_session(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    html = patient_client.get("/me/").content.decode()
    assert "Start today's session" in html
    assert "5 sets of 45-second hold" in html


def test_the_session_page_shows_pictures_doses_cues_timers_and_a_fresh_key(
    programme: Any, patient_client: Client, clock: Any
) -> None:
    first = patient_client.get("/me/session/").content.decode()
    second = patient_client.get("/me/session/").content.decode()
    assert "/static/sitbone/exercises/bridge_hold_double_leg.svg" in first
    assert 'data-timer data-name="Double-leg bridge hold" data-sets="5" data-hold="45"' in first
    assert 'data-rest="120"' in first
    assert "Press through both heels" in first
    assert "patients/session.js" in first
    scripts = re.findall(r"<script[^>]*>", first)
    assert scripts and all(" src=" in tag and " nonce=" in tag for tag in scripts)
    assert " style=" not in first

    def key(html: str) -> str:
        return html.split('name="idempotency_key" value="')[1].split('"')[0]

    assert key(first) != key(second)


def test_logging_a_session_stores_it_with_entries_and_asks_the_engine(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    data = session_post(programme, **{"ex0-pain": "3", "pain_after": "2"})
    response = patient_client.post("/me/session/", data)
    session = SessionLog.objects.get(patient=world.patient)
    assert response.status_code == 302
    assert response["Location"] == f"/me/sessions/{session.public_id}/"
    assert session.performed_on == TODAY
    assert session.pain_during == 3  # the highest pain of any exercise
    assert session.entries.count() == programme.exercises.count()
    decision = Decision.objects.get(patient=world.patient, made_on=TODAY)
    assert decision.zone == "pending"
    page = patient_client.get(response["Location"]).content.decode()
    assert "Waiting" in page and "Tomorrow morning" in page


def test_a_double_submit_with_the_same_key_returns_the_first_session(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    data = session_post(programme)
    first = patient_client.post("/me/session/", data)
    again = patient_client.post("/me/session/", data)
    assert first["Location"] == again["Location"]
    assert SessionLog.objects.filter(patient=world.patient).count() == 1
    assert SessionEntry.objects.count() == programme.exercises.count()


def test_the_same_key_from_another_patient_is_a_different_session(
    world: World, programme: Any, clock: Any
) -> None:
    from sitbone.programmes.services import programme_from_prescription

    programme_from_prescription(
        actor=world.unassigned_clinician, patient=world.other_patient, stage=1, reason="x"
    )
    data = session_post(programme)
    mine, theirs = Client(), Client()
    mine.force_login(world.patient_user)
    theirs.force_login(world.other_patient_user)
    mine.post("/me/session/", data)
    theirs.post("/me/session/", session_post(programme, idempotency_key=data["idempotency_key"]))
    assert SessionLog.objects.filter(patient=world.patient).count() == 1
    assert SessionLog.objects.filter(patient=world.other_patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_with_one_key_store_one_session(
    world: World, programme: Any, clock: Any
) -> None:
    data = session_post(programme)
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        client = Client()
        client.force_login(world.patient_user)
        barrier.wait()
        try:
            statuses.append(client.post("/me/session/", data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The second is told 409 while the first is being saved, or replayed the first's redirect.
    assert sorted(statuses) in ([302, 302], [302, 409])
    assert SessionLog.objects.filter(patient=world.patient).count() == 1
    assert SessionEntry.objects.count() == programme.exercises.count()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pain_after": "11"}, "pain must be a whole number from 0 to 10"),
        ({"pain_after": "-1"}, "pain must be a whole number from 0 to 10"),
        ({"pain_after": "two"}, "pain must be a whole number from 0 to 10"),
        ({"pain_after": ""}, "choose a number from 0 (no pain) to 10"),
        ({"ex0-pain": "10.5"}, "pain must be a whole number from 0 to 10"),
        ({"ex0-sets": "-1"}, "enter a whole number from 0 to 20"),
        ({"ex0-sets": "three"}, "enter a whole number from 0 to 20"),
        ({"ex0-hold": "99999"}, "enter a whole number from 0 to 600"),
        ({"ex0-load": "x" * 1_000_000}, "load must be 60 characters or fewer"),
        ({"notes": "n" * 1_000_000}, "Notes must be 1,000 characters or fewer"),
        ({"notes": "hello\x07world"}, "Remove the hidden character after “hello” (U+0007)"),
        ({"notes": "nul\x00byte"}, "Null characters are not allowed"),
        ({"day": "last week"}, "Select today or yesterday"),
        ({"idempotency_key": "not-a-uuid"}, "This form has expired"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(
    world: World,
    programme: Any,
    patient_client: Client,
    clock: Any,
    change: dict[str, str],
    message: str,
) -> None:
    response = patient_client.post("/me/session/", session_post(programme, **change))
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert message.replace("'", "&#x27;") in html
    assert "<title>Error:" in html
    assert SessionLog.objects.count() == 0
    assert Decision.objects.count() == 0


def test_logging_no_sets_at_all_is_refused(
    programme: Any, patient_client: Client, clock: Any
) -> None:
    zero = {f"ex{i}-sets": "0" for i in range(programme.exercises.count())}
    response = patient_client.post("/me/session/", session_post(programme, **zero))
    assert response.status_code == 400
    assert b"Enter at least one set done" in response.content
    assert SessionLog.objects.count() == 0


def test_html_in_notes_is_stored_as_text_and_shown_escaped(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = patient_client.post("/me/session/", session_post(programme, notes=payload))
    page = patient_client.get(response["Location"]).content.decode()
    assert SessionLog.objects.get().notes == payload
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_session_logged_for_yesterday_is_dated_yesterday(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    patient_client.post("/me/session/", session_post(programme, day="yesterday"))
    assert SessionLog.objects.get().performed_on.isoformat() == "2026-11-10"


def test_without_a_programme_there_is_nothing_to_log(patient_client: Client) -> None:
    response = patient_client.get("/me/session/")
    assert b"has not set your programme yet" in response.content


def test_another_patients_session_is_a_404_and_a_security_event(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    from sitbone.clinics.models import AuditEvent

    response = patient_client.post("/me/session/", session_post(programme))
    other = Client()
    other.force_login(world.other_patient_user)
    assert other.get(response["Location"]).status_code == 404
    assert AuditEvent.objects.filter(category="denied", actor=world.other_patient_user).exists()


def test_the_session_page_keeps_a_long_workout_signed_in(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    assert patient_client.post("/me/session/keep-alive/").status_code == 204
    staff = Client()
    staff.force_login(world.clinician)
    assert staff.post("/me/session/keep-alive/").status_code == 404


def test_a_skipped_exercise_needs_no_pain_score_and_is_not_logged(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    data = session_post(programme, **{"ex1-sets": "0", "ex1-pain": ""})
    assert patient_client.post("/me/session/", data).status_code == 302
    session = SessionLog.objects.get(patient=world.patient)
    assert session.entries.count() == programme.exercises.count() - 1


def test_an_exercise_done_needs_its_pain_score(
    programme: Any, patient_client: Client, clock: Any
) -> None:
    response = patient_client.post("/me/session/", session_post(programme, **{"ex0-pain": ""}))
    assert response.status_code == 400
    assert "bridge hold: pain during: choose a number from 0" in response.content.decode()
    assert SessionLog.objects.count() == 0


@pytest.mark.parametrize("form", ["session", "morning"])
def test_a_patient_write_locks_the_audit_chain_only_to_append_its_event(
    world: World, programme: Any, patient_client: Client, clock: Any, form: str
) -> None:
    """Every audited write of every clinic waits for the chain's head until the holder commits,
    so the engine's decision is made before the head is locked, not while it is held."""
    from django.test.utils import CaptureQueriesContext

    path, data = (
        ("/me/session/", session_post(programme))
        if form == "session"
        else ("/me/morning/", {"pain": "2", "stiffness_minutes": "5"})
    )
    with CaptureQueriesContext(connection) as queries:
        response = patient_client.post(path, data)
    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    locked = next(i for i, sql in enumerate(statements) if "clinics_auditchainhead" in sql)
    while_locked = [
        sql.split('"')[1]
        for sql in statements[locked + 1 :]
        if sql.startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))
    ]
    # then only the stored answer for the form's key, after the write has committed
    assert while_locked[:2] == ["clinics_auditevent", "clinics_auditchainhead"]
    assert set(while_locked[2:]) <= {"api_idempotencyrecord"}
    assert Decision.objects.filter(patient=world.patient, made_on=TODAY).exists()


@pytest.mark.django_db(transaction=True)  # as served: the write's transaction is the outermost
@pytest.mark.parametrize("form", ["session", "morning"])
def test_a_patient_write_is_one_transaction_without_savepoints(
    programme: Any, patient_client: Client, clock: Any, form: str
) -> None:
    """The entry, the engine's decision and the audit event commit together; the decision and
    the audit event join the caller's transaction instead of each opening a savepoint."""
    from django.test.utils import CaptureQueriesContext

    path, data = (
        ("/me/session/", session_post(programme))
        if form == "session"
        else ("/me/morning/", {"pain": "2", "stiffness_minutes": "5"})
    )
    with CaptureQueriesContext(connection) as queries:
        response = patient_client.post(path, data)
    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith("SAVEPOINT")]
    assert Decision.objects.filter(made_on=TODAY).count() == 1
