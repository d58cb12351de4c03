"""Patient pages stay small (quality target: ≤ 100 KB transferred): HTML plus our CSS and JS,
measured uncompressed, which over-counts what a browser receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import sitbone

STATIC = Path(sitbone.__file__).parent
ASSETS = sum(
    (STATIC / path).stat().st_size
    for path in (
        "web/static/sitbone/sitbone.css",
        "web/static/sitbone/sitbone.js",
        "patients/static/patients/patients.css",
        "patients/static/patients/session.js",
    )
)


@pytest.mark.parametrize(
    "url", ["/me/", "/me/session/", "/me/progress/", "/me/load/", "/me/questionnaires/"]
)
def test_patient_pages_are_light(
    programme: Any, patient_client: Client, clock: Any, url: str
) -> None:
    html = patient_client.get(url).content
    assert len(html) + ASSETS < 100_000, f"{url}: {len(html)} bytes of HTML"


def test_public_check_pages_are_light() -> None:
    html = Client().get("/check/emergency/").content
    assert len(html) + ASSETS < 100_000
