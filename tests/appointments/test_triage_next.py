"""The triage list names the next booked appointment within a week, and stops naming it once
it has started or is cancelled, whatever triage had stored before."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest

from sitbone.appointments.services import appointment_cancel
from sitbone.clinics.models import TriageSnapshot
from sitbone.clinics.triage import Need, patient_list_for_triage
from tests.appointments.factories import book, clinic_day, local
from tests.conftest import World

pytestmark = pytest.mark.django_db


def appointment_reasons(world: World) -> list[str]:
    (row,) = [
        r
        for r in patient_list_for_triage(actor=world.clinician).rows
        if r.patient.pk == world.patient.pk
    ]
    return [reason.text for reason in row.reasons if reason.need == Need.APPOINTMENT]


def test_a_booking_and_its_cancellation_show_in_the_next_list(hours: World, frozen: Any) -> None:
    assert appointment_reasons(hours) == []  # stored: no appointment

    booked = book(hours, starts_at=local(hours.clinic, clinic_day(hours.clinic, 3), time(10)))
    (text,) = appointment_reasons(hours)
    assert text.startswith("Appointment ") and text.endswith("10:00")

    appointment_cancel(actor=hours.admin, appointment=booked, by_patient=False)
    assert appointment_reasons(hours) == []


def test_an_appointment_that_has_started_is_no_longer_named(hours: World, frozen: Any) -> None:
    starts = local(hours.clinic, clinic_day(hours.clinic, 0), time(15))
    book(hours, starts_at=starts)
    assert appointment_reasons(hours) == ["Appointment " + f"{starts:%a %-d %b} 15:00"]
    stored = TriageSnapshot.objects.get(patient=hours.patient)

    frozen.move_to(starts + timedelta(minutes=30))  # later the same day

    assert appointment_reasons(hours) == []
    assert TriageSnapshot.objects.get(patient=hours.patient).computed_for == stored.computed_for
    assert TriageSnapshot.objects.get(patient=hours.patient).next_appointment_at is None
