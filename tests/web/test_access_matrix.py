"""The access matrix: every route the project defines × every role, against an expected outcome.

Outcomes: "200", "404", "403", "405", "login" (sent to sign in), "redirect" (sent elsewhere).
A route missing from EXPECTED fails the suite, so a new page cannot ship without a decision
about who may open it. Probes of another person's record must look like a missing page (404).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import ROLES, World
from tests.web.access_matrix import concrete_path, iter_routes, outcome

# Columns follow ROLES: anonymous, patient, other_patient, assigned_clinician,
# unassigned_clinician, other_clinic_clinician, clinic_admin.
EXPECTED: dict[str, tuple[str, ...]] = {
    "web:landing": ("200", "200", "200", "200", "200", "200", "200"),
    "web:home": ("login", "redirect", "redirect", "redirect", "redirect", "redirect", "redirect"),
    "web:healthz": ("200", "200", "200", "200", "200", "200", "200"),
    "accounts:invitation_accept": ("404", "404", "404", "404", "404", "404", "404"),
    "accounts:session_keepalive": ("login", "405", "405", "405", "405", "405", "405"),
    "account_login": (
        "200",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "account_logout": ("redirect", "200", "200", "200", "200", "200", "200"),
    "account_inactive": ("200", "200", "200", "200", "200", "200", "200"),
    "account_signup": (
        "200",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "account_reauthenticate": ("login", "200", "200", "200", "200", "200", "200"),
    "account_email": ("login", "200", "200", "200", "200", "200", "200"),
    "accounts:email": ("login", "200", "200", "200", "200", "200", "200"),
    "accounts:password_reset": ("200", "200", "200", "200", "200", "200", "200"),
    "account_email_verification_sent": ("200", "200", "200", "200", "200", "200", "200"),
    "account_change_password": ("login", "200", "200", "200", "200", "200", "200"),
    "account_set_password": (
        "login",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "account_reset_password": ("200", "200", "200", "200", "200", "200", "200"),
    "account_confirm_login_code": (
        "login",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "account_confirm_email": ("404", "404", "404", "404", "404", "404", "404"),
    "account_reset_password_from_key_done": ("200", "200", "200", "200", "200", "200", "200"),
    "account_reset_password_from_key": ("404", "404", "404", "404", "404", "404", "404"),
    "account_reset_password_done": ("200", "200", "200", "200", "200", "200", "200"),
    "mfa_index": ("login", "200", "200", "200", "200", "200", "200"),
    "mfa_authenticate": (
        "login",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "mfa_reauthenticate": (
        "login",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "mfa_activate_totp": (
        "login",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "mfa_deactivate_totp": ("login", "404", "404", "404", "404", "404", "404"),
    "mfa_view_recovery_codes": ("login", "404", "404", "404", "404", "404", "404"),
    "mfa_generate_recovery_codes": (
        "login",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "mfa_download_recovery_codes": ("login", "404", "404", "404", "404", "404", "404"),
    "clinics:home": ("login", "404", "404", "200", "200", "200", "200"),
    "clinics:patient_new": ("login", "404", "404", "200", "200", "200", "200"),
    "clinics:patient_detail": ("login", "404", "404", "200", "200", "404", "200"),
    "clinics:patient_audit": ("login", "404", "404", "200", "200", "404", "200"),
    "clinics:patient_details": ("login", "404", "404", "200", "200", "404", "200"),
    "clinics:patient_treatment": ("login", "404", "404", "200", "200", "404", "200"),
    "clinics:discharged": ("login", "404", "404", "200", "200", "200", "200"),
    "clinics:patient_invitation": ("login", "404", "404", "409", "409", "404", "409"),
    "clinics:confirmation_resend": ("login",) + ("405",) * 6,
    "clinics:staff": ("login", "404", "404", "404", "404", "404", "200"),
    "clinics:settings": ("login", "404", "404", "404", "404", "404", "200"),
    # issue-5 routes: the clinician workspace (another clinic's clinician always gets 404)
    "programmes:approvals": ("login", "404", "404", "200", "200", "200", "200"),
    "programmes:versions": ("login", "404", "404", "200", "200", "404", "200"),
    "programmes:edit": ("login", "404", "404", "200", "200", "404", "200"),
    "programmes:thresholds": ("login", "404", "404", "200", "200", "404", "200"),
    "programmes:clinic_thresholds": ("login", "404", "404", "404", "404", "404", "200"),
    "programmes:review": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:list": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:new": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:detail": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:measures": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:measure_new": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:adjuncts": ("login", "404", "404", "200", "200", "404", "200"),
    "assessments:note_new": ("login", "404", "404", "405", "405", "404", "405"),
    "reports:index": ("login", "404", "404", "200", "200", "404", "200"),
    "reports:exercise_sheet": ("login", "404", "404", "200", "200", "404", "200"),
    "reports:progress_pdf": ("login", "404", "404", "200", "200", "404", "200"),
    # end issue-5 routes
    # Patient app, symptom check and library (issue 4).
    "patients:home": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:session": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:keep_alive": ("login", "405", "405", "405", "405", "405", "405"),
    "patients:session_detail": ("login", "200", "404", "404", "404", "404", "404"),
    "patients:morning": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:decision": ("login", "200", "404", "404", "404", "404", "404"),
    "patients:load": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:load_sitting": ("login", "405", "405", "405", "405", "405", "405"),
    "patients:load_cross_training": ("login", "405", "405", "405", "405", "405", "405"),
    "patients:load_run": ("login", "405", "405", "405", "405", "405", "405"),
    "patients:load_next_morning": ("login", "405", "405", "405", "405", "405", "405"),
    "patients:reminders": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:equipment": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:questionnaires": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:questionnaire_question": ("login", "200", "200", "404", "404", "404", "404"),
    "patients:questionnaire_check": (
        "login",
        "redirect",
        "redirect",
        "404",
        "404",
        "404",
        "404",
    ),
    "patients:questionnaire_result": ("login", "200", "404", "404", "404", "404", "404"),
    "patients:progress": ("login", "200", "200", "404", "404", "404", "404"),
    # Web push: the service worker is public; subscriptions are the patient's own (POST only).
    "push:service_worker": ("200",) * 7,
    "push:subscription_save": ("login",) + ("405",) * 6,
    "push:subscription_revoke": ("login",) + ("405",) * 6,
    "screening:start": ("200", "200", "200", "200", "200", "200", "200"),
    "screening:result": ("redirect",) * 7,
    "screening:clear": ("405",) * 7,
    "screening:page": ("200", "200", "200", "200", "200", "200", "200"),
    "screening:register": (
        "200",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
    ),
    "screening:sent": ("redirect",) * 7,
    "screening:confirm": ("200",) * 7,
    "education:index": ("200", "200", "200", "200", "200", "200", "200"),
    "education:article": ("200", "200", "200", "200", "200", "200", "200"),
    # End of issue-4 rows.
    "clinic_admin:index": ("login", "login", "login", "login", "login", "login", "200"),
    "clinic_admin:login": ("login", "403", "403", "403", "403", "403", "redirect"),
    "clinic_admin:logout": (
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "redirect",
        "405",
    ),
    "clinic_admin:password_change": ("login",) * 6 + ("redirect",),
    "clinic_admin:password_change_done": ("login",) * 6 + ("redirect",),
    "clinic_admin:autocomplete": ("login", "login", "login", "login", "login", "login", "403"),
    "clinic_admin:jsi18n": ("login", "login", "login", "login", "login", "login", "200"),
    "clinic_admin:view_on_site": ("login", "login", "login", "login", "login", "login", "404"),
    "clinic_admin:patients_patient_changelist": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:patients_patient_add": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:patients_patient_history": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:patients_patient_delete": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:patients_patient_change": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "admin/patients/patient/<path:object_id>/": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "redirect",
    ),
    "clinic_admin:clinics_membership_changelist": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:clinics_membership_add": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:clinics_membership_history": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:clinics_membership_delete": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:clinics_membership_change": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "admin/clinics/membership/<path:object_id>/": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "redirect",
    ),
    "clinic_admin:clinics_invitation_changelist": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:clinics_invitation_add": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:clinics_invitation_history": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:clinics_invitation_delete": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:clinics_invitation_change": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "admin/clinics/invitation/<path:object_id>/": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "redirect",
    ),
    "clinic_admin:clinics_auditevent_changelist": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:clinics_auditevent_add": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:clinics_auditevent_history": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "clinic_admin:clinics_auditevent_delete": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "403",
    ),
    "clinic_admin:clinics_auditevent_change": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "200",
    ),
    "admin/clinics/auditevent/<path:object_id>/": (
        "login",
        "login",
        "login",
        "login",
        "login",
        "login",
        "redirect",
    ),
    "clinic_admin:app_list": ("login", "login", "login", "login", "login", "login", "404"),
    "admin/(?P<url>.*)$": ("login", "login", "login", "login", "login", "login", "404"),
    # issue-7 routes: API (GETs with a session; tokens are tested in tests/api)
    "api:openapi-json": ("401", "200", "200", "200", "200", "200", "200"),
    "api:openapi-view": ("login", "404", "404", "200", "200", "200", "200"),
    "api:me": ("401", "200", "200", "200", "200", "200", "200"),
    "api:patient_list": ("401", "200", "200", "200", "200", "200", "200"),
    "api:patient_detail": ("401", "200", "404", "200", "200", "404", "200"),
    "api:patient_fhir": ("401", "200", "404", "200", "200", "404", "200"),
    "api:programme_list": ("401", "200", "404", "200", "200", "404", "200"),
    "api:decision_list": ("401", "200", "404", "200", "200", "404", "200"),
    "api:session_list": ("401", "200", "404", "200", "200", "404", "200"),
    "api:session_create": ("401", "200", "404", "200", "200", "404", "200"),
    "api:morning_check_list": ("401", "200", "404", "200", "200", "404", "200"),
    "api:morning_check_create": ("401", "200", "404", "200", "200", "404", "200"),
    "api:measure_list": ("401", "200", "404", "200", "200", "404", "200"),
    "api:measure_create": ("401", "200", "404", "200", "200", "404", "200"),
    "api:programme_detail": ("401", "404", "404", "404", "404", "404", "404"),
    "api:decision_detail": ("401", "404", "404", "404", "404", "404", "404"),
    "api:session_detail": ("401", "404", "404", "404", "404", "404", "404"),
    "api:morning_check_detail": ("401", "404", "404", "404", "404", "404", "404"),
    "api:measure_detail": ("401", "404", "404", "404", "404", "404", "404"),
    "api:engine_score": ("405", "405", "405", "405", "405", "405", "405"),
    "api:engine_screen": ("405", "405", "405", "405", "405", "405", "405"),
    "api:engine_post_test": ("405", "405", "405", "405", "405", "405", "405"),
    "api:engine_decide": ("405", "405", "405", "405", "405", "405", "405"),
    "api:engine_prescribe": ("405", "405", "405", "405", "405", "405", "405"),
    "api:engine_run_step": ("405", "405", "405", "405", "405", "405", "405"),
    "api:assessment_list": ("401", "403", "403", "200", "200", "404", "200"),
    "api:assessment_detail": ("401", "403", "403", "404", "404", "404", "404"),
    "api:appointment_list": ("401", "200", "404", "200", "200", "404", "200"),
    "api:appointment_detail": ("401", "404", "404", "404", "404", "404", "404"),
    "api:api-root": ("404", "404", "404", "404", "404", "404", "404"),
    "api:not_found": ("404", "404", "404", "404", "404", "404", "404"),
    "api_pages:tokens": ("login", "404", "404", "404", "404", "404", "200"),
    "api_pages:token_revoke": ("login", "405", "405", "405", "405", "405", "405"),
    "interop_clinic:data": ("login", "404", "404", "404", "404", "404", "200"),
    "interop_clinic:erasure_review": ("login", "404", "404", "404", "404", "404", "404"),
    "interop:my_data": ("login", "200", "200", "404", "404", "404", "404"),
    "interop:my_data_download": ("login", "200", "200", "404", "404", "404", "404"),
    "interop:my_data_erase": ("login", "200", "200", "404", "404", "404", "404"),
    # end issue-7 routes
    # Privacy (issue 9, item 9): the patient's choices, emergency access for staff (a 404 for
    # another clinic's patient whatever the reason; not needed, so a redirect, for everyone else
    # while the clinic has the care-team rule off), and the clinic admin's privacy pages.
    "privacy:mine": ("login", "200", "200", "404", "404", "404", "404"),
    "emergency:start": ("login", "404", "404", "200", "200", "200", "200"),
    "emergency:open": ("login", "404", "404", "redirect", "redirect", "404", "redirect"),
    "privacy_clinic:index": ("login",) + ("404",) * 5 + ("200",),
    "privacy_clinic:emergency_list": ("login",) + ("404",) * 5 + ("200",),
    "privacy_clinic:emergency_review": ("login",) + ("405",) * 6,
    "privacy_clinic:breaches": ("login",) + ("404",) * 5 + ("200",),
    "privacy_clinic:breach_new": ("login",) + ("404",) * 5 + ("200",),
    "privacy_clinic:breach_detail": ("login",) + ("404",) * 5 + ("200",),
    "privacy_clinic:breach_edit": ("login",) + ("404",) * 5 + ("200",),
    # Appointments (issue 6): a patient reaches only their own appointments; staff reach their
    # clinic's; availability of someone else is for clinic admins; feeds open only by secret.
    "appointments:mine": ("login", "200", "200", "redirect", "redirect", "redirect", "redirect"),
    "appointments:book_review": ("login", "200", "200", "404", "404", "404", "404"),
    "appointments:calendar": ("login", "200", "200", "200", "200", "200", "200"),
    "appointments:feed": ("404",) * 7,
    "appointments:diary": ("login", "404", "404", "200", "200", "200", "200"),
    "appointments:diary_week": ("login", "404", "404", "200", "200", "200", "200"),
    "appointments:book_for": ("login", "404", "404", "200", "200", "200", "200"),
    "appointments:staff_book": ("login", "404", "404", "200", "200", "404", "200"),
    "appointments:availability": (
        "login",
        "404",
        "404",
        "redirect",
        "redirect",
        "redirect",
        "200",
    ),
    "appointments:availability_edit": ("login", "404", "404", "200", "404", "404", "200"),
    "appointments:settings": ("login", "404", "404", "404", "404", "404", "200"),
    "appointments:type_new": ("login", "404", "404", "404", "404", "404", "200"),
    "appointments:type_edit": ("login", "404", "404", "404", "404", "404", "200"),
    "appointments:detail": ("login", "200", "404", "200", "200", "404", "200"),
    "appointments:reschedule": ("login", "200", "404", "200", "200", "404", "200"),
    "appointments:cancel": ("login", "200", "404", "200", "200", "404", "200"),
    "booking:start": ("200", "redirect", "redirect", "200", "200", "200", "200"),
    "booking:done": ("200",) * 7,
    "booking:clinic": ("200", "redirect", "redirect", "200", "200", "200", "200"),
    "clinic_admin:appointments_appointment_changelist": ("login",) * 6 + ("200",),
    "clinic_admin:appointments_appointment_add": ("login",) * 6 + ("403",),
    "clinic_admin:appointments_appointment_history": ("login",) * 6 + ("200",),
    "clinic_admin:appointments_appointment_delete": ("login",) * 6 + ("403",),
    "clinic_admin:appointments_appointment_change": ("login",) * 6 + ("200",),
    "admin/appointments/appointment/<path:object_id>/": ("login",) * 6 + ("redirect",),
    "clinic_admin:appointments_appointmenttype_changelist": ("login",) * 6 + ("200",),
    "clinic_admin:appointments_appointmenttype_add": ("login",) * 6 + ("403",),
    "clinic_admin:appointments_appointmenttype_history": ("login",) * 6 + ("200",),
    "clinic_admin:appointments_appointmenttype_delete": ("login",) * 6 + ("403",),
    "clinic_admin:appointments_appointmenttype_change": ("login",) * 6 + ("200",),
    "admin/appointments/appointmenttype/<path:object_id>/": ("login",) * 6 + ("redirect",),
    "clinic_admin:appointments_reminderdelivery_changelist": ("login",) * 6 + ("200",),
    "clinic_admin:appointments_reminderdelivery_add": ("login",) * 6 + ("403",),
    "clinic_admin:appointments_reminderdelivery_history": ("login",) * 6 + ("200",),
    "clinic_admin:appointments_reminderdelivery_delete": ("login",) * 6 + ("403",),
    "clinic_admin:appointments_reminderdelivery_change": ("login",) * 6 + ("200",),
    "admin/appointments/reminderdelivery/<path:object_id>/": ("login",) * 6 + ("redirect",),
}


def params_for(world: World) -> dict[str, str]:
    from tests.appointments.factories import matrix_params
    from tests.clinics.factories import workspace_matrix_params
    from tests.privacy.factories import privacy_matrix_params

    return {
        **matrix_params(world),
        **workspace_matrix_params(world),
        **privacy_matrix_params(world),
        "patient_id": str(world.patient.public_id),
        "token": "not-a-real-token",
        "key": "bogus-key",
        "uidb36": "zz",
        "object_id": str(world.patient.pk),
        "content_type_id": "1",
        "app_label": "patients",
        "url": "x",
        # issue-7 params: ids nobody has (the API's object checks are in tests/api)
        "id": "00000000-0000-4000-8000-000000000000",
        "api_token_id": "00000000-0000-4000-8000-000000000000",
        "erasure_request_id": "00000000-0000-4000-8000-000000000000",
        "rest": "nowhere",
        # end issue-7 params
        # issue-4 params
        "page_id": "emergency",
        "slug": "what-is-pht",
        "kind": "run",
        "instrument": "visa_h",
        "number": "1",
        **patient_record_ids(world),
        "subscription_id": "00000000-0000-4000-8000-000000000000",
        # end issue-4 params
    }


def admin_object(world: World, pattern: str) -> dict[str, str]:
    """The admin's object routes get a row of the right model from the patient's clinic."""
    from sitbone.clinics.models import AuditEvent, Invitation, Membership

    if not pattern.startswith("admin/") or "<path:object_id>" not in pattern:
        return {}
    if "clinics/membership/" in pattern:
        row: Any = Membership.objects.get(user=world.clinician)
    elif "clinics/invitation/" in pattern:
        row = Invitation.objects.get_or_create(
            clinic=world.clinic,
            email="invitee@harbour.test",
            defaults={
                "full_name": "Invitee",
                "kind": "clinician",
                "token_hash": "0" * 64,
                "expires_at": world.clinic.created_at,
            },
        )[0]
    elif "appointments/" in pattern:
        from tests.appointments.factories import admin_row

        row = admin_row(world, pattern)
    elif "clinics/auditevent/" in pattern:
        row = AuditEvent.objects.create(
            category="write", action="matrix.fixture", clinic=world.clinic, patient=world.patient
        )
    else:
        row = world.patient
    return {"object_id": str(row.pk)}


def test_every_route_has_an_expected_outcome() -> None:
    missing = [key for key, _ in iter_routes() if key not in EXPECTED]
    assert missing == [], f"Add these routes to the access matrix: {missing}"


def test_the_matrix_lists_no_route_that_no_longer_exists() -> None:
    known = {key for key, _ in iter_routes()}
    assert set(EXPECTED) - known == set()


@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
def test_each_role_gets_exactly_the_expected_outcome_on_every_route(
    world: World, role_index: int, role: str
) -> None:
    user: Any = world.user_for(role)
    client = Client()
    if user is not None:
        client.force_login(user)
    params = params_for(world)
    wrong = {}
    for key, pattern in iter_routes():
        got = outcome(client, concrete_path(pattern, {**params, **admin_object(world, pattern)}))
        if got != EXPECTED[key][role_index]:
            wrong[key] = (got, EXPECTED[key][role_index])
    assert wrong == {}, f"{role}: route → (got, expected): {wrong}"


# issue-4 patient records
def patient_record_ids(world: World) -> dict[str, str]:
    """Rows of world.patient's own diary, so its detail pages have something to open."""
    import datetime as dt

    from sitbone.diary.models import RunLog, SessionLog
    from sitbone.measures.models import MeasureResult
    from sitbone.programmes.models import Decision
    from sitbone.programmes.services import programme_create

    patient = world.patient
    day = dt.date(2026, 11, 2)
    programme = programme_create(
        actor=None,
        patient=patient,
        stage=1,
        exercises=[{"exercise_id": "bridge_hold_double_leg", "sets": 5, "hold_seconds": 45}],
        sessions_per_week=7,
        reason="matrix",
    )
    common = {"clinic": world.clinic, "patient": patient}
    session = SessionLog.objects.create(
        **common, programme=programme, performed_on=day, pain_during=2, pain_after=2
    )
    decision = Decision.objects.create(
        **common,
        made_on=day,
        zone="pending",
        action="hold",
        stage_from=1,
        stage_to=1,
        stage_change="stay",
    )
    result = MeasureResult.objects.create(
        **common, instrument="groc", taken_on=day, answers={"change": 2}, total=2
    )
    run = RunLog.objects.create(**common, performed_on=day, minutes=20, pain_during=1)
    return {
        "session_id": str(session.public_id),
        "decision_id": str(decision.public_id),
        "result_id": str(result.public_id),
        "log_id": str(run.public_id),
    }
