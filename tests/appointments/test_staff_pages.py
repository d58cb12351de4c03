"""Staff pages: availability editor, diary, booking settings and appointment types."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sitbone.appointments.models import (
    AppointmentType,
    AvailabilityException,
    BookingPolicy,
    WorkingHours,
)
from sitbone.clinics.models import AuditEvent
from tests.appointments.factories import book, kind, local
from tests.conftest import World

WED = date(2026, 6, 3)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def availability_url(world: World, who: Any = None) -> str:
    return reverse("appointments:availability_edit", args=[(who or world.clinician).public_id])


def hours_post(**extra: str) -> dict[str, str]:
    return {"hours-weekday": "0", "hours-start_time": "09:00", "hours-end_time": "12:30", **extra}


def exception_post(**extra: str) -> dict[str, str]:
    return {"exception-kind": "leave", "exception-first_day": "2026-06-10", **extra}


def test_a_clinician_sets_their_weekly_hours(world: World, frozen: Any) -> None:
    client = client_for(world.clinician)
    assert client.get(reverse("appointments:availability")).status_code == 302
    response = client.post(availability_url(world), hours_post())
    assert response.status_code == 302
    row = WorkingHours.objects.get()
    assert (row.clinician, row.weekday, row.start_time, row.end_time) == (
        world.clinician,
        0,
        time(9),
        time(12, 30),
    )
    page = client.get(availability_url(world)).content.decode()
    assert "Monday" in page and "12:30" in page
    response = client.post(availability_url(world), {"remove_hours": str(row.public_id)})
    assert response.status_code == 302
    assert WorkingHours.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hours_post(**{"hours-end_time": "08:00"}), "The end time must be after the start time"),
        (hours_post(**{"hours-start_time": "09:10"}), "Choose a time on the quarter hour"),
        (hours_post(**{"hours-start_time": "nine"}), "Enter a time like 09:00"),
        (hours_post(**{"hours-weekday": "9"}), "Choose a day of the week"),
        ({"hours-start_time": "09:00", "hours-end_time": "12:30"}, "Choose a day"),
        ({}, "Choose a day"),
    ],
)
def test_bad_hours_are_refused_with_a_message(
    world: World, frozen: Any, data: dict[str, str], message: str
) -> None:
    response = client_for(world.clinician).post(availability_url(world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert WorkingHours.objects.count() == 0


def test_leave_for_whole_days_and_an_extra_session(world: World, frozen: Any) -> None:
    client = client_for(world.clinician)
    leave = exception_post(**{"exception-last_day": "2026-06-12", "exception-note": "Conference"})
    assert client.post(availability_url(world), leave).status_code == 302
    extra = exception_post(
        **{
            "exception-kind": "extra",
            "exception-start_time": "18:00",
            "exception-end_time": "20:00",
        }
    )
    assert client.post(availability_url(world), extra).status_code == 302
    rows = {row.kind: row for row in AvailabilityException.objects.all()}
    assert rows["leave"].starts_at == local(world.clinic, date(2026, 6, 10), time(0))
    assert rows["leave"].ends_at == local(world.clinic, date(2026, 6, 13), time(0))
    assert rows["extra"].starts_at == local(world.clinic, date(2026, 6, 10), time(18))
    response = client.post(
        availability_url(world), {"remove_exception": str(rows["leave"].public_id)}
    )
    assert response.status_code == 302
    assert AvailabilityException.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"exception-kind": "extra"}, "Enter the start and end time of the extra session"),
        ({"exception-first_day": "2026-05-01"}, "Enter today or a later date"),
        ({"exception-last_day": "2026-06-01"}, "The last day must be on or after the first day"),
        (
            {
                "exception-last_day": "2026-06-11",
                "exception-start_time": "09:00",
                "exception-end_time": "10:00",
            },
            "Times apply to a single day",
        ),
        ({"exception-start_time": "09:00"}, "Enter both times, or neither"),
        ({"exception-first_day": ""}, "Enter the date"),
        ({"exception-kind": "holiday"}, "Choose leave or an extra session"),
        ({"exception-first_day": "9999-12-31"}, "Enter a date within the next two years"),
        ({"exception-first_day": "2028-06-10"}, "Enter a date within the next two years"),
    ],
)
def test_bad_exceptions_are_refused_with_a_message(
    world: World, frozen: Any, changes: dict[str, str], message: str
) -> None:
    response = client_for(world.clinician).post(availability_url(world), exception_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AvailabilityException.objects.count() == 0


def test_an_exception_without_its_kind_is_still_the_exception_form(
    world: World, frozen: Any
) -> None:
    data = {k: v for k, v in exception_post().items() if k != "exception-kind"}
    response = client_for(world.clinician).post(availability_url(world), data)
    assert response.status_code == 400
    assert "Choose leave or an extra session" in response.content.decode()
    assert AvailabilityException.objects.count() == 0


def test_only_admins_change_someone_elses_hours(world: World, frozen: Any) -> None:
    target = availability_url(world)
    assert client_for(world.unassigned_clinician).post(target, hours_post()).status_code == 404
    assert client_for(world.other_clinic_clinician).post(target, hours_post()).status_code == 404
    assert client_for(world.admin).post(target, hours_post()).status_code == 302
    assert WorkingHours.objects.count() == 1
    assert client_for(world.admin).get(reverse("appointments:availability")).status_code == 200


def test_a_stranger_cannot_remove_hours_by_guessing_ids(world: World, frozen: Any) -> None:
    client_for(world.clinician).post(availability_url(world), hours_post())
    row = WorkingHours.objects.get()
    own = availability_url(world, world.unassigned_clinician)
    response = client_for(world.unassigned_clinician).post(
        own, {"remove_hours": str(row.public_id)}
    )
    assert response.status_code == 404
    assert WorkingHours.objects.count() == 1


def test_the_diary_shows_the_day_with_patient_links_and_audits_the_read(
    hours: World, frozen: Any
) -> None:
    appointment = book(hours, starts_at=local(hours.clinic, WED, time(10)))
    client = client_for(hours.clinician)
    response = client.get(reverse("appointments:diary") + f"?date={WED}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "10:00–10:30" in body
    assert reverse("clinics:patient_detail", args=[hours.patient.public_id]) in body
    assert reverse("appointments:detail", args=[appointment.public_id]) in body
    assert "Working 09:00–17:00" in body
    assert AuditEvent.objects.filter(
        action="appointment.diary", patient=hours.patient, actor=hours.clinician
    ).exists()
    week = client.get(reverse("appointments:diary_week") + f"?date={WED}").content.decode()
    assert "Mon 1 Jun" in week and "Sun 7 Jun" in week and "Pat Patient" in week


def test_a_colleague_opens_the_diary_of_another_clinician(hours: World, frozen: Any) -> None:
    book(hours, starts_at=local(hours.clinic, WED, time(10)))
    url = reverse("appointments:diary") + f"?date={WED}&clinician={hours.clinician.public_id}"
    assert "Pat Patient" in client_for(hours.unassigned_clinician).get(url).content.decode()
    assert client_for(hours.other_clinic_clinician).get(url).status_code == 404


@pytest.mark.parametrize("day", ["2026-13-01", "0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("page", ["appointments:diary", "appointments:diary_week"])
def test_a_bad_diary_date_answers_400(world: World, frozen: Any, page: str, day: str) -> None:
    response = client_for(world.clinician).get(reverse(page) + f"?date={day}")
    assert response.status_code == 400
    assert "Enter a real date" in response.content.decode()


def test_admins_change_the_booking_policy(world: World, frozen: Any) -> None:
    url = reverse("appointments:settings")
    data = {
        "cancellation_hours": "48",
        "max_days_ahead": "90",
        "min_notice_hours": "4",
        "buffer_minutes": "15",
    }
    assert client_for(world.admin).post(url, data).status_code == 302
    policy = BookingPolicy.objects.get(clinic=world.clinic)
    assert (policy.cancellation_hours, policy.buffer_minutes) == (48, 15)
    bad = client_for(world.admin).post(url, {**data, "buffer_minutes": "7"})
    assert bad.status_code == 400
    assert client_for(world.clinician).post(url, data).status_code == 404


def test_admins_change_an_appointment_type(world: World, frozen: Any) -> None:
    review = kind(world.clinic)
    url = reverse("appointments:type_edit", args=[review.public_id])
    data = {"name": "Review", "duration_minutes": "45", "patient_bookable": "on", "is_active": "on"}
    assert client_for(world.admin).post(url, data).status_code == 302
    assert AppointmentType.objects.get(pk=review.pk).duration_minutes == 45
    assert AuditEvent.objects.get(action="booking.type_update").detail == (
        "appointment type review changed"
    )
    assert client_for(world.admin).post(url, {**data, "duration_minutes": "50"}).status_code == 400
    taken = client_for(world.admin).post(url, {**data, "name": "Initial assessment"})
    assert taken.status_code == 400
    assert AppointmentType.objects.get(pk=review.pk).name == "Review"
    other = kind(world.other_clinic)
    other_url = reverse("appointments:type_edit", args=[other.public_id])
    assert client_for(world.admin).get(other_url).status_code == 404


def test_admins_add_an_appointment_type_that_booking_then_offers(world: World, frozen: Any) -> None:
    url = reverse("appointments:type_new")
    settings_page = client_for(world.admin).get(reverse("appointments:settings")).content.decode()
    assert f'href="{url}"' in settings_page
    data = {"name": "Shockwave session", "duration_minutes": "15", "patient_bookable": "on"}

    assert client_for(world.admin).post(url, {**data, "is_active": "on"}).status_code == 302

    added = AppointmentType.objects.get(clinic=world.clinic, name="Shockwave session")
    assert (added.code, added.duration_minutes, added.patient_bookable, added.is_active) == (
        "shockwave_session",
        15,
        True,
        True,
    )
    assert added.order > AppointmentType.objects.get(clinic=world.clinic, code="review").order
    event = AuditEvent.objects.get(action="booking.type_create")
    assert event.actor == world.admin and event.detail == "appointment type shockwave_session added"
    book_for = reverse("appointments:staff_book", args=[world.patient.public_id])
    assert "Shockwave session" in client_for(world.clinician).get(book_for).content.decode()
    # The same name again (any case) is refused and adds nothing; a name whose code is taken
    # gets the next free code.
    again = client_for(world.admin).post(url, {**data, "name": "shockwave SESSION"})
    assert again.status_code == 400
    assert "already has an appointment type called" in again.content.decode()
    assert (
        client_for(world.admin).post(url, {**data, "name": "Shockwave-session"}).status_code == 302
    )
    assert AppointmentType.objects.filter(clinic=world.clinic, code="shockwave_session_2").exists()
    assert client_for(world.admin).post(url, {**data, "duration_minutes": "20"}).status_code == 400
    assert client_for(world.clinician).post(url, data).status_code == 404
    assert (
        AppointmentType.objects.filter(clinic=world.other_clinic, name__startswith="Shock").count()
        == 0
    )


def test_every_clinic_gets_the_default_types_and_policy(world: World) -> None:
    assert sorted(
        AppointmentType.objects.filter(clinic=world.clinic).values_list("code", "duration_minutes")
    ) == [("initial_assessment", 45), ("review", 30), ("telehealth_review", 30)]
    assert BookingPolicy.objects.get(clinic=world.clinic).cancellation_hours == 24


def test_staff_pick_a_patient_to_book_for(world: World) -> None:
    body = client_for(world.clinician).get(reverse("appointments:book_for")).content.decode()
    assert reverse("appointments:staff_book", args=[world.other_patient.public_id]) in body
