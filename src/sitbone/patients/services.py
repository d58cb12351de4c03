"""Writes for patient records."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sitbone.clinics.access import StaffContext
from sitbone.clinics.models import AuditCategory, Invitation, clinic_today
from sitbone.clinics.services import audit_record, invitation_create, patient_write_audit
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User


class DuplicatePatient(Exception):
    """The clinic already has a patient with this email address."""


@transaction.atomic
def patient_create_with_invitation(
    *, actor: User, staff: StaffContext, data: dict[str, Any]
) -> tuple[Patient, Invitation, str]:
    """Create a patient record and invite them. A clinician puts them on their own caseload;
    an admin gives them the care team the form chose (``data["care_team"]``, users)."""
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
    else:
        patient.assigned_clinicians.set(data.get("care_team", []))
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


def details_of(patient: Patient) -> dict[str, Any]:
    """The record's `DETAILS` as they stand (a form's starting values)."""
    return {field: getattr(patient, field) for field in DETAILS}


@transaction.atomic
def patient_details_update(*, actor: User, patient: Patient, data: dict[str, Any]) -> list[str]:
    """Store what staff changed on the record and audit which fields (not their values, which
    the record keeps; for the care team, ``data["care_team"]`` when an admin sent it, the
    clinicians now in it). Returns the changed fields' names, empty when nothing changed (then
    nothing is written). The current programme stays as it is: the next prescription uses the
    new equipment and irritability."""
    data = {**data, "equipment": sorted(data.get("equipment", []))}
    changed = [field for field in DETAILS if getattr(patient, field) != data[field]]
    for field in changed:
        setattr(patient, field, data[field])
    if changed:
        patient.save(update_fields=changed)
    names = [DETAILS[field] for field in changed]
    detail = ""
    team = data.get("care_team")
    if team is not None and {u.pk for u in team} != set(
        patient.assigned_clinicians.values_list("pk", flat=True)
    ):
        patient.assigned_clinicians.set(team)
        names.append("care team")
        members = ", ".join(sorted(u.full_name for u in team)) or "nobody"
        detail = f" (care team now {members})"
    if names:
        patient_write_audit(
            actor, patient, "patient.details_update", f"changed {', '.join(names)}{detail}"
        )
    return names


def patient_equipment_update(*, actor: User, patient: Patient, equipment: list[str]) -> bool:
    """The patient says what equipment they have (their own page); True when it changed.
    Stored and audited as a change of the record's details, as when staff set it."""
    data = {**details_of(patient), "equipment": equipment}
    return bool(patient_details_update(actor=actor, patient=patient, data=data))


def _locked(patient: Patient) -> Patient:
    """The record read afresh and locked until the transaction ends, so two staff acting at
    once take turns and the second sees what the first did."""
    return Patient.objects.select_for_update().select_related("clinic").get(pk=patient.pk)


class DischargeRefused(Exception):
    """The discharge date cannot be used; the message says why."""


class TreatmentUnchanged(Exception):
    """The patient is already discharged (or already in treatment): someone else was first."""


@transaction.atomic
def patient_discharge(*, actor: User, patient: Patient, on: dt.date) -> Patient:
    """End the patient's treatment on ``on`` (today or earlier, in the clinic's zone, and not
    before the record was made). Everything that counts active patients follows
    ``discharged_on``: triage and the booking list leave them out, reminders stop, their
    questionnaires ask the end-of-treatment round, and the retention period counts from it."""
    locked = _locked(patient)
    if locked.discharged_on is not None:
        raise TreatmentUnchanged(
            f"{locked.full_name} was discharged on {locked.discharged_on:%-d %B %Y} already."
        )
    today = clinic_today(locked.clinic)
    opened = locked.created_at.astimezone(zoneinfo.ZoneInfo(locked.clinic.time_zone)).date()
    if on > today:
        raise DischargeRefused("The discharge date cannot be in the future.")
    if on < opened:
        raise DischargeRefused(
            f"The discharge date cannot be before the record was made ({opened:%-d %B %Y})."
        )
    locked.discharged_on = on
    locked.save(update_fields=["discharged_on"])
    patient_write_audit(actor, locked, "patient.discharge", f"discharged on {on}")
    return locked


@transaction.atomic
def patient_reopen(*, actor: User, patient: Patient) -> Patient:
    """Take a discharged patient back into treatment (they come back, or were discharged by
    mistake): they return to triage, reminders and the booking list."""
    locked = _locked(patient)
    if locked.discharged_on is None:
        raise TreatmentUnchanged(f"{locked.full_name} is in treatment already.")
    discharged = locked.discharged_on
    locked.discharged_on = None
    locked.save(update_fields=["discharged_on"])
    patient_write_audit(
        actor, locked, "patient.reopen", f"back in treatment (discharged {discharged})"
    )
    return locked


class InvitationNotNeeded(Exception):
    """The patient has an account already: there is nothing to invite them to."""


class InvitationRefused(Exception):
    """The address cannot take the invitation; the message says why."""


@transaction.atomic
def patient_invitation_renew(
    *, actor: User, patient: Patient, email: str
) -> tuple[Patient, Invitation, str]:
    """A new invitation for a patient without an account, whose first one expired or went to a
    wrong address: to ``email``, the record's address or a corrected one (which the record then
    keeps). Invitations still open for the record stop working, so only the newest link makes
    the account. Returns the record, the invitation and its link's secret; the caller sends it
    after the commit."""
    from sitbone.accounts.models import User

    locked = _locked(patient)
    if locked.user_id is not None:
        raise InvitationNotNeeded
    email = email.strip().lower()
    corrected = email != locked.email
    if corrected and Patient.objects.filter(clinic=locked.clinic, email=email).exists():
        raise InvitationRefused("This clinic already has a patient with this email address.")
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationRefused(
            "A Sitbone account already signs in with this address, so an invitation to it "
            "could not be used. Check the address with the patient."
        )
    now = timezone.now()
    Invitation.objects.filter(patient=locked, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    if corrected:
        locked.email = email
        locked.save(update_fields=["email"])
    invitation, token = invitation_create(
        actor=actor,
        clinic=locked.clinic,
        email=email,
        full_name=locked.full_name,
        kind="patient",
        patient=locked,
    )
    patient_write_audit(
        actor,
        locked,
        "patient.invitation_renew",
        "new invitation to a corrected address" if corrected else "new invitation",
    )
    return locked, invitation, token
