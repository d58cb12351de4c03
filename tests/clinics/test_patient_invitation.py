"""A new invitation for a patient who has no account yet: after the first expired, or to a
corrected address. Only the newest link works; each is audited; an address that cannot take it
is refused with a message and changes nothing; a mail server that is down loses nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import time_machine
from django.core import mail

from sitbone.clinics.models import AuditEvent, Invitation
from sitbone.patients.models import Patient
from tests.conftest import World, signed_in
from tests.mail import MAIL_SERVER_DOWN
from tests.web.test_accounts import NEW_PATIENT

ADDED = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)


def link_in(message: Any) -> str:
    found = re.search(r"http://testserver(/accounts/invite/[^\s]+/)", message.body)
    assert found, message.body
    return found[1]


def added(world: World) -> Patient:
    """Nina is added at ADDED and invited; the invitation email is read and cleared."""
    with time_machine.travel(ADDED, tick=False):
        signed_in(world.clinician).post("/clinic/patients/new/", NEW_PATIENT)
    return Patient.objects.get(email=NEW_PATIENT["email"])


def invitation_url(patient: Patient) -> str:
    return f"/clinic/patients/{patient.public_id}/invitation/"


def test_an_expired_invitation_is_replaced_and_only_the_new_link_works(world: World) -> None:
    nina = added(world)
    (first,) = mail.outbox
    old_link = link_in(first)
    mail.outbox.clear()
    later = ADDED + dt.timedelta(days=8)
    with time_machine.travel(later, tick=False):
        clinician = signed_in(world.clinician)
        overview = clinician.get(f"/clinic/patients/{nina.public_id}/").content.decode()
        assert "Send a new invitation" in overview
        page = clinician.get(invitation_url(nina)).content.decode()
        assert "The last invitation went to nina@new.test on 2 February 2026." in page
        assert "It stopped working on 9 February 2026." in page
        assert AuditEvent.objects.filter(
            action="patient.invitation_view", patient=nina, category="read"
        ).exists()

        response = clinician.post(invitation_url(nina), {"email": "nina@new.test"})

        assert response.status_code == 302
        assert "A new invitation was sent to nina@new.test. It works once, for 7 days." in (
            clinician.get(response["Location"]).content.decode()
        )
        (message,) = mail.outbox
        assert message.to == ["nina@new.test"]
        assert clinician.get(link_in(message)).status_code == 200
        assert clinician.get(old_link).status_code == 404
    event = AuditEvent.objects.get(action="patient.invitation_renew")
    assert event.patient == nina and event.actor == world.clinician
    assert event.detail == "new invitation"


def test_a_wrong_address_is_corrected_and_the_first_link_stops_working(world: World) -> None:
    nina = added(world)
    old_link = link_in(mail.outbox[0])
    mail.outbox.clear()
    clinician = signed_in(world.clinician)

    response = clinician.post(invitation_url(nina), {"email": "Nina@Right.test"})

    assert response.status_code == 302
    nina.refresh_from_db()
    assert nina.email == "nina@right.test"
    (message,) = mail.outbox
    assert message.to == ["nina@right.test"]
    assert clinician.get(old_link).status_code == 404  # it had days left, but is replaced
    assert clinician.get(link_in(message)).status_code == 200
    detail = AuditEvent.objects.get(action="patient.invitation_renew").detail
    assert detail == "new invitation to a corrected address"


def test_an_address_that_cannot_take_it_is_refused_and_nothing_changes(world: World) -> None:
    nina = added(world)
    mail.outbox.clear()
    clinician = signed_in(world.clinician)
    for email, message in (
        ("not an address", "Enter a valid email address."),
        (world.other_patient.email, "This clinic already has a patient with this email address."),
        (world.admin.email, "A Sitbone account already signs in with this address"),
    ):
        response = clinician.post(invitation_url(nina), {"email": email})
        assert response.status_code == 400, email
        text = response.content.decode()
        assert "There is a problem" in text and message in text, email
    assert Patient.objects.get(pk=nina.pk).email == "nina@new.test"
    assert Invitation.objects.filter(patient=nina).count() == 1
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="patient.invitation_renew").exists()


def test_a_patient_with_an_account_needs_no_invitation(world: World) -> None:
    response = signed_in(world.clinician).post(
        invitation_url(world.patient), {"email": "pat@elsewhere.test"}
    )
    assert response.status_code == 409
    assert "Pat Patient has an account already." in response.content.decode()
    assert Patient.objects.get(pk=world.patient.pk).email == world.patient.email


def test_with_the_mail_server_down_the_new_link_is_shown_instead(
    world: World, settings: Any
) -> None:
    nina = added(world)
    settings.MAILERS = MAIL_SERVER_DOWN
    clinician = signed_in(world.clinician)
    response = clinician.post(invitation_url(nina), {"email": "nina@new.test"}, follow=True)
    text = response.content.decode()
    assert "A new invitation was made, but the invitation email could not be sent" in text
    newest = Invitation.objects.filter(patient=nina).order_by("-created_at").first()
    assert newest is not None and newest.expires_at > newest.created_at
    found = re.search(r"http://testserver(/accounts/invite/[^\s<]+/)", text)
    assert found and clinician.get(found[1]).status_code == 200
