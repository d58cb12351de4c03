"""A sign-up never confirmed is deleted by the nightly purge once nothing has happened to it for
SITBONE_UNCONFIRMED_SIGN_UP_DAYS (30): every link sent restarts the count (staff reads do not:
triage shows the sign-up to every clinician), a confirmed account is a patient like any other,
and a record where staff started care waits for the clinic's retention period."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from sitbone.accounts.models import User
from sitbone.assessments.models import ClinicalNote
from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from sitbone.privacy.services import purge_expired
from sitbone.programmes.models import Programme
from tests.conftest import World
from tests.screening.test_check import ROUTINE_YES, answer_all
from tests.screening.test_register import GOOD, confirm_link

SIGNED_UP = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
DAYS = dt.timedelta(days=30)


def sign_up(world: World) -> Patient:
    """Riley signs up at SIGNED_UP and never opens the link."""
    with time_machine.travel(SIGNED_UP, tick=False):
        client = Client()
        answer_all(client, ROUTINE_YES)
        client.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    return Patient.objects.get(email="riley@example.test")


def purge(at: dt.datetime, **options: Any) -> Any:
    with time_machine.travel(at, tick=False):
        return purge_expired(**options)


def purge_events() -> Any:
    return AuditEvent.objects.filter(action="patient.retention_purge")


def test_the_sign_up_goes_30_days_after_its_link_with_everything_it_wrote(world: World) -> None:
    patient = sign_up(world)
    user_id, name = patient.user_id, patient.full_name
    assert AuditEvent.objects.filter(
        action="patient.confirmation_link", patient=patient, detail="sign-up link sent"
    ).exists()
    assert "deleted, with the details you gave, 30 days after" in mail.outbox[0].body

    assert purge(SIGNED_UP + DAYS - dt.timedelta(seconds=1)).purged == 0
    assert Patient.objects.filter(pk=patient.pk).exists()

    report = purge(SIGNED_UP + DAYS)

    assert report.purged == 1
    assert not Patient.objects.filter(pk=patient.pk).exists()
    assert not User.objects.filter(pk=user_id).exists()
    assert not Programme.objects.filter(patient_id=patient.pk).exists()
    event = purge_events().get()
    assert event.patient is None and event.actor is None and event.clinic == world.clinic
    assert "one sign-up deleted as it was never confirmed" in event.detail
    for detail in (name, "riley@example.test", str(patient.public_id)):
        assert detail not in event.detail
    (line,) = report.by_clinic[world.clinic.name]
    assert line.startswith(f"deleted sign-up {patient.public_id}")
    # the address is free again: the person can sign up afresh
    assert purge(SIGNED_UP + DAYS * 2).purged == 0


def test_a_link_sent_again_restarts_the_count_and_staff_reads_do_not(world: World) -> None:
    patient = sign_up(world)
    with time_machine.travel(SIGNED_UP + dt.timedelta(days=20), tick=False):
        client = Client()
        answer_all(client, ROUTINE_YES)
        client.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    assert purge(SIGNED_UP + DAYS + dt.timedelta(days=19)).purged == 0

    with time_machine.travel(SIGNED_UP + dt.timedelta(days=45), tick=False):
        admin = Client()
        admin.force_login(world.admin)
        page = admin.get(f"/clinic/patients/{patient.public_id}/").content.decode()
        assert admin.get("/clinic/").status_code == 200
    assert "the sign-up is deleted 30 days after the last link was sent" in page
    assert AuditEvent.objects.filter(patient=patient, action="patient.view").exists()

    assert purge(SIGNED_UP + dt.timedelta(days=49)).purged == 0
    assert purge(SIGNED_UP + dt.timedelta(days=50)).purged == 1
    assert not Patient.objects.filter(pk=patient.pk).exists()


def test_a_confirmed_sign_up_is_kept(world: World) -> None:
    patient = sign_up(world)
    with time_machine.travel(SIGNED_UP + dt.timedelta(days=2), tick=False):
        assert Client().post(confirm_link()).status_code == 302

    assert purge(SIGNED_UP + DAYS * 3).purged == 0
    patient.refresh_from_db()
    assert patient.user is not None and patient.user.is_active


def test_a_record_where_staff_started_care_waits_for_the_retention_period(world: World) -> None:
    patient = sign_up(world)
    with time_machine.travel(SIGNED_UP + dt.timedelta(days=1), tick=False):
        ClinicalNote.objects.create(
            clinic=world.clinic, patient=patient, author=world.clinician, text="Rang: no email."
        )

    assert purge(SIGNED_UP + DAYS * 4).purged == 0
    assert Patient.objects.filter(pk=patient.pk, user__isnull=False).exists()


def test_a_dry_run_and_the_cron_command_name_the_sign_up_by_id_only(world: World) -> None:
    patient = sign_up(world)
    out = StringIO()
    with time_machine.travel(SIGNED_UP + DAYS, tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"would delete sign-up {patient.public_id}" in text
    assert "Dry run: 1 would be purged; nothing changed." in text
    assert "Riley" not in text and "riley@" not in text
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert not purge_events().exists()

    out = StringIO()
    with time_machine.travel(SIGNED_UP + DAYS, tick=False):
        call_command("purge_expired", stdout=out)
    assert f"deleted sign-up {patient.public_id}" in out.getvalue()
    assert not Patient.objects.filter(pk=patient.pk).exists()


def test_the_days_are_a_setting(world: World, settings: Any) -> None:
    days = settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS = 7
    patient = sign_up(world)
    assert f"deleted, with the details you gave, {days} days after" in mail.outbox[0].body
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/clinic/privacy/").content.decode()
    assert f"Sign-ups never confirmed are deleted {days} days after the last link" in page

    assert purge(SIGNED_UP + dt.timedelta(days=days)).purged == 1
    assert not Patient.objects.filter(pk=patient.pk).exists()
