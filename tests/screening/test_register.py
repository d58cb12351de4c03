"""Signing up after the symptom check: account, patient record with the answers, first programme,
confirmed from the email before first use; the page never tells whether an address already has
an account; refused for an emergency; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
import re
import socket
import time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from sitbone.accounts.models import User
from sitbone.clinics.models import AuditEvent
from sitbone.config.settings.base import smtp_mailer
from sitbone.patients.models import Patient
from sitbone.programmes.models import Programme
from sitbone.screening.selectors import SESSION_KEY
from tests.conftest import World
from tests.mail import MAIL_SERVER_DOWN
from tests.screening.test_check import ROUTINE_YES, answer_all

GOOD = {
    "full_name": "Riley Runner",
    "email": "Riley@Example.test",
    "affected_side": "left",
    "password1": "a long and happy passphrase",
    "password2": "a long and happy passphrase",
    "consent": "on",
}


@pytest.fixture
def checked(world: World) -> Client:
    client = Client()
    answer_all(client, ROUTINE_YES)
    return client


def confirm_link() -> str:
    (message,) = [m for m in mail.outbox if "Confirm your email" in m.subject]
    found = re.search(r"http://testserver(/register/confirm/[^/\s]+/)", message.body)
    assert found, message.body
    return found[1]


def test_sign_up_creates_the_account_record_answers_and_a_first_programme(
    world: World, checked: Client
) -> None:
    data = {**GOOD, "clinic": str(world.clinic.public_id)}
    response = checked.post("/register/", data)
    assert response.status_code == 302
    assert response["Location"] == "/register/sent/"
    user = User.objects.get(email="riley@example.test")
    assert not user.is_active  # until the address is confirmed
    patient = Patient.objects.get(user=user)
    assert patient.clinic == world.clinic
    assert patient.affected_side == "left"
    assert patient.screening_answers["triage"] == "see_physio"
    assert patient.screening_answers["answers"]["stretch_pain"] is True
    programme = Programme.objects.get(patient=patient, is_current=True)
    assert programme.stage == 1
    assert programme.exercises.filter(hold_seconds__isnull=False).exists()
    assert SESSION_KEY not in checked.session
    assert AuditEvent.objects.filter(action="patient.self_register", patient=patient).exists()
    assert b"riley@example.test" in checked.get("/register/sent/").content

    link = confirm_link()
    assert b"Confirm and continue" in checked.get(link).content
    user.refresh_from_db()
    assert not user.is_active  # opening the link (a mail scanner may) confirms nothing
    confirmed = checked.post(link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/me/?welcome=1"
    user.refresh_from_db()
    assert user.is_active
    assert AuditEvent.objects.filter(
        action="patient.self_register_confirm", patient=patient
    ).exists()
    home = checked.get("/me/?welcome=1")
    assert home.status_code == 200
    assert b"Welcome to Sitbone" in home.content
    again = Client().post(link)
    assert again.status_code == 302
    assert again["Location"] == "/accounts/login/"  # used: it signs nobody in a second time


def test_an_unconfirmed_account_cannot_sign_in(world: World, checked: Client) -> None:
    checked.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    client = Client()
    client.post(
        "/accounts/login/",
        {"login": "riley@example.test", "password": GOOD["password1"]},
    )
    assert client.get("/me/").status_code == 302


@pytest.mark.parametrize("token", ["not-a-token", "ImFiYyI:1vYx:bad-signature", "x" * 300], ids=str)
def test_a_broken_confirmation_link_is_refused_with_a_message(world: World, token: str) -> None:
    response = Client().post(f"/register/confirm/{token}/")
    assert response.status_code == 400
    assert b"This link has expired or is not complete" in response.content


def test_a_confirmation_link_expires_after_three_days(world: World, checked: Client) -> None:
    checked.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    link = confirm_link()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=3, minutes=1)):
        response = Client().post(link)
    assert response.status_code == 400
    assert not User.objects.get(email="riley@example.test").is_active


def test_with_one_clinic_nobody_is_asked_to_choose(world: World, checked: Client) -> None:
    world.other_clinic.delete()
    html = checked.get("/register/").content.decode()
    assert "Which clinic will look after you?" not in html
    assert checked.post("/register/", GOOD).status_code == 302
    assert Patient.objects.get(email="riley@example.test").clinic == world.clinic


def test_an_emergency_is_refused_sign_up_and_nothing_is_created(world: World) -> None:
    client = Client()
    client.post(
        "/check/emergency/",
        {
            "bladder_bowel_change": "no",
            "saddle_numbness": "yes",
            "bilateral_leg_symptoms": "no",
            "progressive_weakness": "no",
        },
    )
    before = (User.objects.count(), Patient.objects.count())
    page = client.get("/register/")
    post = client.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    assert page.status_code == post.status_code == 403
    assert b"Go to an emergency department now" in post.content
    assert (User.objects.count(), Patient.objects.count()) == before


def test_sign_up_before_the_check_sends_you_to_the_check(world: World) -> None:
    response = Client().get("/register/")
    assert b"Check your symptoms first" in response.content
    assert Client().post("/register/", GOOD).status_code == 200
    assert not User.objects.filter(email="riley@example.test").exists()


def test_a_known_address_gets_the_same_page_and_an_email_instead(
    world: World, checked: Client
) -> None:
    """Nobody learns from the page whether an address has an account: only its owner does."""
    fresh = Client()
    answer_all(fresh, ROUTINE_YES)
    new = fresh.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    known_email = world.patient_user.email.upper()
    known = checked.post(
        "/register/", {**GOOD, "email": known_email, "clinic": str(world.clinic.public_id)}
    )
    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"]
    page_new = fresh.get("/register/sent/").content.decode()
    page_known = checked.get("/register/sent/").content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
    assert strip.sub("", page_new).replace("riley@example.test", "EMAIL") == strip.sub(
        "", page_known
    ).replace(world.patient_user.email, "EMAIL")
    assert Patient.objects.filter(email=world.patient_user.email).count() == 1
    (told,) = [m for m in mail.outbox if m.to == [world.patient_user.email]]
    assert "already" in told.subject
    assert "/register/confirm/" not in told.body
    assert "Sign in" in told.body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": ""}, "Enter your full name"),
        ({"full_name": "x" * 151}, "at most 150 characters"),
        ({"full_name": "Bad\x07Name"}, "Enter your name using letters"),
        ({"email": "not-an-email"}, "Enter an email address like name@example.com"),
        ({"email": "a" * 300 + "@x.test"}, "at most 254 characters"),
        ({"password2": "something else entirely"}, "The two passwords do not match"),
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"consent": ""}, "Tick the box to agree"),
        ({"affected_side": "middle"}, "Select left, right or both sides"),
        ({"clinic": "00000000-0000-0000-0000-000000000000"}, "Select one of the clinics listed"),
    ],
)
def test_bad_sign_up_input_is_refused_and_nothing_is_created(
    world: World, checked: Client, change: dict[str, str], message: str
) -> None:
    data = {**GOOD, "clinic": str(world.clinic.public_id), **change}
    response = checked.post("/register/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email__startswith="riley").exists()
    assert Patient.objects.count() == 2


def test_the_name_is_shown_as_text_not_html(world: World, checked: Client) -> None:
    data = {**GOOD, "clinic": str(world.clinic.public_id), "full_name": "<b>Riley</b>"}
    checked.post("/register/", data)
    checked.post(confirm_link())
    html = checked.get("/me/").content.decode()
    assert "<b>Riley</b>" not in html
    assert "&lt;b&gt;Riley&lt;/b&gt;" in html


def test_signed_in_people_are_sent_home(world: World, checked: Any) -> None:
    client = Client()
    client.force_login(world.patient_user)
    assert client.get("/register/").status_code == 302


def test_a_mail_server_that_never_answers_fails_the_send_and_keeps_the_sign_up(
    world: World, checked: Client, settings: Any
) -> None:
    """Without a timeout the request would wait for the server's greeting until gunicorn
    ended it (30 s), and the person would get an error page instead of what was kept."""
    with socket.create_server(("127.0.0.1", 0)) as silent:  # takes connections, never greets
        host, port = silent.getsockname()
        settings.MAILERS = {
            "default": smtp_mailer(
                {
                    "SITBONE_SMTP_HOST": host,
                    "SITBONE_SMTP_PORT": str(port),
                    "SITBONE_SMTP_TLS": "0",
                    "SITBONE_SMTP_TIMEOUT": "0.5",
                }
            )
        }
        started = time.monotonic()
        response = checked.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
        waited = time.monotonic() - started
    assert waited < 10  # the half second asked for, not an indefinite wait
    assert response.status_code == 302
    assert response["Location"] == "/register/sent/"
    assert "Your email could not be sent" in checked.get("/register/sent/").content.decode()
    assert User.objects.filter(email="riley@example.test", is_active=False).exists()


def test_a_mail_server_that_is_down_keeps_the_sign_up_and_the_email_can_be_sent_again(
    world: World, checked: Client, settings: Any
) -> None:
    working = settings.MAILERS
    settings.MAILERS = MAIL_SERVER_DOWN
    response = checked.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    assert response.status_code == 302
    assert response["Location"] == "/register/sent/"
    assert not User.objects.get(email="riley@example.test").is_active
    page = checked.get("/register/sent/").content.decode()
    assert "Your email could not be sent" in page
    assert "Your sign-up is saved" in page

    settings.MAILERS = working
    again = checked.post("/register/sent/")
    assert again.status_code == 302
    assert "Check your email" in checked.get("/register/sent/").content.decode()
    assert checked.post(confirm_link()).status_code == 302
    assert User.objects.get(email="riley@example.test").is_active


def test_signing_up_again_before_confirming_sends_a_new_link_and_changes_nothing_else(
    world: World, checked: Client
) -> None:
    """A lost email or a link past its three days never leaves the address stuck: signing up
    again sends a fresh link for the waiting account, whose first details and password stand."""
    checked.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    mail.outbox.clear()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=4)):
        again = Client()
        answer_all(again, ROUTINE_YES)
        other = {"password1": "another long passphrase here", "full_name": "Someone Else"}
        response = again.post(
            "/register/",
            {
                **GOOD,
                **other,
                "password2": other["password1"],
                "clinic": str(world.clinic.public_id),
            },
        )
        assert response.status_code == 302
        assert not [m for m in mail.outbox if "already" in m.subject]
        assert again.post(confirm_link()).status_code == 302
    user = User.objects.get(email="riley@example.test")
    assert user.is_active
    assert user.full_name == "Riley Runner"
    assert user.check_password(GOOD["password1"])
    assert Patient.objects.filter(email="riley@example.test").count() == 1


def test_asking_again_for_a_known_address_tells_it_how_to_sign_in_three_times_an_hour(
    world: World, checked: Client
) -> None:
    known = world.patient_user.email
    checked.post("/register/", {**GOOD, "email": known, "clinic": str(world.clinic.public_id)})
    mail.outbox.clear()
    for _ in range(3):
        assert checked.post("/register/sent/").status_code == 302
    told = [m for m in mail.outbox if m.to == [known]]
    assert len(told) == 3
    assert all("already" in m.subject and "/register/confirm/" not in m.body for m in told)
    refused = checked.post("/register/sent/")
    assert refused.status_code == 429
    assert "Try again in" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_the_email_is_sent_again_only_after_a_sign_up(world: World) -> None:
    response = Client().post("/register/sent/")
    assert response.status_code == 302
    assert response["Location"] == "/register/"
    assert not mail.outbox


def waiting_sign_up(world: World, checked: Client) -> Patient:
    checked.post("/register/", {**GOOD, "clinic": str(world.clinic.public_id)})
    mail.outbox.clear()
    return Patient.objects.get(email="riley@example.test")


def resend_by(user: Any, patient: Patient) -> Any:
    client = Client()
    client.force_login(user)
    return client.post(f"/clinic/patients/{patient.public_id}/sign-up-link/")


def test_the_clinic_can_send_a_waiting_sign_up_a_new_link(world: World, checked: Client) -> None:
    patient = waiting_sign_up(world, checked)
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get(f"/clinic/patients/{patient.public_id}/").content.decode()
    assert "Cannot sign in yet" in page
    assert "Send the link again" in page

    response = resend_by(world.admin, patient)

    assert response.status_code == 302
    assert response["Location"] == f"/clinic/patients/{patient.public_id}/"
    assert AuditEvent.objects.filter(
        action="patient.confirmation_resend", patient=patient, actor=world.admin
    ).exists()
    assert Client().post(confirm_link()).status_code == 302
    assert User.objects.get(email="riley@example.test").is_active
    again = resend_by(world.admin, patient)
    assert again.status_code == 409  # confirmed: there is nothing to send
    assert "There is no sign-up link to send" in again.content.decode()
    assert len(mail.outbox) == 1


def test_the_clinic_shares_the_hourly_limit_and_hears_when_mail_is_down(
    world: World, checked: Client, settings: Any
) -> None:
    patient = waiting_sign_up(world, checked)
    working = settings.MAILERS
    settings.MAILERS = MAIL_SERVER_DOWN
    down = resend_by(world.admin, patient)
    assert down.status_code == 503
    assert "could not be sent" in down.content.decode()
    settings.MAILERS = working
    for _ in range(2):
        checked.post("/register/sent/")
    assert len(mail.outbox) == 2
    refused = resend_by(world.admin, patient)
    assert refused.status_code == 429
    assert "Try again in" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_a_patient_who_joined_by_invitation_has_no_sign_up_link_to_send(world: World) -> None:
    response = resend_by(world.admin, world.patient)
    assert response.status_code == 409
    assert not mail.outbox
