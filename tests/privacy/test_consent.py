"""Consent: agreed at sign-up, shown and changed on the patient's privacy page, visible to staff,
and obeyed by the reminder emails."""

from __future__ import annotations

import datetime as dt
import re
from datetime import time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from sitbone.clinics.models import AuditEvent
from sitbone.privacy.models import ConsentRecord
from tests.conftest import World
from tests.privacy.factories import signed_in

# --- Sign-up flows ---------------------------------------------------------------------------


def finish_symptom_check(client: Client) -> None:
    from tests.screening.test_check import ROUTINE_YES, answer_all

    answer_all(client, ROUTINE_YES)


REGISTRATION = {
    "full_name": "Robin Runner",
    "email": "robin@example.test",
    "affected_side": "right",
    "password1": "a long and happy passphrase",
    "password2": "a long and happy passphrase",
}


def test_signing_up_records_the_terms_of_care_the_person_agreed_to(world: World) -> None:
    from sitbone.patients.models import Patient

    client = Client()
    finish_symptom_check(client)
    page = client.get("/register/")
    assert b"I agree to the terms of care" in page.content
    assert b"Only staff at your clinic can open your record" in page.content
    data = {**REGISTRATION, "consent": "on", "clinic": str(world.clinic.public_id)}
    assert client.post("/register/", data).status_code == 302
    patient = Patient.objects.get(email="robin@example.test")
    (record,) = ConsentRecord.objects.filter(patient=patient)
    assert (record.purpose, record.given, record.source) == ("care", True, "sign_up")
    assert record.recorded_by == patient.user
    assert record.text.version == 1
    assert AuditEvent.objects.filter(action="consent.given", patient=patient).count() == 1


def test_signing_up_without_ticking_the_box_is_refused_and_creates_nothing(world: World) -> None:
    from sitbone.accounts.models import User

    client = Client()
    finish_symptom_check(client)
    data = {**REGISTRATION, "clinic": str(world.clinic.public_id)}
    response = client.post("/register/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "<title>Error:" in html
    assert "Tick the box to agree to the terms of care" in html
    assert not User.objects.filter(email="robin@example.test").exists()
    assert not ConsentRecord.objects.exists()


def patient_invitation(world: World) -> tuple[Any, str]:
    from sitbone.clinics.services import invitation_create
    from sitbone.patients.models import Patient

    patient = Patient.objects.create(
        clinic=world.clinic, full_name="Nina New", email="nina@new.test"
    )
    return invitation_create(
        actor=world.clinician,
        clinic=world.clinic,
        email=patient.email,
        full_name=patient.full_name,
        kind="patient",
        patient=patient,
    )


ACCEPT = {
    "full_name": "Nina New",
    "password1": "a calm walk by the sea",
    "password2": "a calm walk by the sea",
}


def test_accepting_a_patient_invitation_needs_the_terms_of_care(world: World) -> None:
    from sitbone.accounts.models import User

    invitation, token = patient_invitation(world)
    refused = Client().post(f"/accounts/invite/{token}/", ACCEPT)
    assert refused.status_code == 400
    assert b"Tick the box to agree to the terms of care" in refused.content
    assert b"<title>Error:" in refused.content
    assert not User.objects.filter(email="nina@new.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None

    accepted = Client().post(f"/accounts/invite/{token}/", {**ACCEPT, "consent": "on"})
    assert accepted.status_code == 302
    record = ConsentRecord.objects.get(patient=invitation.patient)
    assert (record.purpose, record.given, record.source) == ("care", True, "invitation")
    assert record.recorded_by is not None and record.recorded_by.email == "nina@new.test"


def test_staff_invitations_ask_no_patient_consent(world: World) -> None:
    from sitbone.clinics.services import invitation_create

    _, token = invitation_create(
        actor=world.admin, clinic=world.clinic, email="s@x.test", full_name="S", kind="clinician"
    )
    page = Client().get(f"/accounts/invite/{token}/")
    assert b"terms of care" not in page.content


# --- The patient's privacy page --------------------------------------------------------------


def choices(**ticked: bool) -> dict[str, str]:
    return {"form": "choices", **{k: "on" for k, v in ticked.items() if v}}


def test_the_patient_sees_their_choices_with_the_wording(world: World) -> None:
    page = signed_in(world.patient_user).get("/me/privacy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reminder emails" in html and "Research and improving care" in html
    assert re.search(r'name="email_reminders"[^>]*checked', html)  # on until withdrawn
    assert not re.search(r'name="research"[^>]*checked', html)  # needs a yes
    assert "We have no record of you agreeing" in html


def test_withdrawing_and_giving_consent_is_recorded_once_with_one_audit_event(
    world: World,
) -> None:
    client = signed_in(world.patient_user)
    response = client.post("/me/privacy/", choices(research=True))  # reminders unticked
    assert response.status_code == 302
    records = {r.purpose: r for r in ConsentRecord.objects.filter(patient=world.patient)}
    assert set(records) == {"email_reminders", "research"}
    assert records["email_reminders"].given is False
    assert records["research"].given is True
    assert records["research"].source == "privacy_page"
    assert records["research"].recorded_by == world.patient_user
    events = AuditEvent.objects.filter(action="consent.update", patient=world.patient)
    assert events.count() == 1
    assert "email_reminders withdrawn" in events.get().detail

    client.post("/me/privacy/", choices(research=True))  # the same again: nothing new
    assert ConsentRecord.objects.filter(patient=world.patient).count() == 2
    assert events.count() == 1

    client.post("/me/privacy/", choices(research=True, email_reminders=True))
    latest = ConsentRecord.objects.filter(patient=world.patient, purpose="email_reminders")
    assert [r.given for r in latest.order_by("-at", "-id")] == [True, False]
    history = client.get("/me/privacy/").content.decode()
    assert "Withdrawn" in history and "Agreed" in history


def test_a_patient_who_never_agreed_can_agree_to_the_terms_on_the_privacy_page(
    world: World,
) -> None:
    client = signed_in(world.patient_user)
    refused = client.post("/me/privacy/", {"form": "care"})
    assert refused.status_code == 400
    assert b"There is a problem" in refused.content
    assert not ConsentRecord.objects.exists()
    assert client.post("/me/privacy/", {"form": "care", "agree": "on"}).status_code == 302
    assert ConsentRecord.objects.get(patient=world.patient).purpose == "care"
    assert b"You agreed on" in client.get("/me/privacy/").content


def test_an_unknown_form_is_refused_with_a_message_and_changes_nothing(world: World) -> None:
    response = signed_in(world.patient_user).post("/me/privacy/", {"form": "everything"})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"We could not tell what you sent" in response.content
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "role",
    ["admin", "clinician", "unassigned_clinician", "other_clinic_clinician"],
)
def test_only_patients_have_a_privacy_page(world: World, role: str) -> None:
    client = signed_in(getattr(world, role))
    assert client.get("/me/privacy/").status_code == 404
    assert client.post("/me/privacy/", choices(research=True)).status_code == 404
    assert not ConsentRecord.objects.exists()


def test_each_patient_changes_only_their_own_choices(world: World) -> None:
    signed_in(world.other_patient_user).post("/me/privacy/", choices())
    assert not ConsentRecord.objects.filter(patient=world.patient).exists()
    assert ConsentRecord.objects.filter(patient=world.other_patient).count() == 1


def test_consent_records_cannot_be_changed_once_written(world: World) -> None:
    signed_in(world.patient_user).post("/me/privacy/", choices())
    record = ConsentRecord.objects.get()
    record.given = True
    with pytest.raises(ValidationError):
        record.save()


# --- Staff see the state ---------------------------------------------------------------------


def test_staff_see_the_consent_state_on_the_patient_page(world: World) -> None:
    signed_in(world.patient_user).post("/me/privacy/", choices(research=True))
    page = signed_in(world.clinician).get(f"/clinic/patients/{world.patient.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Consent" in html
    assert "Reminder emails</dt>\n    <dd>Withdrawn" in html
    assert "Research and improving care</dt>\n    <dd>Agreed" in html
    assert "Terms of care and use of your information</dt>\n    <dd>Not recorded" in html


# --- Reminders obey the choice ---------------------------------------------------------------


def test_withdrawing_reminder_emails_stops_appointment_reminders(world: World) -> None:
    from sitbone.appointments.services import reminders_send_due
    from tests.appointments.conftest import NOW
    from tests.appointments.factories import book, local, working_hours

    working_hours(world.clinic, world.clinician)
    with time_machine.travel(NOW, tick=False):
        book(world, starts_at=local(world.clinic, dt.date(2026, 6, 2), time(9)))
        signed_in(world.patient_user).post("/me/privacy/", choices())
        assert reminders_send_due().sent == 0
        assert mail.outbox == []
        signed_in(world.patient_user).post("/me/privacy/", choices(email_reminders=True))
        assert reminders_send_due().sent == 1
    assert mail.outbox[0].to == [world.patient.email]


def test_withdrawing_reminder_emails_stops_exercise_reminders(world: World) -> None:
    from sitbone.diary.models import ReminderPreference
    from sitbone.diary.services import reminders_send

    ReminderPreference.objects.create(
        patient=world.patient,
        clinic=world.clinic,
        session_time=dt.time(7, 0),
        session_days=[3],
        email_enabled=True,
    )
    sent: list[tuple[Any, str]] = []
    seven_thirty = dt.datetime(2026, 11, 10, 20, 30, tzinfo=dt.UTC)  # Wednesday in Sydney
    signed_in(world.patient_user).post("/me/privacy/", choices())
    reminders_send(now=seven_thirty, send=lambda patient, kind: sent.append((patient, kind)))
    assert sent == []
    signed_in(world.patient_user).post("/me/privacy/", choices(email_reminders=True))
    reminders_send(now=seven_thirty, send=lambda patient, kind: sent.append((patient, kind)))
    assert sent == [(world.patient, "session")]


def test_a_post_naming_no_form_withdraws_nothing(world: World) -> None:
    """Unticked boxes are absent from a post, so a post that does not say it is the choices form
    must not be read as one with nothing ticked."""
    client = signed_in(world.patient_user)
    client.post("/me/privacy/", choices(email_reminders=True, research=True))
    before = ConsentRecord.objects.count()
    response = client.post("/me/privacy/", {})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert ConsentRecord.objects.count() == before
