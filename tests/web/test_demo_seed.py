from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from sitbone.accounts.models import User
from sitbone.clinics.models import Clinic
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision


@pytest.fixture
def demo_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo passphrase for tests")
    return "demo passphrase for tests"


def test_the_demo_clinic_is_seeded_once_with_weeks_of_history(db: None, demo_password: str) -> None:
    call_command("seed_demo", if_empty=True)
    counts = (User.objects.count(), SessionLog.objects.count(), Decision.objects.count())
    call_command("seed_demo", if_empty=True)
    assert (User.objects.count(), SessionLog.objects.count(), Decision.objects.count()) == counts
    assert Clinic.objects.filter(name="Demo Physio Clinic").count() == 1
    alex = Patient.objects.get(email="alex@demo.clinic")
    sam = Patient.objects.get(email="sam@demo.clinic")
    assert (alex.stage, sam.stage) == (2, 1)
    assert SessionLog.objects.filter(patient=alex).count() >= 14
    assert MorningCheck.objects.filter(patient=sam).count() >= 6
    assert Decision.objects.filter(patient=sam, zone="red").exists()
    assert alex.programmes.count() == 2


@pytest.mark.parametrize("weekday", range(7))
def test_the_story_is_the_same_whatever_weekday_the_demo_is_seeded_on(
    db: None, demo_password: str, weekday: int
) -> None:
    monday = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
    with time_machine.travel(monday + dt.timedelta(days=weekday), tick=False):
        call_command("seed_demo", if_empty=True)
    sam = Patient.objects.get(email="sam@demo.clinic")
    decisions = Decision.objects.filter(patient=sam).order_by("made_on", "id")
    zones = list(decisions.values_list("zone", flat=True))
    assert "red" in zones, zones
    assert zones[-1] != "red", zones  # the flare settles
    assert SessionLog.objects.filter(patient__email="alex@demo.clinic").count() >= 14


def test_every_demo_user_can_sign_in_and_reaches_their_own_home(
    db: None, demo_password: str
) -> None:
    call_command("seed_demo", if_empty=True)
    homes = {
        "admin@demo.clinic": "/clinic/",
        "physio@demo.clinic": "/clinic/",
        "alex@demo.clinic": "/me/",
        "sam@demo.clinic": "/me/",
    }
    for email, home in homes.items():
        client = Client()
        response = client.post(
            "/accounts/login/", {"login": email, "password": demo_password}, follow=True
        )
        assert response.redirect_chain[-1][0] == home, email


@override_settings(SITBONE_DEMO_ALLOWED=False)
def test_demo_seeding_is_refused_under_production_settings(db: None) -> None:
    with pytest.raises(CommandError, match="refused under production"):
        call_command("seed_demo")
    assert not Clinic.objects.exists()
