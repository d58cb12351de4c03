"""Every patient page renders for the demo patients' weeks of engine-made history."""

from __future__ import annotations

import pytest
from django.test import Client

from sitbone.accounts.models import User


@pytest.fixture
def demo(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitbone.demo.seed import seed_demo_clinic

    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo passphrase for tests")
    seed_demo_clinic()


@pytest.mark.parametrize("email", ["alex@demo.clinic", "sam@demo.clinic"])
def test_demo_patients_see_their_history(demo: None, email: str) -> None:
    client = Client()
    client.force_login(User.objects.get(email=email))
    for url in ("/me/", "/me/session/", "/me/load/", "/me/questionnaires/", "/me/reminders/"):
        assert client.get(url).status_code == 200, url
    progress = client.get("/me/progress/").content.decode()
    assert progress.count('<svg class="chart"') == 4
    assert "Next-morning pain has" in progress
    assert "VISA-H went from" in progress or "VISA-H was" in progress
    assert "LEFS went from" in progress or "LEFS was" in progress
