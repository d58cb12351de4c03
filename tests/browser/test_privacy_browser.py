"""The privacy pages in Chromium at 360 px: the patient's choices, a clinician's emergency access
with its error state, and the clinic admin's privacy pages, each with no serious axe violation
and no sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD, World, make_world
from tests.privacy.factories import breach_in, care_team_only

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def harbour() -> World:
    world = make_world()
    care_team_only(world.clinic)
    return world


def check(tab: Any, name: str) -> None:
    screenshot(tab, f"privacy-{name}")
    assert_accessible(tab)
    width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{tab.url} scrolls sideways: {width}"


def test_a_patient_turns_off_reminder_emails(page: Any, harbour: World) -> None:
    from sitbone.privacy.models import ConsentRecord

    sign_in(page, harbour.patient_user.email, PASSWORD)
    page.get_by_role("link", name="Privacy").click()
    check(page, "patient")
    page.get_by_label("Reminder emails").uncheck()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    check(page, "patient-saved")
    assert not ConsentRecord.objects.get(patient=harbour.patient).given


def test_a_clinician_opens_a_record_with_emergency_access(page: Any, harbour: World) -> None:
    sign_in(page, harbour.unassigned_clinician.email, PASSWORD)
    page.get_by_role("link", name="Emergency access").first.click()
    check(page, "emergency-start")
    page.get_by_label("Patient's name or email address").fill("Pat")
    page.get_by_role("button", name="Find patient").click()
    page.get_by_role("link", name="Open with emergency access: Pat Patient").click()
    check(page, "emergency-form")
    page.get_by_label("Why do you need this record now?").fill("Urgent")
    page.get_by_role("button", name="Open the record").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("at least 20 characters")
    assert page.title().startswith("Error:")
    check(page, "emergency-error")
    page.get_by_label("Why do you need this record now?").fill(
        "Pat is in clinic in severe pain and Cleo is away today"
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Pat Patient", level=1)).to_be_visible()
    expect(page.get_by_text("Emergency access is open until")).to_be_visible()


def test_the_clinic_admins_privacy_pages(page: Any, harbour: World) -> None:
    from tests.privacy.factories import emergency_access_for

    emergency_access_for(harbour)
    breach = breach_in(harbour, affected_patients=(harbour.patient,), affected_count=1)
    sign_in(page, harbour.admin.email, PASSWORD)
    page.goto("/clinic/privacy/")
    check(page, "admin")
    page.goto("/clinic/privacy/emergency-access/")
    check(page, "admin-emergency")
    page.goto(f"/clinic/privacy/breaches/{breach.public_id}/")
    check(page, "admin-breach")
    page.goto("/clinic/privacy/breaches/new/")
    page.get_by_role("button", name="Record breach").click()
    expect(page.get_by_role("alert")).to_contain_text("Describe what happened")
    check(page, "admin-breach-error")
