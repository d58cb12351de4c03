"""A session or check-in sent through the API is decided on by the engine, as one sent from the
app's forms is: the clinician's triage and the patient's advice do not depend on the client."""

from __future__ import annotations

import pytest

from sitbone.clinics.models import AuditEvent
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.programmes.models import Decision
from tests.api.conftest import Api, seed_history, session_api
from tests.conftest import World


@pytest.fixture
def patient_api(world: World) -> Api:
    seed_history(world)
    return session_api(world.patient_user)


def test_a_painful_session_sent_through_the_api_stops_the_programme(
    world: World, patient_api: Api
) -> None:
    decisions = Decision.objects.filter(patient=world.patient).count()
    response = patient_api.post(
        f"/patients/{world.patient.public_id}/sessions",
        {"performed_on": "2026-11-19", "pain_during": 8, "pain_after": 8},
    )
    assert response.status_code == 201, response.content
    session = SessionLog.objects.get(public_id=response.json()["id"])
    assert (session.pain_during, session.pain_after) == (8, 8)
    assert Decision.objects.filter(patient=world.patient).count() == decisions + 1
    decision = Decision.objects.filter(patient=world.patient).latest("id")
    assert decision.made_on.isoformat() == "2026-11-19"
    assert decision.zone == "red"
    assert AuditEvent.objects.filter(
        action="api.session.create", patient=world.patient, detail="session on 2026-11-19"
    ).exists()


def test_a_morning_check_in_sent_through_the_api_is_decided_on(
    world: World, patient_api: Api
) -> None:
    decisions = Decision.objects.filter(patient=world.patient).count()
    response = patient_api.post(
        f"/patients/{world.patient.public_id}/morning-checks",
        {"checked_on": "2026-11-13", "pain": 9, "task": "isometric_hamstring_bridge"},
    )
    assert response.status_code == 201, response.content
    assert MorningCheck.objects.get(public_id=response.json()["id"]).task == (
        "isometric_hamstring_bridge"
    )
    assert Decision.objects.filter(patient=world.patient).count() == decisions + 1
    decision = Decision.objects.filter(patient=world.patient).latest("id")
    assert decision.made_on.isoformat() == "2026-11-13"
    assert decision.zone != "green"
    again = patient_api.post(
        f"/patients/{world.patient.public_id}/morning-checks",
        {"checked_on": "2026-11-13", "pain": 1},
    )
    assert again.status_code == 409
    assert Decision.objects.filter(patient=world.patient).count() == decisions + 1
