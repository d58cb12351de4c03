"""Two people editing a patient's details at once: a save writes only what its user changed, so
nobody's change is silently undone; when both changed the same field to different values, the
later save is refused (409), changes nothing, and shows the record as it is with the user's other
changes kept for them to send again."""

from __future__ import annotations

import html
import re

from django.test import Client

from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from sitbone.patients.services import patient_details_update
from tests.clinics.test_patient_details import details_url, form_of
from tests.conftest import World, signed_in


def opened(client: Client, path: str) -> str:
    """The fingerprints the page was drawn with (its hidden ``opened`` field)."""
    return opened_in(client.get(path).content.decode())


def record(world: World) -> Patient:
    return Patient.objects.get(pk=world.patient.pk)


def test_a_save_keeps_what_someone_else_changed_after_the_form_was_opened(world: World) -> None:
    clinician = signed_in(world.clinician)
    shown = form_of(world.patient)
    fingerprints = opened(clinician, details_url(world.patient))
    # Meanwhile the patient says what equipment they have.
    me = signed_in(world.patient_user)
    assert me.post("/me/equipment/", {"equipment": ["swiss_ball"]}).status_code == 302

    response = clinician.post(
        details_url(world.patient), {**shown, "goals": "Sit through a film", "opened": fingerprints}
    )

    assert response.status_code == 302
    patient = record(world)
    assert patient.goals == "Sit through a film"
    assert patient.equipment == ["swiss_ball"]  # the form's empty list did not undo it
    latest = AuditEvent.objects.filter(action="patient.details_update").order_by("-id").first()
    assert latest.actor == world.clinician and latest.detail == "changed goals"


def test_the_same_field_changed_twice_refuses_the_later_save_and_keeps_the_users_work(
    world: World,
) -> None:
    admin, clinician = signed_in(world.admin), signed_in(world.clinician)
    shown = form_of(world.patient)
    admin_opened = opened(admin, details_url(world.patient))
    clinician_opened = opened(clinician, details_url(world.patient))
    first = admin.post(
        details_url(world.patient),
        {**shown, "full_name": "Patricia Patient", "opened": admin_opened},
    )
    assert first.status_code == 302

    later = clinician.post(
        details_url(world.patient),
        {
            **shown,
            "full_name": "Pat Patient-Smith",
            "goals": "Sit through a film",
            "opened": clinician_opened,
        },
    )

    assert later.status_code == 409
    page = later.content.decode()
    assert "someone else changed the name, so nothing was saved" in page
    assert 'value="Patricia Patient"' in page  # the record as it is now
    assert "Sit through a film</textarea>" in page  # the clinician's other change, kept
    patient = record(world)
    assert (patient.full_name, patient.goals) == ("Patricia Patient", "")
    assert AuditEvent.objects.filter(action="patient.details_update").count() == 1

    # Sent again as drawn, the page saves the goals and leaves the admin's name.
    again = dict(re.findall(r'name="(full_name|affected_side|irritability)" value="([^"]*)"', page))
    resend = {
        **shown,
        **again,
        "goals": "Sit through a film",
        "opened": opened_in(page),
    }
    assert clinician.post(details_url(world.patient), resend).status_code == 302
    patient = record(world)
    assert (patient.full_name, patient.goals) == ("Patricia Patient", "Sit through a film")


def test_both_making_the_same_change_is_no_conflict(world: World) -> None:
    admin, clinician = signed_in(world.admin), signed_in(world.clinician)
    shown = form_of(world.patient)
    openings = [
        opened(admin, details_url(world.patient)),
        opened(clinician, details_url(world.patient)),
    ]
    for client, fingerprints in zip((admin, clinician), openings, strict=True):
        response = client.post(
            details_url(world.patient), {**shown, "irritability": "high", "opened": fingerprints}
        )
        assert response.status_code == 302
    assert record(world).irritability == "high"


def test_an_admins_save_does_not_undo_a_care_team_change_made_meanwhile(world: World) -> None:
    admin = signed_in(world.admin)
    fingerprints = opened(admin, details_url(world.patient))
    shown = {**form_of(world.patient), "care_team": [str(world.clinician.public_id)]}
    patient_details_update(actor=world.admin, patient=world.patient, data={"care_team": []})

    response = admin.post(
        details_url(world.patient), {**shown, "goals": "Run again", "opened": fingerprints}
    )

    assert response.status_code == 302
    assert list(record(world).assigned_clinicians.all()) == []


def test_a_form_whose_fingerprints_cannot_be_read_is_refused_and_changes_nothing(
    world: World,
) -> None:
    response = signed_in(world.clinician).post(
        details_url(world.patient),
        {**form_of(world.patient), "goals": "Run again", "opened": "{not json"},
    )

    assert response.status_code == 400
    assert "This page could not be read back. Open it again and make your change." in (
        response.content.decode()
    )
    assert record(world).goals == ""


def test_the_patients_list_does_not_undo_their_physios_change(world: World) -> None:
    me = signed_in(world.patient_user)
    fingerprints = opened(me, "/me/equipment/")
    clinician = signed_in(world.clinician)
    physio = clinician.post(
        details_url(world.patient), form_of(world.patient, equipment=["resistance_band"])
    )
    assert physio.status_code == 302

    response = me.post("/me/equipment/", {"equipment": ["swiss_ball"], "opened": fingerprints})

    assert response.status_code == 409
    page = response.content.decode()
    assert "changed somewhere else after you opened this page" in page
    assert ticked(page) == {"resistance_band"}
    assert record(world).equipment == ["resistance_band"]
    resend = {"equipment": ["resistance_band", "swiss_ball"], "opened": opened_in(page)}
    assert me.post("/me/equipment/", resend).status_code == 302
    assert record(world).equipment == ["resistance_band", "swiss_ball"]


def ticked(page: str) -> set[str]:
    return set(
        re.findall(r'<input type="checkbox" name="equipment" value="(\w+)"[^>]*checked>', page)
    )


def opened_in(page: str) -> str:
    found = re.search(r'name="opened" value="([^"]*)"', page)
    assert found is not None, "the page has no opened field"
    return html.unescape(found.group(1))
