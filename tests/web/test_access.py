"""Deny by default: probes look like missing pages and are logged; staff reads are audited."""

from __future__ import annotations

from django.test import Client

from sitbone.clinics.models import AuditEvent
from tests.conftest import World


def test_a_staff_read_of_a_patient_is_audited_once(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    assert client.get(f"/clinic/patients/{world.patient.public_id}/").status_code == 200
    reads = AuditEvent.objects.filter(category="read", patient=world.patient)
    assert [(e.actor, e.action) for e in reads] == [(world.clinician, "patient.view")]


def test_a_clinician_of_another_clinic_gets_404_and_a_security_event(world: World) -> None:
    client = Client()
    client.force_login(world.other_clinic_clinician)
    response = client.get(f"/clinic/patients/{world.patient.public_id}/")
    assert response.status_code == 404
    denied = AuditEvent.objects.get(category="denied")
    assert denied.actor == world.other_clinic_clinician
    assert str(world.patient.public_id) in denied.detail
    assert not AuditEvent.objects.filter(category="read").exists()


def test_a_patient_requesting_another_patients_page_gets_404_and_is_logged(world: World) -> None:
    client = Client()
    client.force_login(world.other_patient_user)
    response = client.get(f"/clinic/patients/{world.patient.public_id}/")
    assert response.status_code == 404
    event = AuditEvent.objects.get(category="denied")
    assert event.actor == world.other_patient_user


def test_a_malformed_id_is_a_404_not_an_error(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    for probe in ("not-a-uuid", "1", "' OR 1=1 --", "%00"):
        assert client.get(f"/clinic/patients/{probe}/").status_code == 404


def test_the_audit_view_shows_who_opened_the_record(world: World) -> None:
    clinician = Client()
    clinician.force_login(world.clinician)
    clinician.get(f"/clinic/patients/{world.patient.public_id}/")
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get(f"/clinic/patients/{world.patient.public_id}/audit/")
    assert page.status_code == 200
    assert world.clinician.email.encode() in page.content


def test_audit_events_cannot_be_edited_or_deleted(world: World) -> None:
    import pytest
    from django.core.exceptions import ValidationError

    client = Client()
    client.force_login(world.clinician)
    client.get(f"/clinic/patients/{world.patient.public_id}/")
    event = AuditEvent.objects.get(category="read")
    event.detail = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_the_caseload_shows_only_assigned_patients_to_a_clinician(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    page = client.get("/clinic/").content
    assert b"Pat Patient" in page
    assert b"Olly Other" not in page


def test_a_clinic_admin_sees_every_patient_of_the_clinic_and_no_other(world: World) -> None:
    from sitbone.patients.models import Patient

    Patient.objects.create(clinic=world.other_clinic, full_name="Zed Elsewhere", email="z@x.test")
    client = Client()
    client.force_login(world.admin)
    page = client.get("/clinic/").content
    assert b"Pat Patient" in page and b"Olly Other" in page
    assert b"Zed Elsewhere" not in page


def test_the_admin_site_is_scoped_to_the_admins_clinic(world: World) -> None:
    from sitbone.patients.models import Patient

    elsewhere = Patient.objects.create(
        clinic=world.other_clinic, full_name="Zed Elsewhere", email="z@x.test"
    )
    client = Client()
    client.force_login(world.admin)
    listing = client.get("/admin/patients/patient/")
    assert b"Pat Patient" in listing.content
    assert b"Zed Elsewhere" not in listing.content
    assert client.get(f"/admin/patients/patient/{elsewhere.pk}/change/").status_code in (302, 404)


def test_a_clinic_admin_opening_a_patient_in_the_admin_site_is_audited(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    assert client.get(f"/admin/patients/patient/{world.patient.pk}/change/").status_code == 200
    event = AuditEvent.objects.get(category="read")
    assert (event.actor, event.patient, event.action) == (
        world.admin,
        world.patient,
        "patient.admin_view",
    )


def test_the_admin_site_signs_in_through_sitbones_own_sign_in_only(world: World) -> None:
    """The admin's own form would skip the two-factor step, and it refuses clinic admins (not
    Django staff) anyway: nobody signs in on it."""
    from sitbone.accounts.models import User

    anonymous = Client()
    door = anonymous.get("/admin/")
    assert door.status_code == 302
    handed = anonymous.get(door["Location"])
    assert handed.status_code == 302
    assert handed["Location"] == "/accounts/login/?next=/admin/"
    away = anonymous.get("/admin/login/?next=https://elsewhere.example/")
    assert away["Location"] == "/accounts/login/?next=/admin/"

    User.objects.create_superuser("operator@example.test", "an operator's long passphrase")
    posted = anonymous.post(
        "/admin/login/",
        {"username": "operator@example.test", "password": "an operator's long passphrase"},
    )
    assert posted.status_code == 302
    assert "_auth_user_id" not in anonymous.session  # nobody was signed in

    admin = Client()
    admin.force_login(world.admin)
    assert admin.get("/admin/login/?next=/admin/patients/patient/")["Location"] == (
        "/admin/patients/patient/"
    )
    patient = Client()
    patient.force_login(world.patient_user)
    refused = patient.get("/admin/login/?next=/admin/")
    assert refused.status_code == 403
    assert b"Clinic administration is for clinic administrators" in refused.content


def test_the_admin_site_sends_a_password_change_to_the_account_page(world: World) -> None:
    admin = Client()
    admin.force_login(world.admin)
    for path in ("/admin/password_change/", "/admin/password_change/done/"):
        response = admin.get(path)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/change/"
