"""Sessions and sign-in (issue 9, item 7): signing out and changing the password end every other
session, an active session still ends at the absolute limit, sign-in and reset do not reveal who
has an account, reset links are single-use and expire."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, World

NEW_PASSWORD = "a brand new and long passphrase 7"


def signed_in(email: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_password_change_ends_every_other_session(world: World) -> None:
    laptop = signed_in(world.patient_user.email)
    phone = signed_in(world.patient_user.email)
    assert phone.get("/me/").status_code == 200
    response = laptop.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    gone = phone.get("/me/")
    assert gone.status_code == 302 and "/accounts/login/" in gone["Location"]
    # allauth also signs the changing session out (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE)
    assert laptop.get("/me/").status_code == 302
    assert (
        Client()
        .post("/accounts/login/", {"login": world.patient_user.email, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def _shape(body: bytes) -> str:
    """The page with anything that varies per request (CSRF token, nonces) blanked out."""
    text = body.decode()
    text = re.sub(r'value="[A-Za-z0-9]{32,}"', 'value=""', text)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', text)


def test_a_wrong_password_for_a_known_email_looks_like_an_unknown_email(world: World) -> None:
    known = Client().post(
        "/accounts/login/", {"login": world.patient_user.email, "password": "not it at all"}
    )
    unknown = Client().post(
        "/accounts/login/", {"login": "nobody@nowhere.test", "password": "not it at all"}
    )
    assert known.status_code == unknown.status_code == 200
    known_page = _shape(known.content).replace(world.patient_user.email, "EMAIL")
    unknown_page = _shape(unknown.content).replace("nobody@nowhere.test", "EMAIL")
    assert known_page == unknown_page


def test_a_reset_request_answers_the_same_page_for_known_and_unknown_addresses(
    world: World,
) -> None:
    known = Client().post(
        "/accounts/password/reset/", {"email": world.patient_user.email}, follow=True
    )
    unknown = Client().post(
        "/accounts/password/reset/", {"email": "nobody@nowhere.test"}, follow=True
    )
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _shape(known.content) == _shape(unknown.content)


def _reset_link(email: str) -> str:
    Client().post("/accounts/password/reset/", {"email": email})
    body = next(m.body for m in reversed(mail.outbox) if m.to == [email])
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body)
    assert match, body
    return match.group(1)


def _use_link(link: str, password: str) -> int:
    client = Client()
    page = client.get(link, follow=True)
    if page.status_code != 200 or b'name="password1"' not in page.content:
        return 0
    target = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(target, {"password1": password, "password2": password})
    return response.status_code


def test_a_reset_link_works_once(world: World) -> None:
    link = _reset_link(world.patient_user.email)
    assert _use_link(link, NEW_PASSWORD) == 302
    assert _use_link(link, "another brand new passphrase 8") == 0
    assert (
        Client()
        .post("/accounts/login/", {"login": world.patient_user.email, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_a_reset_link_expires(world: World, settings: object) -> None:
    timeout = settings.PASSWORD_RESET_TIMEOUT
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        link = _reset_link(world.patient_user.email)
        traveller.shift(timedelta(seconds=timeout + 60))
        assert _use_link(link, NEW_PASSWORD) == 0
    world.patient_user.refresh_from_db()
    assert world.patient_user.check_password(PASSWORD)


def test_signing_out_ends_the_session_on_every_device(world: World) -> None:
    laptop = signed_in(world.patient_user.email)
    phone = signed_in(world.patient_user.email)
    assert phone.get("/me/").status_code == 200
    assert laptop.post("/accounts/logout/").status_code == 302
    gone = phone.get("/me/")
    assert gone.status_code == 302 and "/accounts/login/" in gone["Location"]
    # Signing in again works, and the new session is not ended by the old sign-out.
    again = signed_in(world.patient_user.email)
    assert again.get("/me/").status_code == 200


def test_signing_out_of_the_admin_site_ends_every_session_too(world: World) -> None:
    admin_site = signed_in(world.admin.email)
    workspace = signed_in(world.admin.email)
    assert workspace.get("/clinic/").status_code == 200
    assert admin_site.post("/admin/logout/").status_code in (200, 302)
    assert workspace.get("/clinic/").status_code == 302


def test_an_idle_timeout_ends_only_the_session_that_went_idle(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        desk = signed_in(world.clinician.email)
        traveller.shift(timedelta(minutes=10))
        tablet = signed_in(world.clinician.email)
        traveller.shift(timedelta(minutes=10))  # the desk has been idle for 20 minutes
        assert desk.get("/clinic/").status_code == 302
        assert tablet.get("/clinic/").status_code == 200


def test_an_active_session_still_ends_at_the_absolute_limit(world: World, settings: Any) -> None:
    limit = settings.SITBONE_ABSOLUTE_TIMEOUT
    assert limit <= 12 * 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = signed_in(world.clinician.email)
        step = timedelta(minutes=10)  # busy all day: never idle for long
        elapsed = timedelta(0)
        while elapsed + step < timedelta(seconds=limit):
            traveller.shift(step)
            elapsed += step
            assert client.get("/clinic/").status_code == 200, f"ended early after {elapsed}"
            assert client.post("/accounts/keep-alive/").status_code == 204
        traveller.shift(timedelta(seconds=limit) - elapsed + timedelta(seconds=1))
        ended = client.get("/clinic/")
        assert ended.status_code == 302 and "/accounts/login/" in ended["Location"]
        assert client.post("/accounts/keep-alive/").status_code == 302  # not revived


def test_production_settings_store_passwords_as_argon2id_at_owasp_strength(
    db: None, settings: Any, monkeypatch: Any
) -> None:
    import importlib

    import argon2

    from sitbone.accounts.services import account_create
    from sitbone.config.settings import base

    monkeypatch.setenv("SITBONE_SECRET_KEY", "x" * 50)
    prod = importlib.import_module("sitbone.config.settings.prod")
    assert prod.PASSWORD_HASHERS == base.PASSWORD_HASHERS
    assert base.PASSWORD_HASHERS[0] == "sitbone.accounts.hashers.OwaspArgon2Hasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = account_create(email="stored@harbour.test", password=NEW_PASSWORD, full_name="S")
    algorithm, encoded = user.password.split("$", 1)
    params = argon2.extract_parameters("$" + encoded)
    assert (algorithm, params.type) == ("argon2", argon2.Type.ID)
    # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1 at least (or m=46 MiB with t=1).
    assert (params.memory_cost >= 19 * 1024 and params.time_cost >= 2) or (
        params.memory_cost >= 46 * 1024 and params.time_cost >= 1
    )
    assert params.parallelism >= 1 and params.salt_len >= 16 and params.hash_len >= 32


def test_an_older_password_hash_is_upgraded_to_argon2id_at_sign_in(
    world: World, settings: Any
) -> None:
    from django.contrib.auth.hashers import make_password

    from sitbone.config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    world.patient_user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    world.patient_user.save()
    signed_in(world.patient_user.email)
    world.patient_user.refresh_from_db()
    assert world.patient_user.password.startswith("argon2$argon2id$")
