"""Idempotency-Key on API writes: a retry gets the first answer, a reused key with another body
gets 422, a duplicate that arrives while the first is still running gets 409."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from tests.api.conftest import Api, seed_history, session_api
from tests.conftest import World

SESSION = {"performed_on": "2026-11-02", "pain_during": 3, "pain_after": 2, "notes": "ok"}


@pytest.fixture
def patient_api(world: World) -> Api:
    seed_history(world)
    return session_api(world.patient_user)


def sessions_path(world: World) -> str:
    return f"/patients/{world.patient.public_id}/sessions"


def test_a_retry_gets_the_first_answer_and_stores_one_session(
    world: World, patient_api: Api
) -> None:
    from sitbone.diary.models import SessionLog

    before = SessionLog.objects.count()
    first = patient_api.post(sessions_path(world), SESSION, headers={"Idempotency-Key": "abc-1"})
    again = patient_api.post(sessions_path(world), SESSION, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert SessionLog.objects.count() == before + 1
    assert SessionLog.objects.get(public_id=first.json()["id"]).idempotency_key == "abc-1"


def test_the_same_key_with_another_body_is_refused(world: World, patient_api: Api) -> None:
    from sitbone.diary.models import SessionLog

    patient_api.post(sessions_path(world), SESSION, headers={"Idempotency-Key": "abc-2"})
    count = SessionLog.objects.count()
    changed = {**SESSION, "pain_during": 4}
    response = patient_api.post(sessions_path(world), changed, headers={"Idempotency-Key": "abc-2"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "idempotency_key_reused",
        "message": response.json()["error"]["message"],
        "field": "header.Idempotency-Key",
    }
    assert SessionLog.objects.count() == count


def test_a_duplicate_while_the_first_is_running_gets_409(world: World, patient_api: Api) -> None:
    from sitbone.api.idempotency import request_fingerprint
    from sitbone.api.models import IdempotencyRecord
    from sitbone.diary.models import SessionLog

    path = f"/api/v1{sessions_path(world)}"
    IdempotencyRecord.objects.create(  # what the first request leaves while it is processed
        owner=f"user:{world.patient_user.public_id}",
        key="abc-3",
        request_hash=request_fingerprint(
            method="POST", path=path, body={**SESSION, "completed": True, "entries": []}
        ),
        patient=world.patient,
    )
    count = SessionLog.objects.count()
    response = patient_api.post(sessions_path(world), SESSION, headers={"Idempotency-Key": "abc-3"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"
    assert SessionLog.objects.count() == count


def test_keys_belong_to_their_sender(world: World) -> None:
    from sitbone.diary.models import MorningCheck

    seed_history(world)
    body = {"checked_on": "2026-11-03", "pain": 1}
    mine = session_api(world.patient_user).post(
        f"/patients/{world.patient.public_id}/morning-checks",
        body,
        headers={"Idempotency-Key": "k"},
    )
    theirs = session_api(world.other_patient_user).post(
        f"/patients/{world.other_patient.public_id}/morning-checks",
        body,
        headers={"Idempotency-Key": "k"},
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert MorningCheck.objects.filter(checked_on="2026-11-03").count() == 2


def test_a_failed_write_releases_the_key(world: World, patient_api: Api) -> None:
    from sitbone.api.models import IdempotencyRecord

    future = (dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=5)).isoformat()
    bad = {**SESSION, "performed_on": future}
    response = patient_api.post(sessions_path(world), bad, headers={"Idempotency-Key": "abc-4"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.performed_on"
    assert not IdempotencyRecord.objects.filter(key="abc-4").exists()
    ok = patient_api.post(sessions_path(world), SESSION, headers={"Idempotency-Key": "abc-4"})
    assert ok.status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 65, "has space", "ü"])
def test_a_malformed_key_is_refused(world: World, patient_api: Api, key: str) -> None:
    from sitbone.diary.models import SessionLog

    count = SessionLog.objects.count()
    response = patient_api.post(sessions_path(world), SESSION, headers={"Idempotency-Key": key})
    assert response.status_code == 422, response.content
    assert SessionLog.objects.count() == count


def test_without_a_key_each_post_is_a_new_session(world: World, patient_api: Api) -> None:
    a = patient_api.post(sessions_path(world), SESSION)
    b = patient_api.post(sessions_path(world), SESSION)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_one_morning_check_per_day(world: World, patient_api: Api) -> None:
    path = f"/patients/{world.patient.public_id}/morning-checks"
    assert patient_api.post(path, {"checked_on": "2026-11-04", "pain": 2}).status_code == 201
    response = patient_api.post(path, {"checked_on": "2026-11-04", "pain": 3})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_recorded"


def test_a_session_logs_its_exercises(world: World, patient_api: Api) -> None:
    exercise = world.patient.programmes.get(is_current=True).exercises.first()
    body = {
        **SESSION,
        "entries": [
            {
                "exercise_id": exercise.exercise_id,
                "sets_done": 3,
                "hold_seconds": 30,
                "pain_during": 2,
            }
        ],
    }
    response = patient_api.post(sessions_path(world), body)
    assert response.status_code == 201
    assert response.json()["entries"][0]["exercise_id"] == exercise.exercise_id
    body["entries"][0]["exercise_id"] = "made_up_exercise"
    response = patient_api.post(sessions_path(world), body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.entries[0].exercise_id"


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_store_one_session(world: World) -> None:
    """Several threads send the same key at once: one session, the others replay or get 409."""
    from sitbone.diary.models import SessionLog

    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs a file database shared between threads")
    seed_history(world)
    before = SessionLog.objects.count()
    statuses: list[int] = []
    bodies: list[Any] = []

    def send() -> None:
        try:
            response = session_api(world.patient_user).post(
                sessions_path(world), SESSION, headers={"Idempotency-Key": "race-1"}
            )
            statuses.append(response.status_code)
            if response.status_code == 201:
                bodies.append(response.json()["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert SessionLog.objects.count() == before + 1
    assert set(statuses) <= {201, 409}
    assert len(set(bodies)) == 1
