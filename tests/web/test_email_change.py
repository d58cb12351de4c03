"""A person moves their sign-in to a new address: asked for with the password, confirmed from a
link sent to the new address while signed in, and told to the old one afterwards."""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any
from unittest import mock
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from sitbone.accounts.models import User
from sitbone.accounts.services import EMAIL_CHANGE_HOURS
from sitbone.clinics.models import AuditEvent
from tests.conftest import PASSWORD, World, signed_in
from tests.mail import MAIL_SERVER_DOWN

NEW = "pat.new@example.test"
SENT = "We sent a link to"


@pytest.fixture(autouse=True)
def _no_even_timing(settings: Any) -> None:
    settings.SITBONE_EVEN_TIMING_SECONDS = 0


def sign_in(email: str) -> int:
    return Client().post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code


def ask(client: Client, email: str = NEW, password: str = PASSWORD) -> Any:
    return client.post("/accounts/email/", {"email": email, "password": password})


def link_in(message: Any) -> str:
    found = re.search(r"http://testserver(/accounts/email/\?confirm=\S+)", message.body)
    assert found, message.body
    return found.group(1)


def token_of(link: str) -> str:
    return unquote(link.split("confirm=", 1)[1])


def confirm(client: Client, link: str) -> Any:
    return client.post("/accounts/email/", {"confirm": token_of(link)})


def state(world: World) -> tuple[str, list[tuple[str, bool, bool]], str]:
    user = User.objects.get(pk=world.patient_user.pk)
    addresses = EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")
    world.patient.refresh_from_db()
    return user.email, list(addresses), world.patient.email


def test_the_new_address_takes_over_only_when_its_link_is_confirmed(world: World) -> None:
    old = world.patient_user.email
    client = signed_in(world.patient_user)
    before = state(world)

    asked = ask(client)

    assert asked.status_code == 302
    assert SENT in client.get("/accounts/email/").content.decode()
    assert [m.to for m in mail.outbox] == [[NEW]]
    assert (
        old not in mail.outbox[0].body and world.patient_user.full_name not in mail.outbox[0].body
    )
    link = link_in(mail.outbox[0])
    assert state(world) == before  # nothing yet: a mistyped address changes nothing
    page = client.get(link)  # opening the link (or a mail scanner following it) only asks
    assert page.status_code == 200
    assert f"Sign in with {NEW} from now on" in page.content.decode()
    assert state(world) == before

    done = confirm(client, link)

    assert done.status_code == 302
    assert state(world) == (NEW, [(NEW, True, True)], NEW)
    assert mail.outbox[-1].to == [old]
    assert NEW in mail.outbox[-1].body and "contact your clinic" in mail.outbox[-1].body
    event = AuditEvent.objects.get(action="account.email_change")
    assert (event.actor_id, event.patient_id, event.clinic_id) == (
        world.patient_user.pk,
        world.patient.pk,
        world.clinic.pk,
    )
    assert sign_in(NEW) == 302
    assert sign_in(old) == 200  # the form again, with its error


def test_a_link_works_once(world: World) -> None:
    client = signed_in(world.patient_user)
    ask(client)
    link = link_in(mail.outbox[0])
    confirm(client, link)
    sent = len(mail.outbox)

    again = confirm(client, link)

    assert again.status_code == 400
    assert "used already" in again.content.decode()
    assert len(mail.outbox) == sent
    assert AuditEvent.objects.filter(action="account.email_change").count() == 1


def test_a_wrong_password_changes_nothing_and_counts_towards_the_lockout(world: World) -> None:
    client = signed_in(world.patient_user)
    before = state(world)

    wrong = ask(client, password="not my password")

    assert wrong.status_code == 400
    assert "That is not your password." in wrong.content.decode()
    assert mail.outbox == [] and state(world) == before
    for _ in range(4):
        assert ask(client, password="not my password").status_code == 400
    assert ask(client, password="not my password").status_code == 429  # the sixth, as at sign-in
    locked = Client().post(
        "/accounts/login/", {"login": world.patient_user.email, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert mail.outbox == [] and state(world) == before


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "Enter a valid email address."),
        ("", "This field is required."),
        ("PAT@example.test", "That is the address you sign in with already."),
    ],
)
def test_a_bad_address_is_explained_and_sends_nothing(
    world: World, email: str, message: str
) -> None:
    world.patient_user.email = "pat@example.test"
    world.patient_user.save()
    client = signed_in(world.patient_user)

    answer = ask(client, email=email)

    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert mail.outbox == []


def test_an_address_with_an_account_is_not_revealed_to_the_asker(world: World) -> None:
    """The asker sees what they would for a free address; the address's owner is told, and
    gets no link."""
    client = signed_in(world.patient_user)
    before = state(world)

    taken = ask(client, email=world.clinician.email.upper())

    assert taken.status_code == 302
    assert SENT in client.get("/accounts/email/").content.decode()
    assert [m.to for m in mail.outbox] == [[world.clinician.email]]
    assert "already has a Sitbone account" in mail.outbox[0].body
    assert "confirm=" not in mail.outbox[0].body
    assert state(world) == before


def test_a_link_is_refused_for_another_account_when_altered_or_when_old(world: World) -> None:
    client = signed_in(world.patient_user)
    ask(client)
    link = link_in(mail.outbox[0])
    before = state(world)

    other = confirm(signed_in(world.other_patient_user), link)
    altered = client.post("/accounts/email/", {"confirm": token_of(link)[:-3] + "abc"})
    with mock.patch("time.time", return_value=time.time() + EMAIL_CHANGE_HOURS * 3600 + 60):
        old = confirm(client, link)

    assert (other.status_code, altered.status_code, old.status_code) == (400, 400, 400)
    assert "sent for another account" in other.content.decode()
    assert "not complete" in altered.content.decode()
    assert f"more than {EMAIL_CHANGE_HOURS} hours old" in old.content.decode()
    assert state(world) == before
    assert User.objects.get(pk=world.other_patient_user.pk).email == world.other_patient_user.email


def test_a_password_change_after_asking_voids_the_link(world: World) -> None:
    client = signed_in(world.patient_user)
    ask(client)
    link = link_in(mail.outbox[0])
    world.patient_user.set_password("a different long passphrase")
    world.patient_user.save()
    client = signed_in(world.patient_user)
    before = state(world)

    answer = confirm(client, link)

    assert answer.status_code == 400
    assert state(world) == before


def test_an_address_taken_meanwhile_is_not_given_to_two_accounts(world: World) -> None:
    client = signed_in(world.patient_user)
    ask(client)
    link = link_in(mail.outbox[0])
    User.objects.create_user(NEW.upper(), PASSWORD)
    before = state(world)

    answer = confirm(client, link)

    assert answer.status_code == 400
    assert "in use by another account now" in answer.content.decode()
    assert f"You sign in with <strong>{before[0]}</strong>" in answer.content.decode()
    assert state(world) == before


def test_an_address_on_another_patient_record_of_the_clinic_is_refused_saying_so(
    world: World,
) -> None:
    """Such a record has no account (so the link was sent), but the clinic keeps one patient
    per address: the person is told whose records to check, and nothing changes."""
    from sitbone.patients.models import Patient

    Patient.objects.create(clinic=world.patient.clinic, full_name="Pat Namesake", email=NEW)
    client = signed_in(world.patient_user)
    ask(client)
    before = state(world)

    answer = confirm(client, link_in(mail.outbox[0]))

    assert answer.status_code == 400
    assert f"Your clinic has {NEW} on another patient's record" in unescape(answer.content.decode())
    assert state(world) == before


def test_staff_change_their_address_the_same_way(world: World) -> None:
    client = signed_in(world.clinician)
    ask(client, email="new.clinician@example.test")
    confirm(client, link_in(mail.outbox[0]))

    assert User.objects.get(pk=world.clinician.pk).email == "new.clinician@example.test"
    event = AuditEvent.objects.get(action="account.email_change")
    assert (event.clinic_id, event.patient_id) == (world.clinic.pk, None)


def test_signed_out_the_link_asks_to_sign_in_first(world: World) -> None:
    client = signed_in(world.patient_user)
    ask(client)
    link = link_in(mail.outbox[0])

    answer = Client().get(link)

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=")


def test_links_are_limited_to_a_few_an_hour(world: World) -> None:
    """Each link is an email to an address the person typed: a signed-in session cannot make
    Sitbone send an address a stream of them."""
    client = signed_in(world.patient_user)
    for n in range(5):
        assert ask(client, email=f"pat.{n}@example.test").status_code == 302

    sixth = ask(client, email="pat.5@example.test")

    assert sixth.status_code == 400
    assert "Try again in" in sixth.content.decode()
    assert len(mail.outbox) == 5


def test_the_account_page_leads_to_the_address(world: World) -> None:
    page = signed_in(world.patient_user).get("/accounts/password/change/").content.decode()

    assert f"You sign in with <strong>{world.patient_user.email}</strong>" in page
    assert 'href="/accounts/email/"' in page
    assert 'name="oldpassword"' in page  # and the password can still be changed there


def test_a_link_that_cannot_be_sent_is_said_so_and_changes_nothing(
    world: World, settings: Any
) -> None:
    settings.MAILERS = MAIL_SERVER_DOWN
    client = signed_in(world.patient_user)
    before = state(world)

    answer = ask(client)

    assert answer.status_code == 503
    assert "could not be sent just now" in answer.content.decode()
    assert state(world) == before


def test_a_change_made_stays_made_when_the_old_address_cannot_be_told(
    world: World, settings: Any
) -> None:
    client = signed_in(world.patient_user)
    ask(client)
    link = link_in(mail.outbox[0])
    settings.MAILERS = MAIL_SERVER_DOWN

    done = confirm(client, link)

    assert done.status_code == 302
    assert state(world)[0] == NEW
    page = client.get("/accounts/email/").content.decode()
    assert f"You now sign in with {NEW}" in page
    assert "telling your old address could not be sent" in page
