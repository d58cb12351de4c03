"""Who may reach what. Every decision about patient data goes through this module, deny by default.

- A patient reaches only their own record.
- Staff (clinic admins and clinicians) reach only the patients of clinics they belong to.
- Anything else looks exactly like a record that does not exist (404), so probing reveals nothing;
  the refused attempt is written to the audit trail as a security event.
- Every staff read of patient data is audited (who, which patient, what, when).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from sitbone.clinics.models import AuditCategory, AuditEvent, Clinic, Membership, Role
from sitbone.clinics.services import audit_record, token_digest
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User


class AccessDenied(Http404):
    """Raised for any refused object access; Django renders it as a 404."""


@dataclass(frozen=True)
class StaffContext:
    """The clinic a staff member is acting in, and their role there."""

    clinic: Clinic
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def staff_context(actor: Any) -> StaffContext | None:
    """The actor's clinic membership, or None for anyone who is not clinic staff."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if hasattr(actor, "_sitbone_staff_context"):
        cached: StaffContext | None = actor._sitbone_staff_context
        return cached
    membership = (
        Membership.objects.select_related("clinic").filter(user=actor).order_by("id").first()
    )
    context = StaffContext(membership.clinic, membership.role) if membership else None
    actor._sitbone_staff_context = context
    return context


def own_patient_record(actor: Any) -> Patient | None:
    """The actor's own patient record, or None."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    return Patient.objects.select_related("clinic").filter(user=actor).first()


def patients_visible_to(actor: Any) -> QuerySet[Patient]:
    """Every patient the actor may read; empty for anyone without a right to any."""
    staff = staff_context(actor)
    if staff is not None:
        return Patient.objects.filter(clinic=staff.clinic)
    if getattr(actor, "is_authenticated", False) and actor.is_active:
        return Patient.objects.filter(user=actor)
    return Patient.objects.none()


def caseload_for(actor: User) -> QuerySet[Patient]:
    """The patients assigned to a clinician (an admin sees the whole clinic)."""
    staff = staff_context(actor)
    if staff is None:
        return Patient.objects.none()
    patients = Patient.objects.filter(clinic=staff.clinic)
    return patients if staff.is_admin else patients.filter(assigned_clinicians=actor)


def _parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def patient_for_staff(
    *, actor: User, public_id: object, request: HttpRequest, what: str
) -> Patient:
    """A patient of the actor's clinic, the read audited; otherwise 404 and a security event."""
    staff = staff_context(actor)
    parsed = _parse_uuid(public_id)
    patient = (
        Patient.objects.select_related("clinic").filter(public_id=parsed).first()
        if parsed and staff
        else None
    )
    if staff is None or patient is None or patient.clinic_id != staff.clinic.pk:
        audit_record(
            category=AuditCategory.DENIED,
            action="patient.probe",
            actor=actor,
            clinic=staff.clinic if staff else None,
            patient=None,
            request=request,
            detail=f"refused {what} of patient {str(public_id)[:40]}",
        )
        raise AccessDenied
    audit_record(
        category=AuditCategory.READ,
        action=what,
        actor=actor,
        clinic=staff.clinic,
        patient=patient,
        request=request,
    )
    return patient


def require_staff(actor: Any, *, admin: bool = False) -> StaffContext:
    """The staff context, or 404 for anyone who is not (admin) staff of a clinic."""
    staff = staff_context(actor)
    if staff is None or (admin and not staff.is_admin):
        raise AccessDenied
    return staff


def require_own_patient(actor: Any) -> Patient:
    """The actor's own patient record, or 404."""
    patient = own_patient_record(actor)
    if patient is None:
        raise AccessDenied
    return patient


def refuse(*, actor: Any, request: HttpRequest | None, what: str, reference: object) -> NoReturn:
    """Record a refused access as a security event and answer exactly like a missing page."""
    staff = staff_context(actor)
    audit_record(
        category=AuditCategory.DENIED,
        action="record.probe",
        actor=actor,
        clinic=staff.clinic if staff else None,
        patient=None,
        request=request,
        detail=f"refused {what} of {str(reference)[:40]}",
    )
    raise AccessDenied


def clinician_for_staff(
    *, actor: User, public_id: object, request: HttpRequest, manage: bool = False
) -> User:
    """A staff member of the actor's clinic (for diaries and availability).

    With `manage`, only clinic admins may pick someone other than themselves.
    """
    from sitbone.accounts.models import User as UserModel

    staff = require_staff(actor)
    parsed = _parse_uuid(public_id)
    member = (
        UserModel.objects.filter(public_id=parsed, memberships__clinic=staff.clinic).first()
        if parsed
        else None
    )
    if member is None or (manage and not staff.is_admin and member.pk != actor.pk):
        refuse(actor=actor, request=request, what="staff member", reference=public_id)
    return member


def clinic_record_for_staff[M: Model](
    *, actor: User, queryset: QuerySet[M], public_id: object, request: HttpRequest, what: str
) -> M:
    """A patient-linked row (fields `clinic`, `patient`) of the actor's clinic, the read audited;
    anything else is refused (404 and a security event)."""
    staff = staff_context(actor)
    parsed = _parse_uuid(public_id)
    record = (
        queryset.filter(public_id=parsed, clinic=staff.clinic).first() if staff and parsed else None
    )
    if staff is None or record is None:
        refuse(actor=actor, request=request, what=what, reference=public_id)
    audit_record(
        category=AuditCategory.READ,
        action=what,
        actor=actor,
        clinic=staff.clinic,
        patient=record.patient,  # type: ignore[attr-defined]
        request=request,
    )
    return record


def record_for_own_patient[M: Model](
    *, actor: Any, queryset: QuerySet[M], public_id: object, request: HttpRequest, what: str
) -> M:
    """A row (field `patient`) of the actor's own patient record; anything else is refused."""
    patient = own_patient_record(actor)
    parsed = _parse_uuid(public_id)
    record = (
        queryset.filter(public_id=parsed, patient=patient).first() if patient and parsed else None
    )
    if record is None:
        refuse(actor=actor, request=request, what=what, reference=public_id)
    return record


def staff_reads_audit(
    *, actor: User, patients: Iterable[Patient], request: HttpRequest, what: str
) -> None:
    """Audit a staff page that shows several patients (e.g. a diary): one event per patient."""
    staff = require_staff(actor)
    events = [
        AuditEvent(
            category=AuditCategory.READ,
            action=what[:64],
            actor=actor,
            actor_email=actor.email,
            clinic=staff.clinic,
            patient=patient,
            path=request.path[:300],
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
        for patient in {p.pk: p for p in patients}.values()
        if patient.clinic_id == staff.clinic.pk
    ]
    AuditEvent.append_many(events)


def record_for_link_secret[M: Model](
    *, queryset: QuerySet[M], token: str, request: HttpRequest, what: str
) -> M:
    """The live row (field `token_hash`) a secret link opens, e.g. a calendar feed address.

    The link is the credential; an unknown or revoked secret is refused like a missing page.
    """
    record = queryset.filter(token_hash=token_digest(token)).first() if token else None
    if record is None:
        refuse(actor=request.user, request=request, what=what, reference="link secret")
    return record
