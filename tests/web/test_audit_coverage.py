"""Exactly one audit event per staff access to patient data (issue 9, item 8; ASVS 16.3.2).

Every route a staff role can open is sorted into one of three kinds, and a new route fails the
first test until someone sorts it:

- one patient's page (the patient page, assessments, measures, programme, reports and their PDF,
  an appointment, the API's reads of one patient, its FHIR export, a row's admin page): one GET
  writes exactly one read event, naming that patient and the person who looked;
- a page listing patients (caseload, approvals, diaries, the admin's lists, the API's patient
  list): one read event per patient whose name is on the page, and none for anyone else;
- a page without patient data: no read event, and no patient's name or email on it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sitbone.clinics.models import AuditEvent
from tests.conftest import ROLES, World
from tests.web.access_matrix import concrete_path, iter_routes
from tests.web.test_access_matrix import EXPECTED, admin_object, params_for

STAFF_ROLES = (
    "assigned_clinician",
    "unassigned_clinician",
    "other_clinic_clinician",
    "clinic_admin",
)

ONE_PATIENT = {
    "clinics:patient_detail",
    "clinics:patient_audit",
    "clinics:patient_details",
    "clinics:patient_treatment",
    "assessments:list",
    "assessments:new",
    "assessments:detail",
    "assessments:measures",
    "assessments:measure_new",
    "assessments:adjuncts",
    "programmes:versions",
    "programmes:edit",
    "programmes:thresholds",
    "programmes:review",
    "reports:index",
    "reports:exercise_sheet",
    "reports:progress_pdf",
    "appointments:staff_book",
    "appointments:detail",
    "appointments:reschedule",
    "appointments:cancel",
    "api:patient_detail",
    "api:patient_fhir",
    "api:programme_list",
    "api:decision_list",
    "api:session_list",
    "api:session_create",
    "api:morning_check_list",
    "api:morning_check_create",
    "api:measure_list",
    "api:measure_create",
    "api:assessment_list",
    "api:appointment_list",
    "clinic_admin:patients_patient_change",
    "clinic_admin:patients_patient_history",
    "clinic_admin:appointments_appointment_change",
    "clinic_admin:appointments_appointment_history",
    "clinic_admin:appointments_reminderdelivery_change",
    "clinic_admin:appointments_reminderdelivery_history",
    "clinic_admin:clinics_auditevent_change",
    "clinic_admin:clinics_auditevent_history",
}

PATIENT_LISTS = {
    "clinics:home",
    "clinics:discharged",
    "programmes:approvals",
    "appointments:diary",
    "appointments:diary_week",
    "appointments:book_for",
    "interop_clinic:data",
    "api:patient_list",
    "clinic_admin:patients_patient_changelist",
    "clinic_admin:appointments_appointment_changelist",
    "clinic_admin:appointments_reminderdelivery_changelist",
    "clinic_admin:clinics_auditevent_changelist",
    "clinic_admin:clinics_invitation_changelist",
    "clinic_admin:clinics_invitation_change",
    "clinic_admin:clinics_invitation_history",
    "emergency:start",
    "privacy_clinic:index",
    "privacy_clinic:emergency_list",
    "privacy_clinic:breaches",
    "privacy_clinic:breach_new",
    "privacy_clinic:breach_detail",
    "privacy_clinic:breach_edit",
}

NO_PATIENT_DATA = {
    "push:service_worker",
    "web:landing",
    "web:healthz",
    "account_logout",
    "account_inactive",
    "account_reauthenticate",
    "account_email",
    "accounts:email",
    "accounts:password_reset",
    "account_email_verification_sent",
    "account_change_password",
    "account_reset_password",
    "account_reset_password_from_key_done",
    "account_reset_password_done",
    "mfa_index",
    "api:openapi-json",
    "api:openapi-view",
    "api:me",
    "api_pages:tokens",
    "clinics:patient_new",
    "clinics:staff",
    "clinics:settings",
    "programmes:clinic_thresholds",  # lists patients only on a refused save, each read audited
    "appointments:calendar",
    "appointments:availability",
    "appointments:availability_edit",
    "appointments:settings",
    "appointments:type_new",
    "appointments:type_edit",
    "booking:start",
    "booking:done",
    "booking:clinic",
    "screening:start",
    "screening:page",
    "screening:confirm",
    "education:index",
    "education:article",
    "clinic_admin:index",
    "clinic_admin:jsi18n",
    "clinic_admin:clinics_membership_changelist",
    "clinic_admin:clinics_membership_history",
    "clinic_admin:clinics_membership_change",
    "clinic_admin:appointments_appointmenttype_changelist",
    "clinic_admin:appointments_appointmenttype_history",
    "clinic_admin:appointments_appointmenttype_change",
}


def staff_pages() -> dict[str, str]:
    """Every route some staff role opens (GET 200 in the access matrix), with its pattern."""
    indexes = [ROLES.index(role) for role in STAFF_ROLES]
    return {
        key: pattern
        for key, pattern in iter_routes()
        if any(EXPECTED[key][i] == "200" for i in indexes)
    }


def reads_since(first_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=first_id, category="read").order_by("id"))


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def shown(world: World, body: str) -> set[int]:
    """The world's patients whose name or email is on the page."""
    return {
        p.pk for p in (world.patient, world.other_patient) if p.full_name in body or p.email in body
    }


def test_every_staff_page_is_sorted_into_one_kind() -> None:
    pages = set(staff_pages())
    kinds = (ONE_PATIENT, PATIENT_LISTS, NO_PATIENT_DATA)
    assert pages - set().union(*kinds) == set(), "sort these routes into a kind"
    assert set().union(*kinds) - pages == set(), "no staff role opens these any more"
    assert not (ONE_PATIENT & PATIENT_LISTS or ONE_PATIENT & NO_PATIENT_DATA)
    assert not PATIENT_LISTS & NO_PATIENT_DATA


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_staff_read_of_patient_data_writes_exactly_one_event_per_patient(
    world: World, settings: Any, role: str
) -> None:
    from sitbone.interop.services import erasure_request_create

    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    erasure_request_create(actor=world.other_patient_user, patient=world.other_patient)
    user = world.user_for(role)
    client = Client()
    client.force_login(user)
    params = params_for(world)
    index = ROLES.index(role)
    wrong: dict[str, str] = {}
    checked = 0
    for key, pattern in staff_pages().items():
        if EXPECTED[key][index] != "200":
            continue
        start = last_id()
        response = client.get(concrete_path(pattern, {**params, **admin_object(world, pattern)}))
        assert response.status_code == 200, key
        events = reads_since(start)
        readable = response.get("Content-Type", "").startswith(("text/", "application/json"))
        body = response.content.decode() if readable and not response.streaming else ""
        people = [(e.patient_id, e.actor_id) for e in events]
        checked += 1
        if key in ONE_PATIENT:
            if people != [(world.patient.pk, user.pk)]:
                wrong[key] = f"one event for the patient expected, got {people}"
            elif world.other_patient.pk in shown(world, body):
                wrong[key] = "shows another patient"
        elif key in PATIENT_LISTS:
            listed = shown(world, body)
            if sorted(people) != sorted((pk, user.pk) for pk in listed):
                wrong[key] = f"patients shown {sorted(listed)}, events {people}"
        elif events or shown(world, body):
            wrong[key] = f"no patient data expected, got events {people}"
    assert wrong == {}, f"{role}: {wrong}"
    assert checked >= 20


def test_each_api_read_with_a_clinic_token_names_the_patient_and_the_token(world: World) -> None:
    from sitbone.api.main import api
    from tests.api.conftest import make_token, seed_history
    from tests.api.test_schemathesis import real_ids

    history = seed_history(world)
    token, secret = make_token(world.clinic, world.admin)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    ids = real_ids(history, world.patient)
    checked = 0
    for path, item in api.get_openapi_schema()["paths"].items():
        read = item.get("get")
        if read is None or "{" not in path:
            continue
        name = read["operationId"]
        start = last_id()
        response = client.get(path.format(**{**ids["*"], **ids.get(name, {})}))
        assert response.status_code == 200, (name, response.content)
        people = [(e.patient_id, e.actor_email) for e in reads_since(start)]
        assert people == [(world.patient.pk, token.service_user.email)], name
        checked += 1
    assert checked >= 15


def test_a_fhir_export_from_the_command_line_writes_one_event(world: World, tmp_path: Any) -> None:
    start = last_id()
    call_command("export_fhir", patient=str(world.patient.public_id), out=str(tmp_path / "b.json"))
    events = reads_since(start)
    assert [(e.patient_id, e.action) for e in events] == [(world.patient.pk, "patient.fhir_export")]
