"""The idle warning lets a person stay signed in (issue 9, item 7): the page carries the limit,
"Stay signed in" posts to the keep-alive endpoint, and a session past its limit stays dead."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, World

KEEPALIVE = "/accounts/keep-alive/"


def signed_in(email: str) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code == 302
    )
    return client


def test_pages_carry_the_idle_limit_for_the_warning(world: World) -> None:
    staff = signed_in(world.clinician.email).get("/clinic/")
    assert b'data-idle-seconds="900"' in staff.content
    assert b"sitbone/idle.js" in staff.content
    patient = signed_in(world.patient_user.email).get("/me/")
    assert b'data-idle-seconds="1800"' in patient.content
    assert b"idle-warning" not in Client().get("/").content


def test_stay_signed_in_restarts_the_idle_clock(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(world.clinician.email)
        traveller.shift(timedelta(minutes=14))
        assert client.post(KEEPALIVE).status_code == 204
        traveller.shift(timedelta(minutes=14))
        assert client.get("/clinic/").status_code == 200


def test_without_it_the_session_ends_and_cannot_be_revived(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(world.clinician.email)
        traveller.shift(timedelta(minutes=16))
        response = client.post(KEEPALIVE)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get("/clinic/").status_code == 302


def test_the_keep_alive_needs_a_csrf_token_and_a_post(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.patient_user)
    assert client.post(KEEPALIVE).status_code == 403
    assert client.get(KEEPALIVE).status_code == 405
    assert Client().post(KEEPALIVE).status_code == 302
