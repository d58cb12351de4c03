"""Writes for the patient's data rights: erasure requests, their confirmation, retention setting.

Erasure keeps the audit trail: audit events about the patient survive with their patient link
emptied (the foreign key is SET_NULL), and the erasure itself is recorded without anything that
identifies the person (only the request's id and the mode applied).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils import timezone

from sitbone.clinics.models import AuditCategory, Clinic, Invitation
from sitbone.clinics.services import audit_record
from sitbone.diary.models import SessionLog
from sitbone.interop.models import ErasureMode, ErasureRequest, ErasureStatus, RetentionPolicy
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User

MAX_DELETE_ROUNDS = 10

FREE_TEXT = (
    ("assessments.Assessment", ("notes",)),
    ("assessments.AdjunctTherapy", ("notes", "given_by")),
    ("appointments.Appointment", ("contact_phone",)),
)
"""Free text kept by other apps that could name or reach the person; emptied on anonymising."""

IDENTIFYING_ROWS = (
    "assessments.ClinicalNote",
    "appointments.CalendarFeed",
    "reports.ProgressReport",
    "push.PushSubscription",
)
"""Rows that are nothing but free text, a document naming the person or a personal link (a
device's push address); removed on anonymising."""

ERASED_EMAIL_DOMAIN = "erased.invalid"
"""An anonymised record's email address is random at this reserved domain (RFC 2606), which is
also how an anonymised record is told apart from a live one."""


def _model(label: str) -> type[Model] | None:
    """A model of an app that may not be part of this build."""
    app_label, _, name = label.partition(".")
    if not apps.is_installed(f"sitbone.{app_label}"):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


class ErasureError(Exception):
    """The erasure could not be done; nothing was changed."""


def retention_policy_for(clinic: Clinic) -> RetentionPolicy:
    policy, _ = RetentionPolicy.objects.get_or_create(clinic=clinic)
    return policy


@transaction.atomic
def retention_policy_update(*, actor: User, clinic: Clinic, erasure_mode: str) -> RetentionPolicy:
    policy = retention_policy_for(clinic)
    policy.erasure_mode = ErasureMode(erasure_mode)
    policy.updated_by = actor
    policy.save()
    audit_record(
        category=AuditCategory.WRITE,
        action="clinic.retention",
        actor=actor,
        clinic=clinic,
        patient=None,
        detail=f"erasure mode set to {policy.erasure_mode}",
    )
    return policy


@transaction.atomic
def erasure_request_create(*, actor: User, patient: Patient) -> ErasureRequest:
    """The patient asks for erasure; asking again while one is open returns the open one."""
    existing = ErasureRequest.objects.filter(patient=patient, status=ErasureStatus.PENDING).first()
    if existing is not None:
        return existing
    request = ErasureRequest.objects.create(clinic=patient.clinic, patient=patient)
    audit_record(
        category=AuditCategory.WRITE,
        action="patient.erasure_request",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=f"erasure request {request.public_id}",
    )
    return request


@transaction.atomic
def erasure_decline(*, actor: User, request: ErasureRequest, reason: str) -> ErasureRequest:
    locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ErasureStatus.PENDING:
        raise ErasureError("This request has already been decided.")
    locked.status = ErasureStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decline_reason = reason[:300]
    locked.save()
    audit_record(
        category=AuditCategory.WRITE,
        action="patient.erasure_declined",
        actor=actor,
        clinic=locked.clinic,
        patient=locked.patient,
        detail=f"erasure request {locked.public_id} declined",
    )
    return locked


def erasure_confirm(*, actor: User, request: ErasureRequest) -> ErasureRequest:
    """Erase the patient as the clinic's retention setting says; all or nothing."""
    try:
        with transaction.atomic():
            locked = (
                # Lock only the request row: PostgreSQL refuses FOR UPDATE on the nullable side
                # of the outer join to the (possibly already erased) patient.
                ErasureRequest.objects.select_for_update(of=("self",))
                .select_related("patient", "clinic")
                .get(pk=request.pk)
            )
            if locked.status != ErasureStatus.PENDING or locked.patient is None:
                raise ErasureError("This request has already been decided.")
            mode = ErasureMode(retention_policy_for(locked.clinic).erasure_mode)
            patient_data_erase(patient=locked.patient, mode=mode)
            locked.status = ErasureStatus.COMPLETED
            locked.decided_by = actor
            locked.decided_at = timezone.now()
            locked.mode_applied = mode
            locked.patient = None if mode == ErasureMode.DELETE else locked.patient
            locked.save()
            audit_record(
                category=AuditCategory.WRITE,
                action="patient.erasure",
                actor=actor,
                clinic=locked.clinic,
                patient=None,
                detail=f"erasure request {locked.public_id} completed: {mode.value}",
            )
    except (ProtectedError, RestrictedError) as error:
        raise ErasureError(f"Some records could not be removed: {error.args[0]}") from error
    return locked


def patient_data_erase(*, patient: Patient, mode: ErasureMode) -> None:
    """Delete or anonymise one record and remove the person's sign-in. The caller holds the
    transaction and writes the audit event (without anything that identifies the person)."""
    account = patient.user
    if mode == ErasureMode.DELETE:
        _delete_patient(patient)
    else:
        _anonymise_patient(patient)
    _remove_account(account)


def _delete_patient(patient: Patient) -> None:
    """Delete the record with everything that hangs off it. Rows another record protects are
    removed first when they belong to this patient too (e.g. a session protects its programme)."""
    SessionLog.objects.filter(patient=patient).delete()
    for _ in range(MAX_DELETE_ROUNDS):
        try:
            patient.delete()
            return
        except (ProtectedError, RestrictedError) as error:
            blockers = [
                row
                for row in _blocking_rows(error)
                if getattr(row, "patient_id", None) == patient.pk
            ]
            if not blockers:
                raise
            for row in blockers:
                row.delete()
    patient.delete()


def _blocking_rows(error: ProtectedError | RestrictedError) -> list[Model]:
    rows: Any = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    return list(rows)


def _anonymise_patient(patient: Patient) -> None:
    """Keep the clinical rows (for the clinic's own statistics) without anything that says who
    the person was: name, email, birth date, free text, screening answers, invitations, account."""
    marker = uuid.uuid4()
    patient.full_name = "Erased patient"
    patient.email = f"erased-{marker.hex}@{ERASED_EMAIL_DOMAIN}"
    patient.date_of_birth = None
    patient.activities = ""
    patient.goals = ""
    patient.screening_answers = {}
    patient.public_id = marker
    patient.user = None
    if patient.discharged_on is None:
        patient.discharged_on = timezone.now().date()
    patient.save()
    SessionLog.objects.filter(patient=patient).update(notes="")
    for label, fields in FREE_TEXT:
        model = _model(label)
        if model is not None:
            model._default_manager.filter(patient=patient).update(**dict.fromkeys(fields, ""))
    for label in IDENTIFYING_ROWS:
        model = _model(label)
        if model is not None:
            model._default_manager.filter(patient=patient).delete()
    Invitation.objects.filter(patient=patient).delete()
    from sitbone.api.models import IdempotencyRecord

    IdempotencyRecord.objects.filter(patient=patient).delete()


def _remove_account(account: User | None) -> None:
    """The patient's sign-in goes too, unless the same account also works at a clinic."""
    if account is None or account.memberships.exists():
        return
    account.delete()
