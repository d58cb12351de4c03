"""Appointments in Chromium: a newcomer books from the symptom check, the clinician sees it in
the diary and the triage list, and a patient moves a review. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.appointments.factories import book, clinic_day, local, working_hours
from tests.browser.conftest import assert_accessible, screenshot, sign_in
from tests.conftest import PASSWORD, World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic() -> World:
    world = make_world()
    # Only Harbour Physio takes online bookings, so /book/ goes straight to it.
    world.other_clinic.appointment_types.update(for_newcomers=False)
    working_hours(world.clinic, world.clinician)
    return world


def fits_360(tab: Any) -> bool:
    return bool(tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def answer_the_symptom_check_with_no(tab: Any) -> None:
    tab.goto("/check/")
    tab.get_by_role("link", name=re.compile("Start the check")).click()
    for _ in range(20):
        if "/check/result/" in tab.url:
            return
        for radio in tab.locator("input[type=radio][value=no]").all():
            radio.check()
        tab.get_by_role("button", name="Continue").click()
        tab.wait_for_load_state()
    raise AssertionError(f"the symptom check did not finish: {tab.url}")


def test_a_newcomer_books_and_the_clinician_sees_it(page: Any, clinic: World) -> None:
    from sitbone.appointments.models import Appointment

    answer_the_symptom_check_with_no(page)
    page.get_by_role("link", name="Book an initial assessment").click()
    page.wait_for_load_state()
    assert f"/book/{clinic.clinic.public_id}/" in page.url
    first = page.locator("input[name=slot]:checked")
    assert first.count() == 1  # the first free time is already chosen
    assert fits_360(page)
    assert_accessible(page)
    screenshot(page, "appointments-newcomer-booking")
    page.get_by_label("Full name").fill("Nina Newcomer")
    page.get_by_label("Email address").fill("nina@example.com")
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    screenshot(page, "appointments-newcomer-done")

    appointment = Appointment.objects.select_related("patient").get(
        patient__full_name="Nina Newcomer"
    )
    assert appointment.patient.screening_answers["answers"]  # the check's answers came along
    local_day = appointment.starts_at.astimezone(ZoneInfo(clinic.clinic.time_zone)).date()

    page.get_by_role("link", name="Sign in").click()
    sign_in(page, clinic.clinician.email, PASSWORD)
    page.get_by_role("link", name="Diary").click()
    page.goto(f"/appointments/diary/?date={local_day.isoformat()}")
    assert page.get_by_role("link", name="Nina Newcomer").is_visible()
    assert fits_360(page)
    assert_accessible(page)
    screenshot(page, "appointments-diary-day")
    page.goto("/clinic/")
    assert page.get_by_role("link", name="Nina Newcomer").first.is_visible()
    screenshot(page, "appointments-triage-list")


def test_a_patient_moves_a_review(page: Any, clinic: World) -> None:
    from sitbone.appointments.models import Appointment

    day = clinic_day(clinic.clinic, 3)
    review = book(clinic, starts_at=local(clinic.clinic, day, time(10)))
    sign_in(page, clinic.patient_user.email, PASSWORD)
    page.get_by_role("link", name="Appointments").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Change time")).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name=re.compile(day.strftime("%a %-d %b"))).click()
    page.wait_for_load_state()
    page.locator("label", has_text="14:00").first.click()
    assert fits_360(page)
    assert_accessible(page)
    screenshot(page, "appointments-reschedule")
    page.get_by_role("button", name="Move to this time").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your appointment has been moved.").is_visible()
    review.refresh_from_db()
    assert review.starts_at == local(clinic.clinic, day, time(14))
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1
