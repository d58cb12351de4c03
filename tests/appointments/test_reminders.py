"""Reminders: one email per appointment 24 hours ahead, with a calendar file; failures retried."""

from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from sitbone.appointments import services
from sitbone.appointments.models import ReminderDelivery
from sitbone.appointments.selectors import rules_for_staff
from sitbone.appointments.services import (
    REMINDER_MAX_ATTEMPTS,
    appointment_cancel,
    appointment_reschedule,
    reminders_send_due,
)
from tests.appointments.conftest import NOW
from tests.appointments.factories import book, local
from tests.conftest import World

TUESDAY = date(2026, 6, 2)  # the day after NOW (Monday 10:00 Sydney)


def test_each_appointment_due_within_24_hours_gets_one_email(hours: World, frozen: Any) -> None:
    due = book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))  # 23 h away
    book(hours, starts_at=local(hours.clinic, TUESDAY, time(11)), patient=hours.other_patient)
    assert reminders_send_due().sent == 1
    assert reminders_send_due().sent == 0  # a second run sends nothing
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [hours.patient.email]
    assert "Tuesday 2 June at 09:00" in message.body
    assert "Australia/Sydney" in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    event = Calendar.from_ical(content).events[0]
    assert event.uid == f"{due.public_id}@sitbone"
    delivery = ReminderDelivery.objects.get(appointment=due)
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_the_command_runs_twice_and_sends_once(hours: World, frozen: Any) -> None:
    book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)
    assert len(mail.outbox) == 1
    assert "1 sent" in out.getvalue()
    assert "0 sent" in out.getvalue()


def test_the_cli_accepts_the_dashed_name() -> None:
    from sitbone import cli

    called: list[list[str]] = []
    original = cli.django_setup
    try:
        cli.django_setup = lambda: None  # type: ignore[assignment]
        import django.core.management as management

        saved = management.execute_from_command_line
        management.execute_from_command_line = called.append  # type: ignore[assignment]
        cli.main(["send-reminders"])
    finally:
        cli.django_setup = original  # type: ignore[assignment]
        management.execute_from_command_line = saved  # type: ignore[assignment]
    assert called == [["sitbone", "send_reminders"]]


def test_a_failed_send_is_recorded_and_retried_next_run(
    hours: World, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    appointment = book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))
    real = services._reminder_email

    def broken(_: Any) -> Any:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(services, "_reminder_email", broken)
    report = reminders_send_due()
    delivery = ReminderDelivery.objects.get(appointment=appointment)
    assert (report.sent, report.failed) == (0, 1)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "mail server down" in delivery.last_error

    monkeypatch.setattr(services, "_reminder_email", real)
    assert reminders_send_due().sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_it_gives_up(
    hours: World, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    appointment = book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))

    def broken(_: Any) -> Any:
        raise OSError("still down")

    monkeypatch.setattr(services, "_reminder_email", broken)
    for _ in range(REMINDER_MAX_ATTEMPTS + 2):
        reminders_send_due()
    delivery = ReminderDelivery.objects.get(appointment=appointment)
    assert delivery.attempts == REMINDER_MAX_ATTEMPTS
    assert reminders_send_due().gave_up == 1


def test_a_reminder_stuck_mid_send_is_taken_again_later(hours: World) -> None:
    with time_machine.travel(NOW, tick=False):
        appointment = book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))
        ReminderDelivery.objects.create(
            appointment=appointment,
            kind="email_24h",
            status="sending",
            attempts=1,
            last_attempt_at=NOW,
        )
        assert reminders_send_due().sent == 0  # another run may be sending it right now
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        assert reminders_send_due().sent == 1


def test_cancelled_appointments_get_no_reminder_and_moved_ones_get_a_new_one(
    hours: World, frozen: Any
) -> None:
    cancelled = book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))
    appointment_cancel(actor=hours.admin, appointment=cancelled, by_patient=False)
    moved = book(hours, starts_at=local(hours.clinic, TUESDAY, time(9)))  # the freed time
    assert reminders_send_due().sent == 1
    appointment_reschedule(
        actor=hours.admin,
        appointment=moved,
        clinician=hours.clinician,
        starts_at=local(hours.clinic, TUESDAY, time(9, 30)),
        by_patient=False,
        rules=rules_for_staff(),
    )
    assert reminders_send_due().sent == 1
    assert "09:30" in mail.outbox[-1].body
