"""Calendar feeds: private, revocable, minimal, and correct about time zones."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from sitbone.appointments.ics import appointments_ics
from sitbone.appointments.models import CalendarFeed
from sitbone.appointments.selectors import rules_for_staff
from sitbone.appointments.services import (
    appointment_cancel,
    appointment_reschedule,
    calendar_feed_issue,
)
from sitbone.clinics.models import AuditEvent
from tests.appointments.factories import book, local
from tests.conftest import World

SYDNEY = ZoneInfo("Australia/Sydney")
WED = date(2026, 6, 3)


def issue_via_page(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("appointments:calendar"), {"action": "issue"})
    assert response.status_code == 200
    match = re.search(
        r'value="(http://testserver/appointments/feed/[^"]+\.ics)"', response.content.decode()
    )
    assert match, "the new address is shown once"
    return match.group(1).removeprefix("http://testserver")


def test_an_event_round_trips_with_its_zone_and_a_stable_uid(hours: World, frozen: Any) -> None:
    appointment = book(hours, starts_at=local(hours.clinic, WED, time(10)))
    first = Calendar.from_ical(appointments_ics([appointment], audience="patient", name="Mine"))
    [timezone] = first.timezones
    event = first.events[0]
    assert timezone.tz_name == "Australia/Sydney"
    assert event["DTSTART"].params["TZID"] == "Australia/Sydney"
    assert event.start == datetime(2026, 6, 3, 10, tzinfo=SYDNEY)
    assert event.start.utcoffset() == timedelta(hours=10)  # AEST in June
    assert event.end == datetime(2026, 6, 3, 10, 30, tzinfo=SYDNEY)
    assert event.uid == f"{appointment.public_id}@sitbone"

    moved = appointment_reschedule(
        actor=hours.admin,
        appointment=appointment,
        clinician=hours.clinician,
        starts_at=local(hours.clinic, WED, time(14)),
        by_patient=False,
        rules=rules_for_staff(),
    )
    again = Calendar.from_ical(appointments_ics([moved], audience="patient", name="Mine")).events[0]
    assert again.uid == event.uid  # calendars replace the event instead of adding a second
    assert again.sequence == 1
    assert again.start == datetime(2026, 6, 3, 14, tzinfo=SYDNEY)


def test_an_event_in_the_week_sydney_changes_its_clocks_keeps_local_time(
    hours: World, frozen: Any
) -> None:
    appointment = book(hours, starts_at=local(hours.clinic, date(2026, 10, 5), time(9)))
    calendar = Calendar.from_ical(appointments_ics([appointment], audience="patient", name="x"))
    event = calendar.events[0]
    assert event.start == datetime(2026, 10, 5, 9, tzinfo=SYDNEY)
    assert event.start.utcoffset().total_seconds() == 11 * 3600  # AEDT after 4 October


def test_the_clinician_feed_shows_first_names_and_types_only(hours: World, frozen: Any) -> None:
    book(hours, starts_at=local(hours.clinic, WED, time(10)))
    url = issue_via_page(hours.clinician)
    response = Client().get(url)  # a calendar app, not signed in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    events = Calendar.from_ical(response.content).events
    assert [str(e["SUMMARY"]) for e in events] == ["Pat — Review"]
    assert "Patient" not in body.replace("Pat — Review", "")  # no surname
    assert hours.patient.email not in body
    assert AuditEvent.objects.filter(action="calendar_feed.read").exists()


def test_the_patient_feed_shows_clinic_and_type(hours: World, frozen: Any) -> None:
    book(hours, starts_at=local(hours.clinic, WED, time(10)))
    cancelled = book(hours, starts_at=local(hours.clinic, WED, time(11)))
    appointment_cancel(actor=hours.admin, appointment=cancelled, by_patient=False)
    response = Client().get(issue_via_page(hours.patient_user))
    events = Calendar.from_ical(response.content).events
    assert sorted((str(e["SUMMARY"]), str(e["STATUS"])) for e in events) == [
        ("Cancelled: Review — Harbour Physio", "CANCELLED"),
        ("Review — Harbour Physio", "CONFIRMED"),
    ]
    assert "Cleo" not in response.content.decode()


def test_a_new_address_revokes_the_old_one_and_turning_off_revokes_all(
    hours: World, frozen: Any
) -> None:
    old = issue_via_page(hours.patient_user)
    new = issue_via_page(hours.patient_user)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    client = Client()
    client.force_login(hours.patient_user)
    assert client.post(reverse("appointments:calendar"), {"action": "revoke"}).status_code == 302
    assert Client().get(new).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(category="denied", detail__contains="calendar feed").exists()


def test_tokens_are_stored_hashed(hours: World) -> None:
    token = calendar_feed_issue(
        actor=hours.clinician, clinic=hours.clinic, clinician=hours.clinician
    )
    feed = CalendarFeed.objects.get()
    assert token not in feed.token_hash
    assert len(feed.token_hash) == 64


def test_an_unknown_action_on_the_calendar_page_is_refused_with_a_message(hours: World) -> None:
    client = Client()
    client.force_login(hours.clinician)
    for data in ({"action": "steal"}, {}):
        response = client.post(reverse("appointments:calendar"), data)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
        assert "Choose one of the buttons" in response.content.decode()
    assert CalendarFeed.objects.count() == 0


def test_a_clinician_who_leaves_the_clinic_loses_the_feed(hours: World, frozen: Any) -> None:
    from sitbone.clinics.models import Membership

    url = issue_via_page(hours.clinician)
    assert Client().get(url).status_code == 200
    Membership.objects.filter(user=hours.clinician).delete()
    assert Client().get(url).status_code == 404
