"""The patient app suggests a review for plain reasons; the triage list gets next appointments."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sitbone.appointments.selectors import (
    booking_suggestion,
    next_appointment,
    next_booked_start,
)
from sitbone.clinics.access import AccessDenied
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision
from tests.appointments.conftest import NOW
from tests.appointments.factories import book, local
from tests.conftest import World

TODAY = date(2026, 6, 1)  # NOW in Sydney


def decision(world: World, days_ago: int, **fields: Any) -> Decision:
    values = {
        "zone": "green",
        "action": "hold",
        "stage_from": 1,
        "stage_to": 1,
        "stage_change": "stay",
        "approval": "not_needed",
        **fields,
    }
    return Decision.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        made_on=TODAY - timedelta(days=days_ago),
        **values,
    )


def visa_h(world: World, days_ago: int) -> None:
    MeasureResult.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        instrument="visa_h",
        taken_on=TODAY - timedelta(days=days_ago),
        total=60,
    )


def suggestion(world: World) -> str | None:
    return booking_suggestion(actor=world.patient_user, patient=world.patient)


def test_no_reason_no_suggestion(world: World, frozen: Any) -> None:
    visa_h(world, 3)
    assert suggestion(world) is None


def test_a_questionnaire_due_suggests_a_review(world: World, frozen: Any) -> None:
    visa_h(world, 29)
    assert "VISA-H questionnaire is due" in (suggestion(world) or "")


def test_an_approved_stage_change_suggests_a_review(world: World, frozen: Any) -> None:
    visa_h(world, 3)
    decision(world, 5, stage_change="progress", stage_to=2, approval="approved", reviewed_at=NOW)
    assert "moved you to stage 2" in (suggestion(world) or "")
    Decision.objects.update(reviewed_at=NOW - timedelta(days=15))
    assert suggestion(world) is None  # too long ago


def test_a_declined_change_suggests_nothing(world: World, frozen: Any) -> None:
    visa_h(world, 3)
    decision(world, 2, stage_change="progress", stage_to=2, approval="declined", reviewed_at=NOW)
    assert suggestion(world) is None


def test_a_red_week_comes_first(world: World, frozen: Any) -> None:
    visa_h(world, 40)
    decision(world, 1, zone="red")
    assert "VISA-H" in (suggestion(world) or "")  # one red day is not a red week
    decision(world, 6, zone="red")
    assert "2 red days this week" in (suggestion(world) or "")
    decision(world, 9, zone="red")
    assert "2 red days" in (suggestion(world) or "")  # a red day 9 days ago does not count


def test_an_upcoming_appointment_silences_the_suggestion(hours: World, frozen: Any) -> None:
    decision(hours, 1, zone="red")
    decision(hours, 2, zone="red")
    book(hours, starts_at=local(hours.clinic, date(2026, 6, 3), time(10)))
    assert suggestion(hours) is None


def test_the_suggestion_shows_on_the_appointments_page(world: World, frozen: Any) -> None:
    client = Client()
    client.force_login(world.patient_user)
    body = client.get(reverse("appointments:mine")).content.decode()
    assert "Time for a review" in body and "VISA-H questionnaire is due" in body


def test_only_the_patient_and_their_clinic_may_ask(world: World, frozen: Any) -> None:
    assert booking_suggestion(actor=world.clinician, patient=world.patient) is not None
    with pytest.raises(AccessDenied):
        booking_suggestion(actor=world.other_patient_user, patient=world.patient)
    with pytest.raises(AccessDenied):
        booking_suggestion(actor=world.other_clinic_clinician, patient=world.patient)


def test_next_appointments_for_a_list_come_in_one_query(
    hours: World, frozen: Any, django_assert_num_queries: Any
) -> None:
    wed, thu = date(2026, 6, 3), date(2026, 6, 4)
    later = book(hours, starts_at=local(hours.clinic, thu, time(10)))
    first = book(hours, starts_at=local(hours.clinic, wed, time(10)))
    other = book(hours, starts_at=local(hours.clinic, wed, time(11)), patient=hours.other_patient)

    def next_starts() -> dict[int, Any]:
        patients = Patient.objects.filter(clinic=hours.clinic).annotate(
            next_at=next_booked_start(now=NOW)
        )
        return {p.pk: p.next_at for p in patients}

    with django_assert_num_queries(1):  # the patients, each with their next start
        found = next_starts()
    assert found == {hours.patient.pk: first.starts_at, hours.other_patient.pk: other.starts_at}
    assert later.starts_at not in found.values()
    # A booking that has started is no longer the next one.
    with django_assert_num_queries(1):
        after = Patient.objects.filter(pk=hours.patient.pk).annotate(
            next_at=next_booked_start(now=first.starts_at + timedelta(minutes=1))
        )
        assert [p.next_at for p in after] == [later.starts_at]
    # One patient's next appointment comes whole, with its clinician, for the workspace.
    assert next_appointment(actor=hours.clinician, patient=hours.patient) == first
    assert next_appointment(actor=hours.other_clinic_clinician, patient=hours.patient) is None
