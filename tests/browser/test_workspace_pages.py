"""Every clinician-workspace page at 360 px: no serious axe violation, no sideways scrolling of
the page, and the error state of a form with its summary focused."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> str:
    from sitbone.demo.seed import seed_demo_clinic

    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo passphrase for tests")
    seed_demo_clinic()
    return "demo passphrase for tests"


def assert_no_page_scroll(tab: Any) -> None:
    width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{tab.url} scrolls sideways at {width[1]} px: {width[0]}"


def test_each_workspace_page_is_accessible_and_reflows_at_360_px(page: Any, demo: str) -> None:
    from sitbone.patients.models import Patient

    alex = Patient.objects.get(full_name="Alex Rivera")
    assessment = alex.assessments.order_by("-assessed_on").first()
    base = f"/clinic/patients/{alex.public_id}/"
    sign_in(page, "physio@demo.clinic", demo)
    pages = {
        "approvals": "/clinic/approvals/",
        "assessments": base + "assessments/",
        "assessment": base + f"assessments/{assessment.public_id}/",
        "measures": base + "measures/",
        "measure-visa-h": base + "measures/visa_h/new/",
        "adjuncts": base + "adjuncts/",
        "programme": base + "programme/",
        "thresholds": base + "thresholds/",
        "audit": base + "audit/",
        "details": base + "details/",
        "treatment": base + "treatment/",
        "discharged": "/clinic/discharged/",
        "new-patient": "/clinic/patients/new/",
    }
    for name, path in pages.items():
        page.goto(path)
        screenshot(page, f"workspace-{name}")
        assert_accessible(page)
        assert_no_page_scroll(page)

    page.goto(base + "thresholds/")
    page.get_by_label("Amber pain").fill("9")
    page.get_by_role("button", name="Save thresholds").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("amber_pain (9) must be below red_pain (6)")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:")
    screenshot(page, "workspace-thresholds-error")
    assert_accessible(page)

    page.goto(base + "details/")
    page.get_by_label("Full name").fill("")
    page.get_by_label("Gym ball").check()
    page.get_by_role("button", name="Save details").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Full name: This field is required.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Gym ball")).to_be_checked()  # what was typed is kept
    assert page.title().startswith("Error:")
    assert_accessible(page)
