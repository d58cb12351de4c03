"""Every patient form post is idempotent (issue 9, item 4): the forms send a key; a replay gets
the first answer and stores nothing twice, a concurrent duplicate gets 409, the same key with
other answers gets 422, and an answer that confirms nothing releases the key."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from sitbone.api.models import IdempotencyRecord
from sitbone.diary.models import SittingLog
from tests.conftest import World
from tests.patients.conftest import TODAY

SITTING = {
    "sitting-minutes_to_pain": "25",
    "sitting-seat": "cushion",
    "sitting-pain_after": "3",
    "sitting-setup": ["cushion", "breaks"],
}

PATIENT_PAGES = [
    "/me/",
    "/me/session/",
    "/me/morning/",
    "/me/load/",
    "/me/reminders/",
    "/me/questionnaires/lefs/1/",
    "/me/privacy/",
    "/appointments/",
    "/appointments/calendar/",
]
NOT_WRITES = ("/accounts/logout/", "/accounts/keep-alive/")
"""Signing out and staying signed in change nothing that could be stored twice."""

POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def keyed(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {**data, "idempotency_key": key}


def owner(world: World) -> str:
    return f"user:{world.patient_user.public_id}"


def test_every_patient_form_sends_a_key(
    world: World, programme: Any, patient_client: Client
) -> None:
    forms = 0
    for page in PATIENT_PAGES:
        response = patient_client.get(page)
        assert response.status_code == 200, page
        for match in POST_FORM.finditer(response.content.decode()):
            form = match.group(0)
            if any(f'action="{path}"' in form for path in NOT_WRITES):
                continue
            forms += 1
            keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', form)
            assert len(keys) == 1, f"a form on {page} sends {len(keys)} keys:\n{form[:400]}"
    assert forms >= len(PATIENT_PAGES)


def test_a_replay_gets_the_first_answer_and_stores_one_row(
    world: World, programme: Any, patient_client: Client
) -> None:
    key = uuid.uuid4().hex
    first = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    again = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"] == "/me/load/#sitting"
    assert SittingLog.objects.filter(patient=world.patient).count() == 1
    assert patient_client.post("/me/load/sitting/", keyed(SITTING, uuid.uuid4().hex))
    assert SittingLog.objects.filter(patient=world.patient).count() == 2  # a new key, a new row


def test_the_same_key_with_other_answers_is_refused(
    world: World, programme: Any, patient_client: Client
) -> None:
    key = uuid.uuid4().hex
    patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    other = patient_client.post(
        "/me/load/sitting/", keyed({**SITTING, "sitting-minutes_to_pain": "40"}, key)
    )
    assert other.status_code == 422
    assert b"There is a problem" in other.content
    assert b"already sent with other answers" in other.content
    assert list(SittingLog.objects.values_list("minutes_to_pain", flat=True)) == [25]


def test_a_duplicate_while_the_first_is_being_saved_gets_409(
    world: World, programme: Any, patient_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sitbone.web.idempotency.DUPLICATE_WAIT_SECONDS", 0.2)
    key = uuid.uuid4().hex
    patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    # As the first request's claim looks while it is still running: no answer yet.
    IdempotencyRecord.objects.filter(key=key).update(status_code=None, response=None)
    duplicate = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    assert duplicate.status_code == 409
    assert b"still being saved" in duplicate.content
    assert SittingLog.objects.filter(patient=world.patient).count() == 1


def test_a_duplicate_waits_for_the_first_answer_and_is_shown_it(
    world: World, programme: Any, patient_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitbone.web import idempotency

    key = uuid.uuid4().hex
    first = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    stored = IdempotencyRecord.objects.get(key=key)
    IdempotencyRecord.objects.filter(pk=stored.pk).update(status_code=None, response=None)
    waits: list[float] = []

    def first_answers_meanwhile(seconds: float) -> None:  # the first request finishing
        waits.append(seconds)
        IdempotencyRecord.objects.filter(pk=stored.pk).update(
            status_code=stored.status_code, response=stored.response
        )

    monkeypatch.setattr(idempotency.time, "sleep", first_answers_meanwhile)
    duplicate = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    assert waits, "the duplicate did not wait"
    assert duplicate.status_code == 302
    assert duplicate["Location"] == first["Location"]
    assert SittingLog.objects.filter(patient=world.patient).count() == 1


def test_a_form_with_errors_releases_its_key(
    world: World, programme: Any, patient_client: Client
) -> None:
    key = uuid.uuid4().hex
    wrong = patient_client.post(
        "/me/load/sitting/", keyed({**SITTING, "sitting-minutes_to_pain": "-1"}, key)
    )
    assert wrong.status_code == 400
    assert not IdempotencyRecord.objects.filter(owner=owner(world), key=key).exists()
    fixed = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    assert fixed.status_code == 302
    assert SittingLog.objects.filter(patient=world.patient).count() == 1


@pytest.mark.parametrize("key", ["short", "x" * 65, "a key with spaces", "<script>1234"])
def test_a_malformed_key_is_refused_with_a_message(
    world: World, programme: Any, patient_client: Client, key: str
) -> None:
    response = patient_client.post("/me/load/sitting/", keyed(SITTING, key))
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert not SittingLog.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_the_morning_check_in_replays_too(
    world: World, programme: Any, patient_client: Client, clock: Any
) -> None:
    from sitbone.diary.models import MorningCheck

    key = uuid.uuid4().hex
    data = {"pain": "2", "stiffness_minutes": "5", "idempotency_key": key}
    first = patient_client.post("/me/morning/", data)
    again = patient_client.post("/me/morning/", data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert MorningCheck.objects.get(patient=world.patient).checked_on == TODAY


def test_staff_posts_are_left_to_their_views(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    key = uuid.uuid4().hex
    path = f"/clinic/patients/{world.patient.public_id}/notes/"
    for _ in range(2):
        client.post(path, {"text": "Sitting on a cushion at work.", "idempotency_key": key})
    assert not IdempotencyRecord.objects.exists()
