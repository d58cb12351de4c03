"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Each test gets a fresh browser context against pytest-django's live server. Screenshots go to
test-artifacts/ (not committed) so a reviewer can look at the pages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls that tests make
# for set-up and assertions are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required under CI (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 360, "height": 800})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    violations: list[str] = []
    tab.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab.csp_violations = violations
    yield tab
    context.close()
    assert violations == [], f"CSP violations: {violations}"


def screenshot(tab: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(tab: Any) -> None:
    """axe-core (WCAG 2.2 A/AA rules): no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        tab, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
    )
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"axe violations on {tab.url}: {bad}"


PASSWORD = "a long passphrase"


def sign_in(tab: Any, email: str, password: str) -> None:
    tab.goto("/accounts/login/")
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_load_state()


def signed_in_patient(tab: Any, *, full_name: str = "Sam") -> Any:
    """A patient of a fresh clinic with a stage-1 programme, signed in on ``tab``."""
    from sitbone.accounts.services import account_create
    from sitbone.clinics.models import Clinic
    from sitbone.patients.models import Patient
    from sitbone.programmes.services import programme_from_prescription

    clinic = Clinic.objects.create(name="Harbour Physio", time_zone="Europe/London")
    user = account_create(email="sam@example.test", password=PASSWORD, full_name=full_name)
    patient = Patient.objects.create(
        clinic=clinic, user=user, full_name=full_name, email=user.email
    )
    programme_from_prescription(actor=None, patient=patient, stage=1, reason="First programme")
    sign_in(tab, "sam@example.test", PASSWORD)
    return patient
