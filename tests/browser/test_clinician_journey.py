"""The demo clinician's morning in Chromium: triage, approve Alex's stage change, edit one dose,
assess with a positive modified bent-knee test, and download both PDFs — axe on every page."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> str:
    from sitbone.demo.seed import seed_demo_clinic

    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo passphrase for tests")
    seed_demo_clinic()
    return "demo passphrase for tests"


def downloaded_text(download: Any) -> str:
    content = open(download.path(), "rb").read()  # noqa: SIM115 - Playwright owns the file
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_the_demo_clinician_works_through_the_morning(page: Any, demo: str) -> None:
    from sitbone.engine.commands import COMMANDS
    from sitbone.patients.models import Patient

    alex = Patient.objects.get(full_name="Alex Rivera")
    sign_in(page, "physio@demo.clinic", demo)

    # Triage: Alex waits for approval of the engine's proposed advance.
    assert page.url.endswith("/clinic/")
    row = page.locator("li.triage-row", has_text="Alex Rivera")
    expect(row.get_by_text("Proposed advance: stage 2 → 3")).to_be_visible()
    screenshot(page, "clinician-triage")
    assert_accessible(page)

    # Approve the stage change with a note.
    row.get_by_role("link", name=re.compile("Review stage change")).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Stage 2 → 3 for Alex Rivera")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Approve the stage change").check()
    page.get_by_label("Note for the patient").fill("Strength is even: on to stage 3.")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url(re.compile(r"/clinic/patients/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("Stage change approved for Alex Rivera.")).to_be_visible()
    expect(page.get_by_text("Stage 3", exact=True).first).to_be_visible()
    screenshot(page, "clinician-patient")
    assert_accessible(page)

    # Edit one dose of the new stage-3 programme.
    page.get_by_role("link", name="Edit the programme").click()
    page.wait_for_load_state()
    assert_accessible(page)
    sets = page.locator("#id_ex-0-sets")
    before = int(sets.input_value())
    sets.fill(str(before + 1))
    page.get_by_label("Why this change").fill("One more set: green all week")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(re.compile(r"/programme/$"))
    expect(page.get_by_text(re.compile(r"Programme version \d+ saved\."))).to_be_visible()
    expect(page.get_by_text(f"sets {before} → {before + 1}")).to_be_visible()
    assert_accessible(page)

    # Assess with a positive modified bent-knee test and read the post-test probability.
    page.get_by_role("navigation", name="Patient record").get_by_role(
        "link", name="Assessments"
    ).click()
    page.get_by_role("link", name="New assessment").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.locator("#id_modified_bent_knee_1").check()
    pretest = Decimal(page.get_by_label("Pre-test probability of PHT (%)").input_value()) / 100
    page.get_by_role("button", name="Save assessment").click()
    page.wait_for_url(re.compile(r"/assessments/[0-9a-f-]{36}/$"))
    expected = COMMANDS["post-test"](
        {"pretest": pretest, "tests": [{"name": "modified_bent_knee", "result": "positive"}]}
    )
    percent = round(Decimal(str(expected["posttest"])) * 100)
    expect(page.get_by_text(f"Post-test probability: {percent}%")).to_be_visible()
    expect(page.get_by_text("likelihood ratio 10.2").first).to_be_visible()
    screenshot(page, "clinician-assessment")
    assert_accessible(page)

    # Both PDFs: the exercise sheet and a progress report for the referrer.
    page.get_by_role("navigation", name="Patient record").get_by_role(
        "link", name="Reports"
    ).click()
    page.wait_for_load_state()
    assert_accessible(page)
    with page.expect_download() as sheet:
        page.get_by_role("link", name="Download the exercise sheet (PDF)").click()
    sheet_text = downloaded_text(sheet.value)
    page.get_by_label("The referring doctor").check()
    page.get_by_label("Your summary").fill("Settled tendon, strength symmetrical; stage 3 now.")
    with page.expect_download() as progress:
        page.get_by_role("button", name="Create the progress report (PDF)").click()
    progress_text = downloaded_text(progress.value)

    alex.refresh_from_db()
    latest_visa = alex.measures.filter(instrument="visa_h").order_by("-taken_on").first()
    assert alex.stage == 3
    for text in (sheet_text, progress_text):
        assert "Alex Rivera" in text
        assert "Stage 3" in text
        assert f"VISA-H {latest_visa.total}/100" in text
    assert "Settled tendon, strength symmetrical; stage 3 now." in progress_text
