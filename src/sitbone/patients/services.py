"""Writes for patient records."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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


def details_fingerprints(details: dict[str, Any]) -> dict[str, str]:
    """A short digest of each of ``details`` (`DETAILS` fields, and ``care_team`` as users): a
    form is drawn with them and sends them back, so that `patient_details_update` can tell what
    its user changed from what someone else changed meanwhile."""
    return {field: _fingerprint(field, value) for field, value in details.items()}


def _fingerprint(field: str, value: Any) -> str:
    if field == "equipment":
        value = sorted(value or [])
    elif field == "care_team":
        value = sorted(str(user.public_id) for user in value)
    canonical = json.dumps(value, default=str, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class DetailsConflict(Exception):
    """Since the form was opened, someone else changed ``fields`` that this save changes too,
    to other values. Nothing was saved. ``current`` is the record's details as they stand now;
    ``kept`` are the fields the user changed without a conflict."""

    def __init__(self, fields: list[str], kept: list[str], current: dict[str, Any]) -> None:
        self.fields = fields
        self.kept = kept
        self.current = current
        self.names = [DETAILS.get(field, "care team") for field in fields]
        super().__init__(", ".join(self.names))


@transaction.atomic
def patient_details_update(
    *, actor: User, patient: Patient, data: dict[str, Any], opened: dict[str, str] | None = None
) -> list[str]:
    """Store what staff (or, for the equipment, the patient) changed on the record and audit
    which fields (not their values, which the record keeps; for the care team,
    ``data["care_team"]`` when an admin sent it, the clinicians now in it). Returns the changed
    fields' names, empty when nothing changed (then nothing is written). The current programme
    stays as it is: the next prescription uses the new equipment and irritability.

    Only the fields in ``data`` are written. With ``opened`` (`details_fingerprints` of what the
    form showed), a field its user left as shown keeps what the record holds now, so another
    person's change since is not undone; a field both changed, to different values, refuses the
    whole save with `DetailsConflict`.
    """
    locked = _locked(patient)
    current = {**details_of(locked), "care_team": list(locked.assigned_clinicians.all())}
    data = {field: value for field, value in data.items() if field in current}
    if "equipment" in data:
        data["equipment"] = sorted(data["equipment"] or [])
    shown = opened or {}
    mine = [f for f in data if f not in shown or _fingerprint(f, data[f]) != shown[f]]
    conflicts = [
        field
        for field in mine
        if field in shown
        and _fingerprint(field, current[field])
        not in {shown[field], _fingerprint(field, data[field])}
    ]
    if conflicts:
        kept = [field for field in mine if field not in conflicts]
        raise DetailsConflict(conflicts, kept, current)
    data = {field: data[field] for field in mine}  # what the user left as shown is not written
    changed = [field for field in DETAILS if field in data and current[field] != data[field]]
    for field in changed:
        setattr(locked, field, data[field])
    if changed:
        locked.save(update_fields=changed)
    names = [DETAILS[field] for field in changed]
    detail = ""
    team = data.get("care_team")
    if team is not None and {u.pk for u in team} != {u.pk for u in current["care_team"]}:
        locked.assigned_clinicians.set(team)
        names.append("care team")
        members = ", ".join(sorted(u.full_name for u in team)) or "nobody"
        detail = f" (care team now {members})"
    if names:
        patient_write_audit(
            actor, locked, "patient.details_update", f"changed {', '.join(names)}{detail}"
        )
    return names


def patient_equipment_update(
    *, actor: User, patient: Patient, equipment: list[str], opened: dict[str, str] | None = None
) -> bool:
    """The patient says what equipment they have (their own page); True when it changed.
    Stored and audited as a change of the record's details, as when staff set it."""
    return bool(
        patient_details_update(
            actor=actor, patient=patient, data={"equipment": equipment}, opened=opened
        )
    )


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
