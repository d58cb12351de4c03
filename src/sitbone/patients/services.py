"""Writes for patient records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from sitbone.clinics.access import StaffContext
from sitbone.clinics.models import AuditCategory, Invitation
from sitbone.clinics.services import audit_record, invitation_create
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User


class DuplicatePatient(Exception):
    """The clinic already has a patient with this email address."""


@transaction.atomic
def patient_create_with_invitation(
    *, actor: User, staff: StaffContext, data: dict[str, Any]
) -> tuple[Patient, Invitation, str]:
    """Create a patient record, put them on the actor's caseload and invite them."""
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                clinic=staff.clinic,
                full_name=data["full_name"],
                email=data["email"],
                date_of_birth=data.get("date_of_birth"),
                affected_side=data["affected_side"],
                activities=data.get("activities", ""),
                goals=data.get("goals", ""),
                irritability=data["irritability"],
            )
    except IntegrityError as error:
        raise DuplicatePatient from error
    if not staff.is_admin:
        patient.assigned_clinicians.add(actor)
    invitation, token = invitation_create(
        actor=actor,
        clinic=staff.clinic,
        email=patient.email,
        full_name=patient.full_name,
        kind="patient",
        patient=patient,
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="patient.create",
        actor=actor,
        clinic=staff.clinic,
        patient=patient,
    )
    return patient, invitation, token
