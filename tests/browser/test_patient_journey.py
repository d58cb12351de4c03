"""A new person's first days in Sitbone, in real Chromium: the symptom check (an emergency path
that never offers self-care, then a routine path), sign-up, today's session with a timed hold,
logging it, the next-morning check-in and its decision, the progress chart and a VISA-H.

"Next morning" is made deterministic by logging the session as yesterday's. The hold timer runs
on Playwright's fake clock, so a 45-second hold takes no real time. axe checks every page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def answer_page(page: Any, yes: set[str]) -> None:
    """Answer every yes/no question on the current symptom-check page, then continue."""
    for radio in page.locator("input[type=radio][value=no]").all():
        name = radio.get_attribute("name")
        page.locator(f"input[name={name}][value={'yes' if name in yes else 'no'}]").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def fill_sign_up(page: Any) -> None:
    """Fill in the sign-up form for Robin Runner (the button is left to the test)."""
    page.get_by_label("Your full name").fill("Robin Runner")
    page.get_by_label("Email address").fill("robin@example.test")
    page.get_by_label("Right").check()
    page.get_by_label("Choose a password").fill("a long and happy passphrase")
    page.get_by_label("Type the password again").fill("a long and happy passphrase")
    page.get_by_label("I agree").check()


def pick(page: Any, name: str, value: str) -> None:
    page.locator(f"input[name='{name}'][value='{value}']").check()


def test_a_new_person_checks_signs_up_exercises_checks_in_and_sees_progress(
    page: Any, live_server: Any
) -> None:
    from sitbone.clinics.models import Clinic

    Clinic.objects.create(name="Harbour Physio", time_zone="Europe/London")

    # Emergency path: the first page stops the check and offers no self-care.
    page.goto("/")
    page.get_by_role("link", name="Check your symptoms").click()
    assert_accessible(page)
    page.get_by_role("link", name="Start the check").click()
    assert page.locator("#check-progress-label").inner_text() == "Page 1 of 5"
    page.get_by_role("button", name="Continue").click()  # nothing answered: GOV.UK errors
    assert page.title().startswith("Error:")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    answer_page(page, {"saddle_numbness"})
    assert page.get_by_role("heading", name="Go to an emergency department now").is_visible()
    body = page.locator("main").inner_text()
    for self_care in ("What you can do now", "Create an account", "Book an initial assessment"):
        assert self_care not in body
    assert_accessible(page)

    # Routine path.
    page.get_by_role("button", name="Clear my answers").click()
    page.get_by_role("link", name="Start the check").click()
    answer_page(page, set())
    answer_page(page, {"gradual_onset"})
    page.get_by_role("link", name="Back").click()  # the back link keeps the answers
    assert page.locator("input[name=gradual_onset][value=yes]").is_checked()
    page.get_by_role("button", name="Continue").click()
    answer_page(page, set())
    answer_page(page, set())
    assert_accessible(page)
    answer_page(
        page,
        {
            "sitting_pain_at_sit_bone",
            "stretch_pain",
            "uphill_or_fast_running_pain",
            "lunge_or_squat_pain",
            "warm_up_then_worse",
        },
    )
    assert page.get_by_text("It fits well.").is_visible()
    assert page.get_by_role("link", name="Book an initial assessment").is_visible()
    assert_accessible(page)

    # Sign up: account, record and a first stage-1 programme.
    page.get_by_role("link", name="Create an account").click()
    fill_sign_up(page)
    assert_accessible(page)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the email again").click()  # a fresh link
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    _, email = mail.outbox
    link = re.search(r"https?://\S+/register/confirm/\S+/", email.body)
    assert link, email.body
    page.goto(link[0])
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_load_state()
    assert "/me/" in page.url
    assert page.get_by_role("heading", name="Hello Robin").is_visible()
    assert_accessible(page)
    screenshot(page, "patient-today-360")

    # Today's session with a timed hold, on a fake clock.
    page.clock.install()
    page.get_by_role("link", name="Start today's session").click()
    page.wait_for_load_state()
    timer = page.locator("[data-timer]").first
    assert timer.is_visible()
    timer.get_by_role("button", name="Start hold").click()
    page.clock.run_for(46_000)
    assert "Rest now" in timer.locator("[data-phase]").inner_text()
    assert timer.get_by_role("button", name="Skip rest").is_enabled()
    timer.get_by_role("button", name="Skip rest").click()
    assert "Ready for set 2" in timer.locator("[data-phase]").inner_text()
    assert page.locator("#id_ex0-sets").input_value() == "1"
    assert_accessible(page)
    screenshot(page, "patient-session-360")
    for index in range(page.locator("[data-timer]").count()):
        pick(page, f"ex{index}-pain", "2")
    pick(page, "day", "yesterday")
    pick(page, "pain_after", "2")
    page.get_by_role("button", name="Save this session").click()
    page.wait_for_load_state()
    assert page.get_by_text("Session saved. Well done.").is_visible()
    assert page.get_by_text("Waiting:").first.is_visible()
    assert_accessible(page)

    # Next morning: the check-in comes first, then the decision in plain words.
    page.get_by_role("link", name="Back to today").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().endswith("First, your check-in")
    assert_accessible(page)
    pick(page, "pain", "2")
    page.get_by_label("Morning stiffness, in minutes").fill("5")
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="How your tendon is responding").is_visible()
    assert page.get_by_text("Green: Your tendon is coping well.").is_visible()
    assert page.get_by_role("heading", name="What changes").is_visible()
    assert_accessible(page)

    # The chart now shows the session and the morning.
    page.get_by_role("link", name="See your progress").click()
    page.wait_for_load_state()
    assert page.locator("svg.chart").first.is_visible()
    assert page.locator("svg.chart .series-morning").count() >= 1
    page.get_by_text("Show the numbers as a table").first.click()
    assert page.get_by_role("table").first.is_visible()
    assert_accessible(page)
    screenshot(page, "patient-progress-360")

    # A VISA-H, one question per screen.
    page.get_by_role("link", name="Questionnaires").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Start VISA-H").click()
    for number in range(1, 7):
        assert page.locator("#q-progress-label").inner_text().endswith(f"question {number} of 8")
        pick(page, "answer", "6")
        if number == 1:
            assert_accessible(page)
        page.get_by_role("button", name="Next question").click()
    page.get_by_label("I am doing it in a modified or reduced way").check()
    page.get_by_role("button", name="Next question").click()
    page.get_by_label("I have buttock pain, but it does not stop me").check()
    page.get_by_label("Minutes you can train or take part for").fill("25")
    assert_accessible(page)
    page.get_by_role("button", name="Check your answers").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your answers").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your VISA-H score").is_visible()
    assert page.get_by_text("out of 100").is_visible()
    assert_accessible(page)


def test_the_other_patient_pages_pass_axe_with_and_without_errors(page: Any) -> None:
    from tests.browser.conftest import signed_in_patient

    signed_in_patient(page)

    page.goto("/me/load/")
    assert_accessible(page)
    page.get_by_role("button", name="Save sitting test").click()  # empty: errors
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.goto("/me/reminders/")
    page.get_by_label("Exercise reminder time (optional)").fill("18:00")
    page.get_by_role("button", name="Save reminder times").click()
    assert page.get_by_text("Reminder times saved.").is_visible()
    assert_accessible(page)
    page.goto("/me/equipment/")
    page.get_by_label("Gym ball").check()
    page.get_by_role("button", name="Save equipment").click()
    assert page.get_by_text("Saved. Your physio uses this list").is_visible()
    assert page.get_by_label("Gym ball").is_checked()
    assert_accessible(page)
    page.goto("/me/morning/")
    page.get_by_role("button", name="Save my check-in").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.goto("/me/questionnaires/")
    assert_accessible(page)
    page.goto("/me/questionnaires/lefs/20/")
    assert_accessible(page)
    screenshot(page, "patient-question-360")
    page.goto("/learn/pain-traffic-light/")
    assert_accessible(page)

    # Reflow (WCAG 1.4.10): nothing scrolls sideways at 320 CSS px.
    page.set_viewport_size({"width": 320, "height": 700})
    for url in ("/me/", "/me/session/", "/me/load/", "/me/progress/", "/check/pattern/"):
        page.goto(url)
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{url} scrolls sideways by {wide}px at 320 px"


def test_the_symptom_check_works_by_keyboard_alone(page: Any) -> None:
    """Tab to each question, Space for yes or an arrow for no, Enter to continue."""
    page.goto("/check/")
    page.locator("#content").focus()
    page.keyboard.press("Tab")  # "Start the check" is the first link in the page body
    while page.evaluate("document.activeElement.textContent.trim()") != "Start the check":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(5):
        if "/check/result/" in page.url:
            break
        page.locator("#content").focus()
        questions = page.locator("fieldset").count()
        page.keyboard.press("Tab")  # the back link
        for _question in range(questions):
            page.keyboard.press("Tab")  # the first radio of the next unanswered group
            assert page.evaluate("document.activeElement.type") == "radio"
            page.keyboard.press("ArrowRight")  # moves to "No" and selects it
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Continue"
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/check/result/")
    assert page.get_by_role("heading", name="Your symptom check result").is_visible()


def test_a_sign_up_whose_email_cannot_be_sent_says_so_and_sends_it_later(
    page: Any, live_server: Any, settings: Any
) -> None:
    from sitbone.clinics.models import Clinic
    from tests.mail import MAIL_SERVER_DOWN

    Clinic.objects.create(name="Harbour Physio", time_zone="Europe/London")
    page.goto("/check/")
    page.get_by_role("link", name="Start the check").click()
    for yes in (set(), {"gradual_onset"}, set(), set(), {"sitting_pain_at_sit_bone"}):
        answer_page(page, yes)
    page.get_by_role("link", name="Create an account").click()
    fill_sign_up(page)
    working = settings.MAILERS
    settings.MAILERS = MAIL_SERVER_DOWN
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your email could not be sent").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    settings.MAILERS = working
    page.get_by_role("button", name="Send the email again").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    (email,) = mail.outbox
    assert "/register/confirm/" in email.body
