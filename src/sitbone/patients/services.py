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
                equipment=sorted(data.get("equipment", [])),
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


DETAILS = {
    "full_name": "name",
    "date_of_birth": "date of birth",
    "affected_side": "painful side",
    "activities": "sport and activities",
    "goals": "goals",
    "irritability": "irritability",
    "equipment": "equipment",
}
"""The record's fields staff may change (`PatientDetailsForm`), as the audit trail names them."""


@transaction.atomic
def patient_details_update(*, actor: User, patient: Patient, data: dict[str, Any]) -> list[str]:
    """Store what staff changed on the record and audit which fields (not their values, which
    the record keeps). Returns the changed fields' names, empty when nothing changed (then
    nothing is written). The current programme stays as it is: the next prescription uses the
    new equipment and irritability."""
    data = {**data, "equipment": sorted(data.get("equipment", []))}
    changed = [field for field in DETAILS if getattr(patient, field) != data[field]]
    if not changed:
        return []
    for field in changed:
        setattr(patient, field, data[field])
    patient.save(update_fields=changed)
    names = [DETAILS[field] for field in changed]
    audit_record(
        category=AuditCategory.WRITE,
        action="patient.details_update",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=f"changed {', '.join(names)}",
    )
    return names
