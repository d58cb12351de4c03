"""Booking, moving and cancelling: the rules, and double booking refused by the database."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from sitbone.appointments import services
from sitbone.appointments.models import Appointment, SlotClaim
from sitbone.appointments.selectors import rules_for_public, rules_for_staff, slot_token
from sitbone.appointments.services import (
    SLOT_TAKEN,
    BookingRefused,
    SeriesUnavailable,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_series_book,
)
from sitbone.clinics.models import AuditEvent
from tests.appointments.factories import book, kind, local
from tests.conftest import World

WED = date(2026, 6, 3)


def at(world: World, hour: int, minute: int = 0, day: date = WED) -> Any:
    return local(world.clinic, day, time(hour, minute))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_booking_claims_every_quarter_hour_it_covers(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=at(hours, 10), code="initial_assessment")
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=45)
    assert appointment.claims.count() == 3
    assert AuditEvent.objects.filter(action="appointment.book", patient=hours.patient).exists()


def test_the_database_refuses_a_double_booking_even_when_the_check_is_skipped(
    hours: World, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    book(hours, starts_at=at(hours, 10))
    monkeypatch.setattr(services, "slot_is_bookable", lambda **_: True)
    with pytest.raises(SlotTaken) as taken:
        book(hours, starts_at=at(hours, 10, 15), patient=hours.other_patient)  # overlaps
    assert taken.value.message == SLOT_TAKEN
    assert Appointment.objects.count() == 1  # the whole second booking rolled back
    assert SlotClaim.objects.count() == 2


def test_the_claim_constraint_holds_for_raw_inserts_too(hours: World, frozen: Any) -> None:
    first = book(hours, starts_at=at(hours, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotClaim.objects.create(
            clinic=hours.clinic,
            clinician=hours.clinician,
            cell_start=first.starts_at,
            appointment=first,
        )


def test_a_time_outside_working_hours_or_off_the_grid_is_refused(hours: World, frozen: Any) -> None:
    with pytest.raises(SlotTaken):
        book(hours, starts_at=at(hours, 20))
    with pytest.raises(SlotTaken):
        book(hours, starts_at=at(hours, 10, 5))
    with pytest.raises(SlotTaken):  # the unassigned clinician has no hours at all
        book(hours, starts_at=at(hours, 10), clinician=hours.unassigned_clinician)


def test_a_clinician_of_another_clinic_cannot_be_booked(hours: World, frozen: Any) -> None:
    with pytest.raises(BookingRefused):
        book(hours, starts_at=at(hours, 10), clinician=hours.other_clinic_clinician)


def test_patients_cancel_only_outside_the_window(hours: World, frozen: Any) -> None:
    # Now is Monday 10:00 Sydney; the window is 24 hours.
    soon = book(hours, starts_at=at(hours, 9, day=date(2026, 6, 2)))  # 23 hours away
    later = book(hours, starts_at=at(hours, 11, day=date(2026, 6, 2)))  # 25 hours away
    with pytest.raises(BookingRefused, match="less than 24 hours"):
        appointment_cancel(actor=hours.patient_user, appointment=soon, by_patient=True)
    cancelled = appointment_cancel(actor=hours.patient_user, appointment=later, by_patient=True)
    assert cancelled.status == "cancelled"
    assert cancelled.sequence == 1
    assert cancelled.claims.count() == 0  # the time is free again
    assert appointment_cancel(actor=hours.admin, appointment=soon, by_patient=False).status == (
        "cancelled"
    )


def test_rescheduling_moves_the_claims_and_frees_the_old_time(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=at(hours, 10))
    moved = appointment_reschedule(
        actor=hours.patient_user,
        appointment=appointment,
        clinician=hours.clinician,
        starts_at=at(hours, 10, 15),  # overlaps its own old time, which is fine
        by_patient=True,
        rules=rules_for_public(hours.clinic),
    )
    assert moved.starts_at == at(hours, 10, 15)
    assert moved.sequence == 1
    assert sorted(c.cell_start for c in moved.claims.all()) == [
        at(hours, 10, 15),
        at(hours, 10, 30),
    ]
    book(hours, starts_at=at(hours, 9, 45), patient=hours.other_patient)  # the old start is free


def test_rescheduling_onto_a_taken_time_changes_nothing(hours: World, frozen: Any) -> None:
    mine = book(hours, starts_at=at(hours, 10))
    book(hours, starts_at=at(hours, 11), patient=hours.other_patient)
    with pytest.raises(SlotTaken):
        appointment_reschedule(
            actor=hours.patient_user,
            appointment=mine,
            clinician=hours.clinician,
            starts_at=at(hours, 11),
            by_patient=True,
            rules=rules_for_public(hours.clinic),
        )
    mine.refresh_from_db()
    assert mine.starts_at == at(hours, 10)
    assert mine.claims.count() == 2


def test_patients_hold_at_most_four_upcoming_appointments(hours: World, frozen: Any) -> None:
    review = kind(hours.clinic)
    for hour in (9, 10, 11, 12):
        appointment_book(
            actor=hours.patient_user,
            clinic=hours.clinic,
            patient=hours.patient,
            clinician=hours.clinician,
            kind=review,
            starts_at=at(hours, hour),
            source="patient",
            rules=rules_for_public(hours.clinic),
        )
    with pytest.raises(BookingRefused, match="already have 4"):
        appointment_book(
            actor=hours.patient_user,
            clinic=hours.clinic,
            patient=hours.patient,
            clinician=hours.clinician,
            kind=review,
            starts_at=at(hours, 13),
            source="patient",
            rules=rules_for_public(hours.clinic),
        )


def test_fortnightly_reviews_are_booked_all_or_nothing(hours: World, frozen: Any) -> None:
    series = appointment_series_book(
        actor=hours.clinician,
        clinic=hours.clinic,
        patient=hours.patient,
        clinician=hours.clinician,
        kind=kind(hours.clinic),
        first_start=at(hours, 9),
        every_weeks=2,
        count=6,
    )
    assert [a.starts_at for a in series] == [
        at(hours, 9, day=WED + timedelta(weeks=2 * i)) for i in range(6)
    ]
    assert len({a.series_id for a in series}) == 1
    # A second series clashing on its fourth date books nothing at all.
    with pytest.raises(SeriesUnavailable) as refused:
        appointment_series_book(
            actor=hours.clinician,
            clinic=hours.clinic,
            patient=hours.other_patient,
            clinician=hours.clinician,
            kind=kind(hours.clinic),
            first_start=at(hours, 9, day=WED - timedelta(weeks=1)) + timedelta(weeks=0),
            every_weeks=1,
            count=4,
        )
    assert "Nothing was booked" in refused.value.message
    assert Appointment.objects.filter(patient=hours.other_patient).count() == 0


def test_a_sydney_series_keeps_nine_oclock_when_daylight_saving_starts(
    hours: World, frozen: Any
) -> None:
    # Sydney moves to AEDT on Sunday 4 October 2026. Weekly Wednesdays from 23 September.
    first = local(hours.clinic, date(2026, 9, 23), time(9))
    series = appointment_series_book(
        actor=hours.clinician,
        clinic=hours.clinic,
        patient=hours.patient,
        clinician=hours.clinician,
        kind=kind(hours.clinic),
        first_start=first,
        every_weeks=1,
        count=3,
    )
    zone = hours.clinic.time_zone
    from zoneinfo import ZoneInfo

    assert [a.starts_at.astimezone(ZoneInfo(zone)).strftime("%d %b %H:%M") for a in series] == [
        "23 Sep 09:00",
        "30 Sep 09:00",
        "07 Oct 09:00",
    ]
    assert series[2].starts_at - series[1].starts_at == timedelta(days=7, hours=-1)


# --- Through the pages -----------------------------------------------------------------------


def book_url(world: World, day: date = WED) -> str:
    return f"{reverse('appointments:book_review')}?kind={kind(world.clinic).public_id}&day={day}"


def test_a_patient_books_a_review_from_the_page(hours: World, frozen: Any) -> None:
    client = client_for(hours.patient_user)
    page = client.get(book_url(hours))
    assert page.status_code == 200
    assert "The first free time" in page.content.decode()
    token = slot_token(hours.clinician.public_id, at(hours, 9))
    response = client.post(book_url(hours), {"slot": token})
    appointment = Appointment.objects.get(patient=hours.patient)
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments:detail", args=[appointment.public_id])
    assert appointment.source == "patient"


def test_a_taken_slot_answers_409_with_fresh_times(hours: World, frozen: Any) -> None:
    book(hours, starts_at=at(hours, 9), patient=hours.other_patient)
    token = slot_token(hours.clinician.public_id, at(hours, 9))
    response = client_for(hours.patient_user).post(book_url(hours), {"slot": token})
    body = response.content.decode()
    assert response.status_code == 409
    assert "That time was just taken — please choose another." in body
    assert "There is a problem" in body
    assert token not in body  # the fresh list no longer offers it
    assert Appointment.objects.filter(patient=hours.patient).count() == 0


@pytest.mark.parametrize("slot", ["", "garbage", "x" * 200, "0123-2026"])
def test_bad_slot_input_answers_400_and_writes_nothing(
    hours: World, frozen: Any, slot: str
) -> None:
    response = client_for(hours.patient_user).post(book_url(hours), {"slot": slot})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Appointment.objects.count() == 0


@pytest.mark.parametrize("stamp", ["000101010000", "999912312345"])
def test_a_slot_of_the_right_shape_centuries_away_is_refused_with_a_message(
    hours: World, frozen: Any, stamp: str
) -> None:
    token = f"{hours.clinician.public_id.hex}-{stamp}"
    staff_url = reverse("appointments:staff_book", args=[hours.patient.public_id])
    for client, url, data in (
        (client_for(hours.patient_user), book_url(hours), {"slot": token}),
        (client_for(hours.clinician), staff_url, {"slot": token, "repeat": "0", "count": "1"}),
        (client_for(hours.clinician), staff_url, {"slot": token, "repeat": "2", "count": "6"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Choose one of the times shown" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_a_bad_date_in_the_search_answers_400(hours: World, frozen: Any) -> None:
    response = client_for(hours.patient_user).get(
        f"{reverse('appointments:book_review')}?day=2026-02-31"
    )
    assert response.status_code == 400
    assert "Enter a real date" in response.content.decode()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_search_from_a_day_centuries_away_shows_the_bookable_days(
    hours: World, frozen: Any, day: str
) -> None:
    for client, path in (
        (client_for(hours.patient_user), reverse("appointments:book_review")),
        (
            client_for(hours.clinician),
            reverse("appointments:staff_book", args=[hours.patient.public_id]),
        ),
        (Client(), reverse("booking:clinic", args=[hours.clinic.public_id])),
    ):
        assert client.get(f"{path}?day={day}").status_code == 200


def test_a_patient_moves_a_review_from_the_page(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=at(hours, 10))
    url = reverse("appointments:reschedule", args=[appointment.public_id]) + f"?day={WED}"
    client = client_for(hours.patient_user)
    assert client.get(url).status_code == 200
    token = slot_token(hours.clinician.public_id, at(hours, 14))
    response = client.post(url, {"slot": token})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(hours, 14)


def test_inside_the_window_the_patient_is_told_to_phone(hours: World, frozen: Any) -> None:
    soon = book(hours, starts_at=at(hours, 9, day=date(2026, 6, 2)))
    client = client_for(hours.patient_user)
    for name in ("appointments:reschedule", "appointments:cancel"):
        url = reverse(name, args=[soon.public_id])
        assert "Please phone the clinic" in client.get(url).content.decode()
        assert client.post(url, {"slot": "x"}).status_code == 409
    soon.refresh_from_db()
    assert soon.status == "booked"


def test_a_patient_cancels_and_staff_cancel_inside_the_window(hours: World, frozen: Any) -> None:
    later = book(hours, starts_at=at(hours, 10))
    soon = book(hours, starts_at=at(hours, 9, day=date(2026, 6, 2)))
    response = client_for(hours.patient_user).post(
        reverse("appointments:cancel", args=[later.public_id])
    )
    assert response.status_code == 302
    response = client_for(hours.clinician).post(
        reverse("appointments:cancel", args=[soon.public_id])
    )
    assert response.status_code == 302
    assert set(Appointment.objects.values_list("status", flat=True)) == {"cancelled"}


def test_another_patient_cannot_touch_the_appointment(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=at(hours, 10))
    client = client_for(hours.other_patient_user)
    for name in ("appointments:detail", "appointments:reschedule", "appointments:cancel"):
        url = reverse(name, args=[appointment.public_id])
        assert client.get(url).status_code == 404
        if name != "appointments:detail":
            assert client.post(url).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    assert AuditEvent.objects.filter(category="denied", action="record.probe").count() == 5


def test_staff_reads_of_an_appointment_are_audited(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=at(hours, 10))
    client_for(hours.unassigned_clinician).get(
        reverse("appointments:detail", args=[appointment.public_id])
    )
    assert AuditEvent.objects.filter(
        category="read", action="appointment.view", patient=hours.patient
    ).exists()


def test_staff_book_six_fortnightly_reviews_from_the_page(hours: World, frozen: Any) -> None:
    url = (
        reverse("appointments:staff_book", args=[hours.patient.public_id])
        + f"?kind={kind(hours.clinic).public_id}&day={WED}"
    )
    token = slot_token(hours.clinician.public_id, at(hours, 9))
    client = client_for(hours.clinician)
    response = client.post(url, {"slot": token, "repeat": "2", "count": "6"})
    assert response.status_code == 302
    assert Appointment.objects.filter(patient=hours.patient).count() == 6
    bad = client.post(url, {"slot": token, "repeat": "2", "count": "40"})
    assert bad.status_code == 400
    assert Appointment.objects.filter(patient=hours.patient).count() == 6
    clash = client.post(url, {"slot": token, "repeat": "0", "count": "1"})
    assert clash.status_code == 409


def test_staff_of_another_clinic_cannot_book_for_the_patient(hours: World, frozen: Any) -> None:
    url = reverse("appointments:staff_book", args=[hours.patient.public_id])
    token = slot_token(hours.clinician.public_id, at(hours, 9))
    response = client_for(hours.other_clinic_clinician).post(url, {"slot": token, "count": "1"})
    assert response.status_code == 404
    assert Appointment.objects.count() == 0


def test_staff_rules_allow_booking_beyond_the_patient_horizon(hours: World, frozen: Any) -> None:
    far = at(hours, 10, day=WED + timedelta(days=120))
    appointment = appointment_book(
        actor=hours.clinician,
        clinic=hours.clinic,
        patient=hours.patient,
        clinician=hours.clinician,
        kind=kind(hours.clinic),
        starts_at=far,
        source="staff",
        rules=rules_for_staff(),
    )
    assert appointment.starts_at == far
    with pytest.raises(SlotTaken):
        appointment_book(
            actor=hours.patient_user,
            clinic=hours.clinic,
            patient=hours.patient,
            clinician=hours.clinician,
            kind=kind(hours.clinic),
            starts_at=far + timedelta(hours=1),
            source="patient",
            rules=rules_for_public(hours.clinic),
        )


def test_a_cancelled_appointment_cannot_be_moved(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=at(hours, 10))
    appointment_cancel(actor=hours.admin, appointment=appointment, by_patient=False)
    with pytest.raises(BookingRefused, match="cancelled"):
        appointment_reschedule(
            actor=hours.patient_user,
            appointment=appointment,
            clinician=hours.clinician,
            starts_at=at(hours, 11),
            by_patient=True,
            rules=rules_for_public(hours.clinic),
        )
