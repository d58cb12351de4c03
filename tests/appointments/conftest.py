"""Fixtures for appointment tests: the shared world plus working hours and a frozen clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tests.appointments.factories import working_hours
from tests.conftest import World

NOW = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
"""Monday 1 June 2026, 10:00 in Sydney (the world's clinic), a week with no clock change."""


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hours(world: World) -> World:
    """The assigned clinician works 09:00–17:00 every day; the unassigned one does not work."""
    working_hours(world.clinic, world.clinician)
    return world
