"""A clinic admin sets the clinic's own engine thresholds: validated by the engine, checked against
every patient's own overrides, audited, and used by every decision after."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from sitbone.programmes.services import engine_thresholds
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = "/clinic/settings/thresholds/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_each_threshold_with_sitbones_default_and_how_firm_it_is(
    world: World,
) -> None:
    page = client_for(world.admin).get(URL).content.decode()

    assert "Pain during, after or next morning from here is red. Sitbone default: 6." in page
    assert "The clinic&#x27;s own VISA-H change threshold. Sitbone default: none." in page
    assert "have not been checked against the original papers" in page


def test_saved_values_reach_every_patients_decisions_and_the_change_is_audited(
    world: World,
) -> None:
    world.clinic.settings = {"locale_note": "kept"}
    world.clinic.save()

    response = client_for(world.admin).post(
        URL, {"red_pain": "7", "amber_pain": "5", "visa_h_mcid": "9"}
    )

    assert response.status_code == 302
    world.clinic.refresh_from_db()
    assert world.clinic.settings == {
        "locale_note": "kept",
        "thresholds": {"red_pain": 7, "amber_pain": 5, "visa_h_mcid": 9},
    }
    world.patient.refresh_from_db()
    assert engine_thresholds(world.patient) == {"red_pain": 7, "amber_pain": 5, "visa_h_mcid": 9}
    event = AuditEvent.objects.get(action="clinic.thresholds")
    assert (event.actor_id, event.clinic_id, event.detail) == (
        world.admin.pk,
        world.clinic.pk,
        "amber_pain, red_pain, visa_h_mcid",
    )
    assert 'value="7"' in client_for(world.admin).get(URL).content.decode()


def test_an_empty_form_returns_the_clinic_to_sitbones_defaults(world: World) -> None:
    world.clinic.settings = {"thresholds": {"red_pain": 8}}
    world.clinic.save()

    response = client_for(world.admin).post(URL, {})

    assert response.status_code == 302
    world.clinic.refresh_from_db()
    assert world.clinic.settings == {}
    assert AuditEvent.objects.get(action="clinic.thresholds").detail == "red_pain"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amber_pain": "8"}, "amber_pain (8) must be below red_pain (6)"),
        ({"red_pain": "0"}, "red_pain must be a whole number from 1 to 10; got 0"),
        ({"trend_rising": "20"}, "trend_rising must be a number from 0.1 to 10; got 20"),
        ({"red_pain": "six"}, "Enter a whole number"),
    ],
)
def test_values_the_engine_refuses_get_its_message_and_change_nothing(
    world: World, data: dict[str, str], message: str
) -> None:
    world.clinic.settings = {"thresholds": {"red_pain": 8}}
    world.clinic.save()

    response = client_for(world.admin).post(URL, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    world.clinic.refresh_from_db()
    assert world.clinic.settings == {"thresholds": {"red_pain": 8}}
    assert not AuditEvent.objects.filter(action="clinic.thresholds").exists()


def test_values_a_patients_own_overrides_would_contradict_are_refused_naming_the_patient(
    world: World,
) -> None:
    world.patient.thresholds = {"amber_pain": 5}
    world.patient.save()

    response = client_for(world.admin).post(URL, {"red_pain": "5", "amber_pain": "3"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "1 patient of the clinic has their own thresholds that would not fit" in page
    assert "amber_pain (5) must be below red_pain (5)" in page
    assert f"/clinic/patients/{world.patient.public_id}/thresholds/" in page
    assert world.patient.full_name in page
    world.clinic.refresh_from_db()
    assert "thresholds" not in world.clinic.settings
    read = AuditEvent.objects.get(action="thresholds.conflicts")
    assert (read.actor_id, read.patient_id) == (world.admin.pk, world.patient.pk)
    # another clinic's patient with the same overrides is no concern of this clinic's
    world.patient.thresholds = {}
    world.patient.save()
    Patient.objects.create(
        clinic=world.other_clinic,
        full_name="Hal Hilltop",
        email="hal@hilltop.test",
        thresholds={"amber_pain": 5},
    )
    assert client_for(world.admin).post(URL, {"red_pain": "5"}).status_code == 302


@pytest.mark.parametrize("who", ["clinician", "other_clinic_clinician", "patient_user"])
def test_only_the_clinics_admin_may_change_them(world: World, who: str) -> None:
    response = client_for(getattr(world, who)).post(URL, {"red_pain": "9"})

    assert response.status_code == 404
    world.clinic.refresh_from_db()
    assert "thresholds" not in world.clinic.settings
