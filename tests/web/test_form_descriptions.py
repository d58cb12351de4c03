"""A field's hint and error are what its `aria-describedby` names, so a screen reader reads them
with the field (Django names them `<id>_helptext` and `<id>_error`)."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import World


def described_but_missing(html: str) -> list[str]:
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id used twice"
    named = {
        name for value in re.findall(r'aria-describedby="([^"]+)"', html) for name in value.split()
    }
    return sorted(named - set(ids))


def test_hints_and_errors_are_the_fields_descriptions(world: World) -> None:
    client = Client()
    client.force_login(world.patient_user)

    shown = client.get("/accounts/password/change/").content.decode()
    refused = client.post(
        "/accounts/password/change/", {"oldpassword": "x", "password1": "12345"}
    ).content.decode()

    assert 'aria-describedby="id_password1_helptext"' in shown
    assert 'id="id_password1_helptext"' in shown
    assert 'id="id_oldpassword_error"' in refused
    # three rules broken, one description naming them all
    assert refused.count('id="id_password1_error"') == 1
    assert "too short" in refused and "entirely numeric" in refused
    assert described_but_missing(shown) == [] and described_but_missing(refused) == []
