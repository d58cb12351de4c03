"""Staff correct a patient's details (name, birth date, side, activities, goals, irritability,
equipment): audited by field name, bad input changes nothing, and the engine's next
prescription uses the new equipment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from sitbone.programmes.services import prescription_for
from tests.conftest import World, signed_in

NEW_PATIENT = {
    "full_name": "Nia New",
    "email": "nia@example.test",
    "affected_side": "left",
    "irritability": "moderate",
}


def details_url(patient: Patient) -> str:
    return f"/clinic/patients/{patient.public_id}/details/"


def form_of(patient: Patient, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": patient.full_name,
        "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else "",
        "affected_side": patient.affected_side,
        "activities": patient.activities,
        "goals": patient.goals,
        "irritability": patient.irritability,
        "equipment": list(patient.equipment or []),
    }
    return {**data, **changes}


def edits() -> Any:
    return AuditEvent.objects.filter(action="patient.details_update")


def test_the_clinician_corrects_the_record_and_the_audit_names_the_fields_only(
    world: World,
) -> None:
    patient = world.patient
    clinician = signed_in(world.clinician)
    page = clinician.get(details_url(patient)).content.decode()
    assert "Details for Pat Patient" in page
    assert "Resistance band" in page  # the engine's equipment, as checkboxes

    response = clinician.post(
        details_url(patient),
        form_of(
            patient,
            full_name="Patricia Patient",
            irritability="high",
            equipment=["swiss_ball", "resistance_band"],
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/clinic/patients/{patient.public_id}/"
    patient.refresh_from_db()
    assert patient.full_name == "Patricia Patient"
    assert patient.irritability == "high"
    assert patient.equipment == ["resistance_band", "swiss_ball"]
    event = edits().get()
    assert event.patient == patient and event.actor == world.clinician
    assert event.detail == "changed name, irritability, equipment"
    overview = clinician.get(response["Location"]).content.decode()
    assert "Saved: name, irritability, equipment changed." in overview
    assert "<dd>Resistance band, Gym ball</dd>" in overview


def test_the_form_shows_the_stored_birth_date_as_the_date_picker_reads_it(world: World) -> None:
    Patient.objects.filter(pk=world.patient.pk).update(date_of_birth=dt.date(1990, 5, 4))
    page = signed_in(world.clinician).get(details_url(world.patient)).content.decode()
    # ISO, whatever the locale's format: a picker given 04/05/1990 shows an empty field,
    # and saving the form would then erase the date
    assert 'type="date" name="date_of_birth" value="1990-05-04"' in page


def test_the_next_prescription_uses_the_equipment(world: World) -> None:
    patient = world.patient
    before = {
        item["exercise_id"] for item in prescription_for(patient=patient, stage=2)["exercises"]
    }
    assert "standing_band_curl" not in before

    signed_in(world.clinician).post(
        details_url(patient), form_of(patient, equipment=["resistance_band", "swiss_ball"])
    )

    patient.refresh_from_db()
    after = {
        item["exercise_id"] for item in prescription_for(patient=patient, stage=2)["exercises"]
    }
    assert {"standing_band_curl", "ball_curl"} <= after


def test_bad_input_is_refused_with_messages_and_changes_nothing(world: World) -> None:
    patient = world.patient
    clinician = signed_in(world.clinician)
    tomorrow = dt.date.today() + dt.timedelta(days=2)  # noqa: DTZ011
    for changes, message in (
        ({"full_name": ""}, "This field is required."),
        ({"date_of_birth": tomorrow.isoformat()}, "Enter a date of birth between 1900 and today."),
        ({"equipment": ["jetpack"]}, "Tick only equipment from the list"),
        ({"irritability": "extreme"}, "Select a valid choice."),
    ):
        response = clinician.post(details_url(patient), form_of(patient, **changes))
        assert response.status_code == 400, changes
        text = response.content.decode()
        assert "There is a problem" in text and message in text, changes
        assert "<title>Error:" in text
    fresh = Patient.objects.get(pk=patient.pk)
    assert (fresh.full_name, fresh.date_of_birth, fresh.equipment) == (
        patient.full_name,
        patient.date_of_birth,
        patient.equipment,
    )
    assert not edits().exists()


def test_saving_without_a_change_writes_nothing(world: World) -> None:
    clinician = signed_in(world.clinician)
    response = clinician.post(details_url(world.patient), form_of(world.patient))
    assert response.status_code == 302
    assert "Nothing was changed." in clinician.get(response["Location"]).content.decode()
    assert not edits().exists()


def test_a_new_patient_can_be_given_equipment(world: World) -> None:
    response = signed_in(world.clinician).post(
        "/clinic/patients/new/", {**NEW_PATIENT, "equipment": ["step", "dumbbells"]}
    )
    assert response.status_code == 302
    assert Patient.objects.get(email="nia@example.test").equipment == ["dumbbells", "step"]


def test_an_admin_hands_the_patient_to_another_clinician(world: World) -> None:
    patient = world.patient
    admin = signed_in(world.admin)
    page = admin.get(details_url(patient)).content.decode()
    assert world.unassigned_clinician.full_name in page
    assert world.other_clinic_clinician.full_name not in page  # another clinic's
    newcomer = str(world.unassigned_clinician.public_id)

    response = admin.post(details_url(patient), form_of(patient, care_team=[newcomer]))

    assert response.status_code == 302
    assert list(patient.assigned_clinicians.all()) == [world.unassigned_clinician]
    event = edits().get()
    assert (
        event.detail == f"changed care team (care team now {world.unassigned_clinician.full_name})"
    )
    assert "Pat Patient" in signed_in(world.unassigned_clinician).get("/clinic/").content.decode()
    assert "Pat Patient" not in signed_in(world.clinician).get("/clinic/").content.decode()
    overview = admin.get(response["Location"]).content.decode()
    assert f"<dt>Care team</dt><dd>{world.unassigned_clinician.full_name}</dd>" in overview


def test_only_an_admin_changes_the_care_team(world: World) -> None:
    patient = world.patient
    before = set(patient.assigned_clinicians.all())
    clinician = signed_in(world.clinician)
    assert "A clinic admin changes it here." in clinician.get(details_url(patient)).content.decode()
    outsider = str(world.unassigned_clinician.public_id)
    clinician.post(details_url(patient), form_of(patient, care_team=[outsider]))
    assert set(patient.assigned_clinicians.all()) == before
    assert not edits().exists()

    stranger = str(world.other_clinic_clinician.public_id)
    refused = signed_in(world.admin).post(
        details_url(patient), form_of(patient, care_team=[stranger])
    )
    assert refused.status_code == 400
    assert "Select a valid choice." in refused.content.decode()
    assert set(patient.assigned_clinicians.all()) == before


def test_an_admin_gives_a_new_patient_a_care_team(world: World) -> None:
    response = signed_in(world.admin).post(
        "/clinic/patients/new/", {**NEW_PATIENT, "care_team": [str(world.clinician.public_id)]}
    )
    assert response.status_code == 302
    nia = Patient.objects.get(email="nia@example.test")
    assert list(nia.assigned_clinicians.all()) == [world.clinician]
