"""The patient asks for erasure, the clinic admin confirms, and the record is deleted or
anonymised as the clinic's retention setting says; the audit trail of it stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import seed_history
from tests.conftest import World, signed_in


def ask(world: World) -> Any:
    from sitbone.interop.models import ErasureRequest

    response = signed_in(world.patient_user).post("/me/data/erase/", {"understood": "on"})
    assert response.status_code == 302
    return ErasureRequest.objects.get(patient=world.patient)


def set_mode(world: World, mode: str) -> None:
    response = signed_in(world.admin).post("/clinic/data/", {"erasure_mode": mode})
    assert response.status_code == 302


def confirm(world: World, request: Any) -> Any:
    return signed_in(world.admin).post(
        f"/clinic/data/erasure/{request.public_id}/", {"decision": "confirm"}
    )


def test_asking_needs_the_box_ticked_and_asks_once(world: World) -> None:
    from sitbone.interop.models import ErasureRequest

    client = signed_in(world.patient_user)
    response = client.post("/me/data/erase/", {})
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert not ErasureRequest.objects.exists()
    client.post("/me/data/erase/", {"understood": "on"})
    client.post("/me/data/erase/", {"understood": "on"})
    assert ErasureRequest.objects.filter(patient=world.patient, status="pending").count() == 1
    assert b"has not decided yet" in client.get("/me/data/").content


def test_the_admin_sees_the_request(world: World) -> None:
    request = ask(world)
    page = signed_in(world.admin).get("/clinic/data/")
    assert page.status_code == 200
    assert world.patient.full_name.encode() in page.content
    review = signed_in(world.admin).get(f"/clinic/data/erasure/{request.public_id}/")
    assert review.status_code == 200


@pytest.mark.parametrize("role", ["clinician", "other_clinic_clinician", "patient_user"])
def test_only_the_clinics_admin_decides(world: World, role: str) -> None:
    from sitbone.patients.models import Patient

    request = ask(world)
    client = signed_in(getattr(world, role))
    assert client.get("/clinic/data/").status_code == 404
    response = client.post(f"/clinic/data/erasure/{request.public_id}/", {"decision": "confirm"})
    assert response.status_code == 404
    assert Patient.objects.filter(pk=world.patient.pk).exists()


def test_confirming_with_delete_removes_everything_but_the_audit_trail(world: World) -> None:
    from sitbone.accounts.models import User
    from sitbone.clinics.models import AuditEvent
    from sitbone.diary.models import MorningCheck, SessionEntry, SessionLog
    from sitbone.measures.models import MeasureResult
    from sitbone.patients.models import Patient
    from sitbone.programmes.models import Decision, Programme

    seed_history(world)
    signed_in(world.clinician).get(f"/clinic/patients/{world.patient.public_id}/")
    events_before = AuditEvent.objects.filter(patient=world.patient).count()
    assert events_before > 0
    set_mode(world, "delete")
    request = ask(world)
    assert confirm(world, request).status_code == 302
    assert not Patient.objects.filter(pk=world.patient.pk).exists()
    assert not User.objects.filter(pk=world.patient_user.pk).exists()
    assert not SessionEntry.objects.filter(session__patient_id=world.patient.pk).exists()
    for model in (SessionLog, MorningCheck, MeasureResult, Decision, Programme):
        assert not model.objects.filter(patient_id=world.patient.pk).exists(), model.__name__
    request.refresh_from_db()
    assert request.status == "completed" and request.mode_applied == "delete"
    assert request.patient is None
    assert AuditEvent.objects.filter(patient__isnull=True).count() >= events_before
    erasure = AuditEvent.objects.get(action="patient.erasure")
    assert erasure.patient is None and erasure.actor == world.admin
    assert world.patient.full_name not in erasure.detail
    assert world.patient.email not in erasure.detail
    assert str(request.public_id) in erasure.detail
    assert Patient.objects.filter(pk=world.other_patient.pk).exists()


def test_confirming_with_anonymise_keeps_clinical_rows_without_identity(world: World) -> None:
    from sitbone.accounts.models import User
    from sitbone.diary.models import SessionLog
    from sitbone.patients.models import Patient
    from sitbone.reports.models import ProgressReport
    from sitbone.reports.services import progress_report_create

    history = seed_history(world)
    old_public_id = world.patient.public_id
    progress_report_create(
        actor=world.clinician, patient=world.patient, audience="referrer", summary="Pat is well."
    )
    set_mode(world, "anonymise")
    request = ask(world)
    confirm(world, request)
    patient = Patient.objects.get(pk=world.patient.pk)
    assert patient.full_name == "Erased patient"
    assert world.patient_user.email not in patient.email
    assert patient.user is None and patient.date_of_birth is None
    assert patient.public_id != old_public_id
    assert not User.objects.filter(pk=world.patient_user.pk).exists()
    sessions = SessionLog.objects.filter(patient=patient)
    assert sessions.count() == len(history["sessions"])
    assert set(sessions.values_list("notes", flat=True)) == {""}
    if "assessment" in history:
        history["assessment"].refresh_from_db()
        assert history["assessment"].notes == ""
        assert history["assessment"].bent_knee == "positive"  # the clinical finding stays
    # an issued report is a document that names the person: it goes
    assert not ProgressReport.objects.filter(patient=patient).exists()
    request.refresh_from_db()
    assert request.mode_applied == "anonymise"


def test_the_erased_person_can_no_longer_sign_in(world: World) -> None:
    from tests.conftest import PASSWORD

    set_mode(world, "delete")
    confirm(world, ask(world))
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": world.patient_user.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 400)


def test_declining_needs_a_reason_and_keeps_everything(world: World) -> None:
    from sitbone.patients.models import Patient

    request = ask(world)
    url = f"/clinic/data/erasure/{request.public_id}/"
    assert signed_in(world.admin).post(url, {"decision": "decline"}).status_code == 400
    response = signed_in(world.admin).post(
        url, {"decision": "decline", "reason": "An open insurance claim"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "declined"
    assert Patient.objects.filter(pk=world.patient.pk).exists()
    assert b"An open insurance claim" in signed_in(world.patient_user).get("/me/data/").content
    # a decided request cannot be confirmed afterwards
    confirm(world, request)
    assert Patient.objects.filter(pk=world.patient.pk).exists()


def test_retention_setting_refuses_unknown_modes(world: World) -> None:
    from sitbone.interop.models import RetentionPolicy

    response = signed_in(world.admin).post("/clinic/data/", {"erasure_mode": "shred"})
    assert response.status_code == 400
    assert not RetentionPolicy.objects.filter(erasure_mode="shred").exists()


def test_an_erased_patient_is_gone_from_the_api(world: World) -> None:
    from tests.api.conftest import Api, make_token

    seed_history(world)
    api = Api(Client(), make_token(world.clinic, world.admin)[1])
    set_mode(world, "delete")
    confirm(world, ask(world))
    assert api.get(f"/patients/{world.patient.public_id}").status_code == 404
    ids = {p["id"] for p in api.get("/patients").json()["items"]}
    assert str(world.patient.public_id) not in ids
