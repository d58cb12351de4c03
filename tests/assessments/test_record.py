"""Outcome measures entered by the clinician, adjunct therapies with their evidence, and notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sitbone.assessments.models import AdjunctTherapy, ClinicalNote
from sitbone.clinics.models import AuditEvent
from sitbone.measures.models import MeasureResult
from tests.clinics.factories import clinic_today, measure_for, visa_h_answers
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visa_form(world: World, total: int, **changes: Any) -> dict[str, Any]:
    answers = visa_h_answers(total)
    data: dict[str, Any] = {f"q{i}": answers[f"q{i}"] for i in range(1, 8)}
    data |= {"q8_branch": "no_pain", "q8_minutes": 0}
    data["taken_on"] = clinic_today(world.patient).isoformat()
    data.update(changes)
    return data


def test_a_clinician_records_a_visa_h_scored_by_the_engine(world: World) -> None:
    url = f"/clinic/patients/{world.patient.public_id}/measures/visa_h/new/"

    response = client_for(world.clinician).post(url, visa_form(world, 43))

    assert response.status_code == 302
    result = MeasureResult.objects.get(patient=world.patient)
    assert (result.instrument, result.total, result.entered_by) == ("visa_h", 43, world.clinician)
    assert result.answers["q8"] == {"branch": "no_pain", "minutes": 0}


def test_history_shows_change_with_no_verdict_for_visa_h_and_mcid_for_lefs(
    world: World,
) -> None:
    today = clinic_today(world.patient)
    measure_for(world.patient, "visa_h", 40, today - dt.timedelta(days=30))
    measure_for(world.patient, "visa_h", 52, today)
    measure_for(world.patient, "lefs", 50, today - dt.timedelta(days=30))
    measure_for(world.patient, "lefs", 60, today)

    page = client_for(world.clinician).get(f"/clinic/patients/{world.patient.public_id}/measures/")

    text = page.content.decode()
    assert "+12" in text
    assert "no published MCID" in text
    assert "No clinically important change is published for VISA-H" in text
    assert "+10" in text
    assert "MCID reached" in text


def test_a_clinic_visa_h_threshold_gives_visa_h_changes_a_verdict(world: World) -> None:
    world.clinic.settings = {"thresholds": {"visa_h_mcid": 10}}
    world.clinic.save()
    today = clinic_today(world.patient)
    measure_for(world.patient, "visa_h", 40, today - dt.timedelta(days=30))
    measure_for(world.patient, "visa_h", 52, today)

    page = client_for(world.clinician).get(f"/clinic/patients/{world.patient.public_id}/measures/")

    assert "MCID reached" in page.content.decode()
    assert "clinic threshold" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [({"q1": "11"}, "less than or equal to 10"), ({"q7": "5"}, "Select a valid choice")],
)
def test_an_invalid_questionnaire_is_refused_and_nothing_is_stored(
    world: World, change: dict[str, str], message: str
) -> None:
    url = f"/clinic/patients/{world.patient.public_id}/measures/visa_h/new/"

    response = client_for(world.clinician).post(url, visa_form(world, 43, **change))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MeasureResult.objects.exists()


def test_an_unknown_instrument_is_not_found(world: World) -> None:
    url = f"/clinic/patients/{world.patient.public_id}/measures/phat/new/"
    assert client_for(world.clinician).get(url).status_code == 404


def test_adjunct_therapies_are_recorded_beside_their_evidence(world: World) -> None:
    url = f"/clinic/patients/{world.patient.public_id}/adjuncts/"
    client = client_for(world.clinician)

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "shockwave",
            "given_on": clinic_today(world.patient).isoformat(),
            "dose": "2,500 impulses at 0.18 mJ/mm²",
            "guidance": "",
        },
    )

    assert "Cacchio et al. 2011" in page
    assert "Level 2 (single RCT, unblinded)" in page
    assert "Zissen et al. 2010" in page
    assert response.status_code == 302
    therapy = AdjunctTherapy.objects.get(patient=world.patient)
    assert (therapy.kind, therapy.recorded_by) == ("shockwave", world.clinician)
    assert AuditEvent.objects.filter(action="adjunct.create", patient=world.patient).exists()


def test_an_invalid_adjunct_is_refused_and_nothing_is_stored(world: World) -> None:
    url = f"/clinic/patients/{world.patient.public_id}/adjuncts/"

    response = client_for(world.clinician).post(url, {"kind": "leeches", "given_on": "soon"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not AdjunctTherapy.objects.exists()


def test_notes_are_added_to_the_record_and_show_on_the_patient_page(world: World) -> None:
    client = client_for(world.clinician)
    url = f"/clinic/patients/{world.patient.public_id}/notes/"

    response = client.post(url, {"text": "Discussed sitting on a cushion at work."})
    empty = client.post(url, {"text": "   "})

    assert response.status_code == 302
    assert empty.status_code == 400
    assert "Write the note before saving it." in empty.content.decode()
    assert ClinicalNote.objects.get().author == world.clinician
    page = client.get(f"/clinic/patients/{world.patient.public_id}/").content.decode()
    assert "Discussed sitting on a cushion at work." in page


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("measures/visa_h/new/", {"taken_on": "2026-01-01", "q1": "5"}),
        ("adjuncts/", {"kind": "shockwave", "given_on": "2026-01-01"}),
        ("notes/", {"text": "Probe"}),
    ],
)
def test_another_clinics_clinician_gets_404_and_writes_nothing(
    world: World, path: str, data: dict[str, str]
) -> None:
    url = f"/clinic/patients/{world.patient.public_id}/{path}"

    response = client_for(world.other_clinic_clinician).post(url, data)

    assert response.status_code == 404
    assert not MeasureResult.objects.exists()
    assert not AdjunctTherapy.objects.exists()
    assert not ClinicalNote.objects.exists()
    assert AuditEvent.objects.filter(action="patient.probe").exists()
