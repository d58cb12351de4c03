"""Bad input on every form: a clear message, a 4xx, and nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client

from sitbone.clinics.models import Clinic, Invitation
from sitbone.patients.models import Patient
from tests.conftest import World

GOOD_PATIENT = {
    "full_name": "Nina New",
    "email": "nina@new.test",
    "affected_side": "left",
    "activities": "",
    "goals": "",
    "irritability": "moderate",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_name": ""}, b"This field is required"),
        ({"full_name": "x" * 151}, b"at most 150 characters"),
        ({"full_name": "Bad\x00Name"}, b"Null characters are not allowed"),
        ({"email": "not-an-email"}, b"valid email"),
        ({"affected_side": "middle"}, b"Select a valid choice"),
        ({"date_of_birth": "1800-01-01"}, b"between 1900 and today"),
        ({"date_of_birth": "yesterday"}, b"valid date"),
        ({"goals": "g" * 2001}, b"at most 2000 characters"),
    ],
)
def test_adding_a_patient_with_bad_input_is_refused_and_nothing_is_written(
    world: World, change: dict[str, str], message: bytes
) -> None:
    client = Client()
    client.force_login(world.clinician)
    before = (Patient.objects.count(), Invitation.objects.count())
    response = client.post("/clinic/patients/new/", {**GOOD_PATIENT, **change})
    assert response.status_code == 400
    assert message in response.content
    assert b"There is a problem" in response.content
    assert (Patient.objects.count(), Invitation.objects.count()) == before


def test_a_duplicate_patient_email_is_refused_with_a_message(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    response = client.post(
        "/clinic/patients/new/", {**GOOD_PATIENT, "email": world.patient.email.upper()}
    )
    assert response.status_code == 400
    assert b"already has a patient with this email" in response.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "time_zone": "Europe/London"}, b"This field is required"),
        ({"name": "Harbour", "time_zone": "Mars/Olympus"}, b"IANA list"),
        ({"name": "H" * 121, "time_zone": "Europe/London"}, b"at most 120 characters"),
    ],
)
def test_clinic_settings_refuse_bad_input(
    world: World, data: dict[str, str], message: bytes
) -> None:
    client = Client()
    client.force_login(world.admin)
    response = client.post("/clinic/settings/", data)
    assert response.status_code == 400
    assert message in response.content
    world.clinic.refresh_from_db()
    assert (world.clinic.name, world.clinic.time_zone) == ("Harbour Physio", "Australia/Sydney")


def test_clinic_settings_save_good_input(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    response = client.post(
        "/clinic/settings/",
        {
            "name": "Harbour Sports Physio",
            "time_zone": "Australia/Perth",
            "require_staff_mfa": "on",
        },
    )
    assert response.status_code == 302
    clinic = Clinic.objects.get(pk=world.clinic.pk)
    assert (clinic.name, clinic.time_zone, clinic.require_staff_mfa) == (
        "Harbour Sports Physio",
        "Australia/Perth",
        True,
    )


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "", "email": "a@b.test", "role": "clinician"},
        {"full_name": "A", "email": "nope", "role": "clinician"},
        {"full_name": "A", "email": "a@b.test", "role": "superuser"},
    ],
)
def test_staff_invitations_refuse_bad_input(world: World, data: dict[str, str]) -> None:
    client = Client()
    client.force_login(world.admin)
    response = client.post("/clinic/staff/", data)
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_forms_reject_posts_without_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.clinician)
    response = client.post("/clinic/patients/new/", GOOD_PATIENT)
    assert response.status_code == 403
    assert not Patient.objects.filter(email="nina@new.test").exists()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("patient", "/me/session/"),
        ("patient", "/me/morning/"),
        ("patient", "/appointments/book/"),
        ("assigned_clinician", "/clinic/patients/new/"),
        ("assigned_clinician", "/clinic/patients/{patient}/reports/"),
        ("assigned_clinician", "/clinic/patients/{patient}/assessments/new/"),
        ("clinic_admin", "/clinic/staff/"),
        ("clinic_admin", "/clinic/settings/"),
        ("clinic_admin", "/appointments/settings/"),
        ("anonymous", "/check/onset/"),
    ],
)
def test_an_empty_post_is_told_what_is_missing(world: World, role: str, path: str) -> None:
    """An empty POST binds the form (not `request.POST or None`), so the person sees what to
    fill in rather than the blank form again with a 400."""
    client = Client()
    if (user := world.user_for(role)) is not None:
        client.force_login(user)
    response = client.post(path.format(patient=world.patient.public_id), {})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
