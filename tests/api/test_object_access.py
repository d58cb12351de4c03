"""Object-level access (OWASP API1 BOLA): every endpoint × someone who must not reach the record.

A token of another clinic, a staff member of another clinic and another patient all get 404 (the
same answer as for a record that does not exist), nothing is written, and the refusal is logged
as a security event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import Api, seed_history, session_api
from tests.conftest import World

READS: list[tuple[str, Callable[[dict[str, Any], World], str]]] = [
    ("patient", lambda h, w: f"/patients/{w.patient.public_id}"),
    ("patient fhir", lambda h, w: f"/patients/{w.patient.public_id}/fhir"),
    ("programme list", lambda h, w: f"/patients/{w.patient.public_id}/programmes"),
    ("programme", lambda h, w: f"/programmes/{h['programme'].public_id}"),
    ("session list", lambda h, w: f"/patients/{w.patient.public_id}/sessions"),
    ("session", lambda h, w: f"/sessions/{h['sessions'][0].public_id}"),
    ("morning list", lambda h, w: f"/patients/{w.patient.public_id}/morning-checks"),
    ("morning", lambda h, w: f"/morning-checks/{h['morning'].public_id}"),
    ("measure list", lambda h, w: f"/patients/{w.patient.public_id}/measures"),
    ("measure", lambda h, w: f"/measures/{h['measure'].public_id}"),
    ("decision list", lambda h, w: f"/patients/{w.patient.public_id}/decisions"),
    ("decision", lambda h, w: f"/decisions/{h['decision'].public_id}"),
    ("assessment list", lambda h, w: f"/patients/{w.patient.public_id}/assessments"),
    ("assessment", lambda h, w: f"/assessments/{h['assessment'].public_id}"),
    ("appointment list", lambda h, w: f"/patients/{w.patient.public_id}/appointments"),
    ("appointment", lambda h, w: f"/appointments/{h['appointment'].public_id}"),
]
STAFF_ONLY = {"assessment list", "assessment"}

WRITES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "session",
        "sessions",
        {"performed_on": "2026-11-01", "pain_during": 2, "pain_after": 2},
    ),
    ("morning", "morning-checks", {"checked_on": "2026-11-01", "pain": 2}),
    (
        "measure",
        "measures",
        {"instrument": "lefs", "taken_on": "2026-11-01", "answers": [3] * 20},
    ),
]


def row_counts() -> dict[str, int]:
    from sitbone.diary.models import MorningCheck, SessionLog
    from sitbone.measures.models import MeasureResult
    from sitbone.programmes.models import Decision, Programme

    return {
        model.__name__: model.objects.count()
        for model in (SessionLog, MorningCheck, MeasureResult, Decision, Programme)
    }


def denied_events() -> int:
    from sitbone.clinics.models import AuditEvent

    return AuditEvent.objects.filter(category="denied").count()


def outsiders(world: World, api_b: Api) -> dict[str, Api]:
    return {
        "token of another clinic": api_b,
        "clinician of another clinic": session_api(world.other_clinic_clinician),
        "another patient": session_api(world.other_patient_user),
    }


@pytest.mark.parametrize(("what", "path_for"), READS, ids=[r[0] for r in READS])
def test_nobody_outside_reads_a_record(
    world: World, api_b: Api, what: str, path_for: Callable[..., str]
) -> None:
    history = seed_history(world)
    path = path_for(history, world)
    for who, api in outsiders(world, api_b).items():
        before, denied = row_counts(), denied_events()
        response = api.get(path)
        if who == "another patient" and what in STAFF_ONLY:
            assert response.status_code == 403  # refused for the role, before any lookup
            assert row_counts() == before
            continue
        assert response.status_code == 404, (who, what, response.content)
        assert response.json()["error"]["code"] == "not_found"
        assert world.patient.full_name not in response.content.decode()
        assert row_counts() == before
        assert denied_events() == denied + 1, f"{who}: the probe was not logged"


@pytest.mark.parametrize(("what", "collection", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_nobody_outside_writes_to_a_record(
    world: World, api_b: Api, what: str, collection: str, body: dict[str, Any]
) -> None:
    seed_history(world)
    path = f"/patients/{world.patient.public_id}/{collection}"
    for who, api in outsiders(world, api_b).items():
        before = row_counts()
        if api.token is None:  # a session write needs the CSRF token to get this far
            api.client.get("/api/v1/me")
        response = api.post(path, body, headers={"Idempotency-Key": f"k-{who[:5]}"})
        if who == "another patient" and what == "measure":
            # Patients may not record measures at all: refused for the role, before any lookup.
            assert response.status_code == 403, response.content
        else:
            assert response.status_code == 404, (who, what, response.content)
        assert row_counts() == before


def test_the_same_reads_succeed_for_the_clinic_token(world: World, api_a: Api) -> None:
    history = seed_history(world)
    for what, path_for in READS:
        response = api_a.get(path_for(history, world))
        assert response.status_code == 200, (what, response.content)


def test_the_patient_reads_their_own_records(world: World) -> None:
    history = seed_history(world)
    api = session_api(world.patient_user)
    for what, path_for in READS:
        response = api.get(path_for(history, world))
        expected = 403 if what in STAFF_ONLY else 200  # findings and notes are for staff
        assert response.status_code == expected, (what, response.content)


def test_a_token_lists_only_its_own_clinics_patients(world: World, api_a: Api, api_b: Api) -> None:
    from sitbone.patients.models import Patient

    Patient.objects.create(clinic=world.other_clinic, full_name="Hill Patient", email="h@h.test")
    ids_a = {p["id"] for p in api_a.get("/patients").json()["items"]}
    ids_b = {p["id"] for p in api_b.get("/patients").json()["items"]}
    assert ids_a == {str(world.patient.public_id), str(world.other_patient.public_id)}
    assert ids_b and ids_a.isdisjoint(ids_b)


def test_a_patient_lists_only_themself(world: World) -> None:
    items = session_api(world.patient_user).get("/patients").json()["items"]
    assert [p["id"] for p in items] == [str(world.patient.public_id)]


def test_staff_reads_through_the_api_are_audited_with_the_token_as_actor(
    world: World, api_a: Api
) -> None:
    from sitbone.clinics.models import AuditEvent

    history = seed_history(world)
    api_a.get(f"/sessions/{history['sessions'][0].public_id}")
    api_a.get("/patients")
    events = AuditEvent.objects.filter(category="read", action__startswith="api.")
    actions = {(e.action, e.patient_id) for e in events}
    assert ("api.session.view", world.patient.pk) in actions
    assert ("api.patient.list", world.other_patient.pk) in actions
    assert all(e.actor_email.endswith("@tokens.sitbone.invalid") for e in events)


def test_integer_keys_never_leave_the_server(world: World, api_a: Api) -> None:
    history = seed_history(world)
    body = api_a.get(f"/patients/{world.patient.public_id}/sessions").json()
    session = body["items"][0]
    assert session["id"] == str(history["sessions"][1].public_id)
    assert "pk" not in session and str(history["sessions"][1].pk) != session["id"]
    assert "idempotency_key" not in session


def test_a_clinic_token_cannot_log_a_session_for_a_patient(world: World, api_a: Api) -> None:
    seed_history(world)
    response = api_a.post(
        f"/patients/{world.patient.public_id}/sessions",
        {"performed_on": str(dt.date(2026, 11, 1)), "pain_during": 2, "pain_after": 2},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "patient_only"
