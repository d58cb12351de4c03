"""The patient says what equipment they have: stored on the record and audited as a change of
its details, shown to their clinician, used by the next prescription; bad input changes
nothing."""

from __future__ import annotations

import re

from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from sitbone.programmes.services import prescription_for
from tests.conftest import World, signed_in


def test_the_patient_ticks_what_they_have_and_their_physio_sees_it(world: World) -> None:
    me = signed_in(world.patient_user)
    assert "Your equipment" in me.get("/me/").content.decode()

    response = me.post("/me/equipment/", {"equipment": ["swiss_ball", "resistance_band"]})

    assert response.status_code == 302
    page = me.get("/me/equipment/").content.decode()
    assert "Saved. Your physio uses this list when they next set your programme." in page
    ticked = set(
        re.findall(r'<input type="checkbox" name="equipment" value="(\w+)"[^>]*checked>', page)
    )
    assert ticked == {"resistance_band", "swiss_ball"}
    patient = Patient.objects.get(pk=world.patient.pk)
    assert patient.equipment == ["resistance_band", "swiss_ball"]
    event = AuditEvent.objects.get(action="patient.details_update")
    assert event.actor == world.patient_user and event.detail == "changed equipment"
    overview = signed_in(world.clinician).get(f"/clinic/patients/{patient.public_id}/")
    assert "<dd>Resistance band, Gym ball</dd>" in overview.content.decode()
    stage_2 = {
        item["exercise_id"] for item in prescription_for(patient=patient, stage=2)["exercises"]
    }
    assert "standing_band_curl" in stage_2


def test_equipment_not_on_the_list_is_refused_and_changes_nothing(world: World) -> None:
    me = signed_in(world.patient_user)
    response = me.post("/me/equipment/", {"equipment": ["resistance_band", "rowing machine"]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Tick only equipment from the list" in text and "<title>Error:" in text
    assert Patient.objects.get(pk=world.patient.pk).equipment == []
    assert not AuditEvent.objects.filter(action="patient.details_update").exists()
