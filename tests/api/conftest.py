"""API fixtures: clinic tokens, and clients that speak JSON with a token or a session."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from tests.conftest import World

ALL_SCOPES = ["patients:read", "clinical:read", "clinical:write", "engine"]


@dataclass
class Api:
    """A JSON client for /api/v1/ with either a bearer token or a signed-in session."""

    client: Client
    token: str | None = None

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            headers=self._headers(headers),
        )


def make_token(world_clinic: Any, creator: Any, scopes: list[str] | None = None, days: int = 30):  # type: ignore[no-untyped-def]
    from sitbone.api.services import api_token_create

    return api_token_create(
        actor=creator, clinic=world_clinic, name="Test sync", scopes=scopes or ALL_SCOPES, days=days
    )


@pytest.fixture
def token_a(world: World) -> str:
    return make_token(world.clinic, world.admin)[1]


@pytest.fixture
def token_b(world: World) -> str:
    from sitbone.accounts.services import account_create
    from sitbone.clinics.models import Membership

    admin_b = account_create(email="admin@hilltop.test", password="x" * 20, full_name="Bea B")
    Membership.objects.create(clinic=world.other_clinic, user=admin_b, role="admin")
    return make_token(world.other_clinic, admin_b)[1]


@pytest.fixture
def api_a(token_a: str) -> Api:
    return Api(Client(), token_a)


@pytest.fixture
def api_b(token_b: str) -> Api:
    return Api(Client(), token_b)


def session_api(user: Any, *, csrf: bool = False) -> Api:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return Api(client)


def seed_history(world: World) -> dict[str, Any]:
    """A programme, two sessions, a morning check, a measure and a decision for the patient."""
    from sitbone.diary.models import MorningCheck, SessionEntry, SessionLog
    from sitbone.measures.services import measure_record
    from sitbone.programmes.services import decision_record, programme_from_prescription

    patient = world.patient
    today = dt.date(2026, 11, 20)
    programme = programme_from_prescription(
        actor=world.clinician, patient=patient, stage=1, reason="Initial programme"
    )
    sessions = []
    for offset, pains in ((10, (3, 2)), (8, (2, 2))):
        session = SessionLog.objects.create(
            clinic=patient.clinic,
            patient=patient,
            programme=programme,
            performed_on=today - dt.timedelta(days=offset),
            pain_during=pains[0],
            pain_after=pains[1],
            notes='=HYPERLINK("http://evil")',
        )
        first = programme.exercises.first()
        SessionEntry.objects.create(
            session=session,
            exercise_id=first.exercise_id,
            sets_done=first.sets,
            reps=first.reps,
            hold_seconds=first.hold_seconds,
            pain_during=pains[0],
        )
        sessions.append(session)
    morning = MorningCheck.objects.create(
        clinic=patient.clinic,
        patient=patient,
        checked_on=today - dt.timedelta(days=9),
        task="bridge_hold_single_leg_short_lever",
        pain=2,
    )
    measure, _ = measure_record(
        actor=world.clinician,
        patient=patient,
        instrument="lefs",
        answers=[2] * 20,
        taken_on=today - dt.timedelta(days=10),
    )
    decision = decision_record(patient=patient, made_on=today - dt.timedelta(days=7))
    history = {
        "programme": programme,
        "sessions": sessions,
        "morning": morning,
        "measure": measure,
        "decision": decision,
    }
    if apps.is_installed("sitbone.assessments"):
        from sitbone.assessments.models import Assessment

        history["assessment"] = Assessment.objects.create(
            clinic=patient.clinic,
            patient=patient,
            assessed_on=today - dt.timedelta(days=12),
            assessed_by=world.clinician,
            affected_side="right",
            pretest_probability=Decimal("0.500"),
            bent_knee="positive",
            notes="+44 rings back",
        )
    if apps.is_installed("sitbone.appointments"):
        from tests.appointments.factories import book, working_hours

        working_hours(world.clinic, world.clinician)
        history["appointment"] = book(world)
    return history
