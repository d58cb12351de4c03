"""Hostile text stored through the forms renders as text in Chromium (issue 9, item 5): no
script runs, no dialog opens, no Content-Security-Policy violation (the `page` fixture fails on
any), and the words themselves are on the page for the person to read."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import sign_in

PAYLOADS = [
    "<script>window.pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.pwned=2;alert(2)">',
    "<svg onload=alert(3)>",
    "javascript:alert(4)",
]
TEXT = " ".join(PAYLOADS)


def watch(page: Any) -> list[str]:
    dialogs: list[str] = []

    def seen(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    return dialogs


def shows_as_text(page: Any) -> None:
    assert page.evaluate("window.pwned") is None
    body = page.inner_text("body")
    for payload in PAYLOADS:
        assert payload in body, f"{payload!r} is not shown as text on {page.url}"


def test_stored_script_payloads_render_as_text(page: Any) -> None:
    from sitbone.accounts.services import account_create
    from sitbone.clinics.models import Clinic, Membership
    from sitbone.patients.models import Patient
    from sitbone.programmes.services import programme_from_prescription

    clinic = Clinic.objects.create(name="Harbour Physio", time_zone="Europe/London")
    password = "a long passphrase"
    physio = account_create(email="cleo@example.test", password=password, full_name="Cleo")
    Membership.objects.create(clinic=clinic, user=physio, role="clinician")
    user = account_create(email="sam@example.test", password="a long passphrase", full_name=TEXT)
    patient = Patient.objects.create(clinic=clinic, user=user, full_name=TEXT, email=user.email)
    patient.assigned_clinicians.add(physio)
    programme_from_prescription(actor=None, patient=patient, stage=1, reason="First programme")
    dialogs = watch(page)

    # The patient logs a session with the payloads as the note, then reads it back.
    sign_in(page, "sam@example.test", "a long passphrase")
    page.goto("/me/session/")
    for scale in page.locator("fieldset:has(input[type=radio][value='2'])").all():
        scale.locator("input[type=radio][value='2']").check()
    page.locator("textarea[name=notes]").fill(TEXT)
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url(re.compile(r"/me/sessions/[0-9a-f-]{36}/$"))
    shows_as_text(page)

    # The physio reads the record (the name and the note) and writes a note of their own.
    page.context.clear_cookies()
    sign_in(page, "cleo@example.test", "a long passphrase")
    assert page.evaluate("window.pwned") is None
    page.goto(f"/clinic/patients/{patient.public_id}/")
    page.locator("textarea[name=text]").fill(TEXT)
    page.get_by_role("button", name="Add note").click()
    page.wait_for_load_state()
    assert page.locator("li.note").count() == 1
    shows_as_text(page)
    page.goto("/clinic/")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
