"""Fixtures for the patient app: world.patient with an engine-prescribed stage-1 programme, and a
fixed clock (09:00 on 11 Nov 2026 in the clinic's zone, Australia/Sydney)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.conftest import World

NOW = dt.datetime(2026, 11, 10, 22, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 11)
"""NOW is 09:00 on TODAY in Sydney."""


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def programme(world: World, clock: Any) -> Any:
    from sitbone.programmes.services import programme_from_prescription

    return programme_from_prescription(
        actor=world.clinician, patient=world.patient, stage=1, reason="Initial programme"
    )


@pytest.fixture
def patient_client(world: World) -> Client:
    client = Client()
    client.force_login(world.patient_user)
    return client


def session_post(programme: Any, **overrides: Any) -> dict[str, Any]:
    """A valid session log submission for every exercise of the programme."""
    import uuid

    data: dict[str, Any] = {
        "idempotency_key": uuid.uuid4().hex,
        "day": "today",
        "pain_after": "2",
        "completed": "on",
        "notes": "",
    }
    for index, item in enumerate(programme.exercises.all()):
        data[f"ex{index}-sets"] = str(item.sets)
        if item.hold_seconds:
            data[f"ex{index}-hold"] = str(item.hold_seconds)
        else:
            data[f"ex{index}-reps"] = str(item.reps)
        data[f"ex{index}-load"] = item.load
        data[f"ex{index}-pain"] = "2"
    data.update(overrides)
    return data
