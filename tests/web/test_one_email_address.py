"""An account has one email address. Sign-in and password resets find an account by any of its
addresses, so one added from a signed-in session (a phone left open) would hand the account to
whoever owns it."""

from __future__ import annotations

import importlib
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD, World

STRANGER = "someone.else@example.test"


def test_the_page_shows_the_one_address_and_offers_no_second_one(world: World) -> None:
    client = Client()
    client.force_login(world.patient_user)

    page = client.get("/accounts/email/").content.decode()

    assert f"You sign in with <strong>{world.patient_user.email}</strong>" in page
    assert 'name="action_add"' not in page and "Make Primary" not in page


def test_a_second_address_cannot_be_added(world: World) -> None:
    """allauth's way of adding an address is not served; the page's own form changes the one
    address, and only with the password and a link (tests/web/test_email_change.py)."""
    client = Client()
    client.force_login(world.patient_user)

    page = client.post("/accounts/email/", {"action_add": "", "email": STRANGER})

    assert page.status_code == 400
    assert 'name="action_add"' not in page.content.decode()
    assert list(EmailAddress.objects.filter(user=world.patient_user).values_list("email")) == [
        (world.patient_user.email,)
    ]
    assert mail.outbox == []


def test_addresses_added_before_are_removed_and_open_nothing(world: World, settings: Any) -> None:
    settings.SITBONE_EVEN_TIMING_SECONDS = 0
    EmailAddress.objects.create(user=world.patient_user, email=STRANGER, verified=True)
    migration = importlib.import_module(
        "sitbone.accounts.migrations.0003_one_email_address_an_account"
    )

    migration.remove_added_addresses(apps, None)

    assert not EmailAddress.objects.filter(email=STRANGER).exists()
    assert EmailAddress.objects.filter(user=world.patient_user, primary=True).count() == 1
    Client().post("/accounts/password/reset/", {"email": STRANGER})
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)
    signed_in = Client().post("/accounts/login/", {"login": STRANGER, "password": PASSWORD})
    assert signed_in.status_code == 200  # the form again, with its error
    own = Client().post(
        "/accounts/login/", {"login": world.patient_user.email, "password": PASSWORD}
    )
    assert own.status_code == 302
