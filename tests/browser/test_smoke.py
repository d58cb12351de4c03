"""The demo clinician and a demo patient sign in through the real login page in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> str:
    from sitbone.demo.seed import seed_demo_clinic

    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo passphrase for tests")
    seed_demo_clinic()
    return "demo passphrase for tests"


def test_the_demo_clinician_signs_in_and_sees_their_patients(page: Any, demo: str) -> None:
    sign_in(page, "physio@demo.clinic", demo)
    assert page.url.endswith("/clinic/")
    assert page.get_by_role("link", name="Alex Rivera").is_visible()
    assert page.get_by_role("link", name="Sam Chen").is_visible()
    screenshot(page, "clinician-home")
    assert_accessible(page)
    page.get_by_role("link", name="Alex Rivera").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Alex Rivera").is_visible()


def test_a_demo_patient_signs_in_and_lands_on_their_own_page(page: Any, demo: str) -> None:
    sign_in(page, "alex@demo.clinic", demo)
    assert page.url.endswith("/me/")
    assert page.get_by_role("heading", name="Hello Alex").is_visible()
    screenshot(page, "patient-home")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto("/me/")
    assert "/accounts/login/" in page.url


def test_a_wrong_password_shows_a_clear_message(page: Any, demo: str) -> None:
    sign_in(page, "sam@demo.clinic", "not the password")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
