"""Reminders: chosen times in the clinic's zone, sent once each, never when already done."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from sitbone.diary.models import MorningCheck, ReminderDelivery, ReminderPreference, SessionLog
from sitbone.diary.services import reminders_send
from sitbone.patients.models import Patient
from tests.conftest import World

# Australia/Sydney is UTC+11 in November: 07:30 local is 20:30 UTC the day before.
SEVEN_THIRTY = dt.datetime(2026, 11, 10, 20, 30, tzinfo=dt.UTC)  # Wednesday 11 Nov locally


@pytest.fixture
def preference(world: World) -> ReminderPreference:
    return ReminderPreference.objects.create(
        patient=world.patient,
        clinic=world.clinic,
        session_time=dt.time(7, 0),
        session_days=[3],
        checkin_time=dt.time(7, 15),
        email_enabled=True,
    )


def run_command(at: dt.datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command("send_patient_reminders", stdout=out)
    return out.getvalue()


def test_the_session_reminder_goes_once_even_when_cron_runs_twice(
    world: World, preference: ReminderPreference
) -> None:
    first = run_command(SEVEN_THIRTY)
    second = run_command(SEVEN_THIRTY + dt.timedelta(minutes=10))
    assert "sent 1" in first and "sent 0" in second
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.patient_user.email]
    assert "/me/session/" in mail.outbox[0].body
    assert ReminderDelivery.objects.filter(patient=world.patient, kind="session").count() == 1


def test_the_check_in_reminder_goes_only_after_a_session_and_only_until_done(
    world: World, preference: ReminderPreference, programme: Any
) -> None:
    SessionLog.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        programme=programme,
        performed_on=dt.date(2026, 11, 10),
        pain_during=2,
        pain_after=2,
    )
    run_command(SEVEN_THIRTY)
    kinds = sorted(ReminderDelivery.objects.values_list("kind", flat=True))
    assert kinds == ["checkin", "session"]
    MorningCheck.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        checked_on=dt.date(2026, 11, 11),
        task="bridge_single_leg_short_lever",
        pain=1,
    )
    ReminderDelivery.objects.all().delete()
    run_command(SEVEN_THIRTY + dt.timedelta(minutes=5))
    assert list(ReminderDelivery.objects.values_list("kind", flat=True)) == ["session"]


def test_no_reminder_before_its_time_on_another_day_or_long_after(
    world: World, preference: ReminderPreference
) -> None:
    run_command(SEVEN_THIRTY - dt.timedelta(hours=1))  # 06:30
    run_command(SEVEN_THIRTY + dt.timedelta(days=1))  # Thursday
    run_command(SEVEN_THIRTY + dt.timedelta(hours=4))  # 11:30, too late
    assert len(mail.outbox) == 0


def test_no_session_reminder_when_the_session_is_already_logged(
    world: World, preference: ReminderPreference, programme: Any
) -> None:
    SessionLog.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        programme=programme,
        performed_on=dt.date(2026, 11, 11),
        pain_during=2,
        pain_after=2,
    )
    run_command(SEVEN_THIRTY)
    assert ReminderDelivery.objects.filter(kind="session").count() == 0


def test_a_failed_send_is_recorded_and_retried_by_the_next_run(
    world: World, preference: ReminderPreference
) -> None:
    def broken(patient: Any, kind: str) -> None:
        raise OSError("mail server down")

    result = reminders_send(now=SEVEN_THIRTY, send=broken)
    assert (result.sent, result.failed) == (0, 1)
    failed = ReminderDelivery.objects.get()
    assert (failed.status, failed.attempts, failed.last_error) == (
        "failed",
        1,
        "OSError while sending",
    )
    assert "sent 1" in run_command(SEVEN_THIRTY)
    retried = ReminderDelivery.objects.get()
    assert (retried.status, retried.attempts, retried.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("case", ["email off", "discharged", "unlinked"])
def test_no_reminders_for_email_off_discharged_or_unlinked_patients(
    world: World, preference: ReminderPreference, case: str
) -> None:
    if case == "email off":
        preference.email_enabled = False
        preference.save()
    elif case == "discharged":
        Patient.objects.filter(pk=world.patient.pk).update(discharged_on=dt.date(2026, 11, 1))
    else:
        Patient.objects.filter(pk=world.patient.pk).update(user=None)
    run_command(SEVEN_THIRTY)
    assert len(mail.outbox) == 0


def test_the_patient_chooses_times_and_days(world: World, clock: Any) -> None:
    client = Client()
    client.force_login(world.patient_user)
    response = client.post(
        "/me/reminders/",
        {
            "session_time": "18:00",
            "session_days": ["1", "3", "5"],
            "checkin_time": "07:30",
            "email_enabled": "on",
        },
    )
    assert response.status_code == 302
    saved = ReminderPreference.objects.get(patient=world.patient)
    assert (saved.session_time, saved.session_days, saved.checkin_time) == (
        dt.time(18, 0),
        [1, 3, 5],
        dt.time(7, 30),
    )


@pytest.mark.parametrize(
    "data",
    [
        {"session_time": "25:00"},
        {"session_time": "18:00"},
        {"session_time": "18:00", "session_days": ["8"]},
        {"checkin_time": "<script>"},
    ],
)
def test_bad_reminder_settings_are_refused(world: World, clock: Any, data: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world.patient_user)
    response = client.post("/me/reminders/", data)
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"<script>" not in response.content.split(b"<body")[1]
    assert not ReminderPreference.objects.exists()
