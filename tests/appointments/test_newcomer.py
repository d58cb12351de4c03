"""The public booking page for people coming from the symptom check."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from sitbone.appointments.models import Appointment
from sitbone.appointments.selectors import slot_token
from sitbone.clinics.models import Invitation
from sitbone.patients.models import Patient
from tests.appointments.factories import book, kind, local
from tests.conftest import World

WED = date(2026, 6, 3)
SCREENING = {
    "answers": {"sitting_pain": True, "saddle_numbness": False},
    "triage": None,
    "pht_likelihood": "likely",
}


def booking_url(world: World, day: date = WED) -> str:
    base = reverse("booking:clinic", args=[world.clinic.public_id])
    return f"{base}?day={day}"


def visitor(screening: dict[str, Any] | None = None) -> Client:
    client = Client()
    if screening is not None:
        session = client.session
        session["sitbone_screening"] = screening
        session.save()
    return client


def details(world: World, hour: int = 9, **extra: str) -> dict[str, str]:
    start = local(world.clinic, WED, time(hour))
    return {
        "slot": slot_token(world.clinician.public_id, start),
        "full_name": "Nina Newcomer",
        "email": "Nina@Example.com",
        "phone": "0412 345 678",
        **extra,
    }


def test_a_newcomer_books_the_first_free_assessment(
    hours: World, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = visitor(SCREENING)
    page = client.get(booking_url(hours))
    assert page.status_code == 200
    body = page.content.decode()
    assert "The first free time" in body
    assert "Initial assessment" in body or "initial assessment" in body
    first = slot_token(hours.clinician.public_id, local(hours.clinic, WED, time(9)))
    assert f'value="{first}" checked' in body  # the first free time is already chosen
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(booking_url(hours), details(hours))
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:done")
    patient = Patient.objects.get(email="nina@example.com")
    assert patient.clinic == hours.clinic
    assert patient.screening_answers == SCREENING
    assert list(patient.assigned_clinicians.all()) == [hours.clinician]
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.appointment_type == kind(hours.clinic, "initial_assessment")
    assert (appointment.source, appointment.contact_phone) == ("newcomer", "0412 345 678")
    invitation = Invitation.objects.get(patient=patient)
    assert (invitation.kind, invitation.email) == ("patient", "nina@example.com")
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "[Sitbone] Harbour Physio invited you",
        "[Sitbone] Your initial assessment is booked",
    ]
    done = client.get(response["Location"])
    assert "Check your email" in done.content.decode()
    assert "nina@example.com" in done.content.decode()


def test_without_a_symptom_check_the_booking_still_works(
    hours: World, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor().post(booking_url(hours), details(hours))
    assert response.status_code == 302
    assert Patient.objects.get(email="nina@example.com").screening_answers == {}


def test_an_emergency_triage_is_refused_unmistakably(hours: World, frozen: Any) -> None:
    client = visitor({**SCREENING, "triage": "emergency"})
    page = client.get(booking_url(hours))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Go to an emergency department now" in body
    assert 'role="alert"' in body
    assert 'name="slot"' not in body  # no way to book from here
    response = client.post(booking_url(hours), details(hours))
    assert response.status_code == 403
    assert "emergency department" in response.content.decode()
    assert Patient.objects.filter(email="nina@example.com").count() == 0
    assert Appointment.objects.count() == 0


def test_an_urgent_triage_is_told_to_see_a_doctor_first(hours: World, frozen: Any) -> None:
    body = visitor({**SCREENING, "triage": "urgent"}).get(booking_url(hours)).content.decode()
    assert "See a doctor first" in body


def test_a_known_email_books_nothing_and_the_page_says_the_same(
    hours: World, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor().post(booking_url(hours), details(hours, email=hours.patient.email))
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:done")
    assert Appointment.objects.count() == 0
    assert [m.to for m in mail.outbox] == [[hours.patient.email]]
    assert "nothing new was booked" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        visitor().post(booking_url(hours), details(hours, email=hours.patient.email))
    assert len(mail.outbox) == 1  # told at most once a day


def test_one_address_may_try_five_times_an_hour(
    hours: World, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = visitor()
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                booking_url(hours), details(hours, hour=9 + i, email=f"n{i}@example.com")
            )
        assert response.status_code == 302
    response = client.post(booking_url(hours), details(hours, hour=15, email="n5@example.com"))
    assert response.status_code == 429
    assert Appointment.objects.count() == 5


def test_a_taken_time_gets_409_and_fresh_times(hours: World, frozen: Any) -> None:
    book(hours, starts_at=local(hours.clinic, WED, time(9)))
    response = visitor().post(booking_url(hours), details(hours))
    assert response.status_code == 409
    assert "That time was just taken — please choose another." in response.content.decode()
    assert Patient.objects.filter(email="nina@example.com").count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter your full name"),
        ("email", "not-an-email", "Enter an email address like name@example.com"),
        ("phone", "call me maybe", "Enter a phone number"),
        ("full_name", "x" * 151, "at most 150 characters"),
        ("slot", "", "Choose a time for the appointment"),
    ],
)
def test_bad_input_is_shown_with_the_form_and_nothing_is_written(
    hours: World, frozen: Any, field: str, value: str, message: str
) -> None:
    response = visitor(SCREENING).post(booking_url(hours), details(hours, **{field: value}))
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert message in body
    assert "<title>Error:" in body
    assert Patient.objects.count() == 2 and Appointment.objects.count() == 0


def test_the_start_page_lists_clinics_or_goes_straight_to_the_only_one(
    hours: World, frozen: Any
) -> None:
    page = Client().get(reverse("booking:start"))
    assert page.status_code == 200
    assert "Harbour Physio" in page.content.decode() and "Hilltop Physio" in page.content.decode()
    hours.other_clinic.appointment_types.update(for_newcomers=False)
    response = Client().get(reverse("booking:start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:clinic", args=[hours.clinic.public_id])


def test_a_signed_in_patient_is_sent_to_their_own_booking_page(hours: World) -> None:
    client = Client()
    client.force_login(hours.patient_user)
    response = client.get(booking_url(hours))
    assert response["Location"] == reverse("appointments:book_review")


def test_an_unknown_clinic_is_not_found(world: World) -> None:
    assert Client().get("/book/00000000-0000-0000-0000-000000000000/").status_code == 404


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("2026-11-27", "That looks like a date."),
        ("((( )))", "Enter a phone number using digits"),
        ("12-34", "Enter a phone number using digits"),
        ("+1234 5678 9012 3456", "Enter a phone number using digits"),
    ],
)
def test_a_phone_number_needs_its_digits_and_is_not_a_date(
    hours: World, frozen: Any, phone: str, error: str
) -> None:
    response = visitor(SCREENING).post(booking_url(hours), details(hours, phone=phone))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("phone", ["+61 412 345 678", "(02) 9876 5432", "020-7946-0958"])
def test_phone_numbers_as_people_write_them_are_kept(hours: World, frozen: Any, phone: str) -> None:
    response = visitor(SCREENING).post(booking_url(hours), details(hours, phone=phone))

    assert response.status_code == 302
    assert Appointment.objects.get().contact_phone == phone
