"""Who may reach what. Every decision about patient data goes through this module, deny by default.

- A patient reaches only their own record.
- Staff (clinic admins and clinicians) reach only the patients of clinics they belong to. A clinic
  may limit clinicians to their care team (privacy settings: the patients assigned to them or
  booked with them); outside it a clinician reaches a patient only through a live emergency
  ("break-glass") access, and each read during one is audited with that access's id.
- Anything else looks exactly like a record that does not exist (404), so probing reveals nothing;
  the refused attempt is written to the audit trail as a security event.
- Every staff read of patient data is audited (who, which patient, what, when).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from django.contrib.auth import get_user_model
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

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
    care_team_only: bool = False
    """The clinic limits clinicians to the patients in their care (privacy settings)."""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def staff_context(actor: Any) -> StaffContext | None:
    """The actor's clinic membership, or None for anyone who is not clinic staff."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    context: StaffContext | None = _once_per_request(actor, _STAFF_CONTEXT, _membership)
    return context


def _membership(actor: Any) -> StaffContext | None:
    membership = (
        Membership.objects.select_related("clinic", "clinic__privacy_settings")
        .filter(user=actor)
        .order_by("id")
        .first()
    )
    if membership is None:
        return None
    return StaffContext(membership.clinic, membership.role, _care_team_only(membership.clinic))


_NOT_LOOKED_UP = object()
_STAFF_CONTEXT = "_sitbone_staff_context"
_OWN_PATIENT = "_sitbone_own_patient"


def _once_per_request(actor: Any, name: str, load: Callable[[Any], Any]) -> Any:
    """Look something up about the signed-in user once per request and keep it on the user.

    Django loads the user afresh for every request, so what is kept lives exactly as long as
    the request; the middleware, the view and the templates then share one answer.
    """
    value = getattr(actor, name, _NOT_LOOKED_UP)
    if value is _NOT_LOOKED_UP:
        value = load(actor)
        setattr(actor, name, value)
    return value


def _care_team_only(clinic: Clinic) -> bool:
    privacy = getattr(clinic, "privacy_settings", None)  # joined above: no extra query
    return bool(privacy is not None and privacy.care_team_only)


def _care_team(actor: Any, *, with_emergency_access: bool) -> Q:
    """Patients in the actor's care: assigned to them, or with a booked appointment with them;
    optionally also those the actor holds a live emergency access to."""
    from sitbone.privacy.models import EmergencyAccess

    assigned = Patient.assigned_clinicians.through.objects.filter(user=actor).values("patient_id")
    booked = Patient.objects.filter(
        appointments__clinician=actor, appointments__status="booked"
    ).values("pk")
    team = Q(pk__in=assigned) | Q(pk__in=booked)
    if with_emergency_access:
        live = EmergencyAccess.objects.filter(
            actor=actor, expires_at__gt=timezone.now(), patient__isnull=False
        ).values("patient_id")
        team |= Q(pk__in=live)
    return team


def in_care_team(actor: Any, patient: Patient) -> bool:
    return Patient.objects.filter(
        _care_team(actor, with_emergency_access=False), pk=patient.pk
    ).exists()


def emergency_access_live(*, actor: Any, patient: Patient) -> Any:
    """The actor's emergency access to the patient that has not expired yet, or None."""
    from sitbone.privacy.models import EmergencyAccess

    return (
        EmergencyAccess.objects.filter(
            actor=actor, patient=patient, clinic_id=patient.clinic_id, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def _staff_read_detail(staff: StaffContext, actor: Any, patient: Patient) -> str | None:
    """How a staff read of the patient is audited: "" for a normal read, the emergency access's
    id during one, None when the read is refused."""
    if patient.clinic_id != staff.clinic.pk:
        return None
    if staff.is_admin or not staff.care_team_only or in_care_team(actor, patient):
        return ""
    emergency = emergency_access_live(actor=actor, patient=patient)
    return None if emergency is None else str(emergency.audit_detail)


def own_patient_record(actor: Any) -> Patient | None:
    """The actor's own patient record, or None."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    patient: Patient | None = _once_per_request(actor, _OWN_PATIENT, _patient_of)
    return patient


def _patient_of(actor: Any) -> Patient | None:
    return Patient.objects.select_related("clinic").filter(user=actor).first()


def own_clinic(actor: Any) -> Clinic | None:
    """The clinic a person belongs to: a staff member's, else their own patient record's."""
    staff = staff_context(actor)
    if staff is not None:
        return staff.clinic
    patient = own_patient_record(actor)
    return patient.clinic if patient is not None else None


def signed_in_user(user_id: int | str) -> User | None:
    """The user a session names, loaded with their own patient record and with whether they
    belong to any clinic's staff, in one query.

    Every signed-in request asks both (the session timeout and the staff two-factor check ask
    for the staff context, every patient form post for the patient record), so a patient's
    request needs no query of its own for either, and staff only the membership query.
    """
    user: Any = (
        get_user_model()
        ._default_manager.select_related("patient__clinic")
        .annotate(sitbone_is_member=Exists(Membership.objects.filter(user=OuterRef("pk"))))
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        return None
    setattr(user, _OWN_PATIENT, getattr(user, "patient", None))  # see _once_per_request
    if not user.sitbone_is_member:
        setattr(user, _STAFF_CONTEXT, None)
    return user  # type: ignore[no-any-return]


def patients_visible_to(actor: Any) -> QuerySet[Patient]:
    """Every patient the actor may read; empty for anyone without a right to any."""
    staff = staff_context(actor)
    if staff is not None:
        patients = Patient.objects.filter(clinic=staff.clinic)
        if staff.is_admin or not staff.care_team_only:
            return patients
        return patients.filter(_care_team(actor, with_emergency_access=True))
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
        Patient.objects.select_related("clinic", "user").filter(public_id=parsed).first()
        if parsed and staff
        else None
    )
    detail = _staff_read_detail(staff, actor, patient) if staff and patient else None
    if staff is None or patient is None or detail is None:
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
        detail=detail,
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
    patient = record.patient  # type: ignore[attr-defined]
    detail = "" if patient is None else _staff_read_detail(staff, actor, patient)
    if detail is None:
        refuse(actor=actor, request=request, what=what, reference=public_id)
    audit_record(
        category=AuditCategory.READ,
        action=what,
        actor=actor,
        clinic=staff.clinic,
        patient=patient,
        request=request,
        detail=detail,
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


class ShownPatient(Protocol):
    """A patient as a page shows it: a model instance, or a list's plain row of it."""

    @property
    def pk(self) -> Any: ...

    @property
    def clinic_id(self) -> Any: ...


def staff_reads_audit(
    *, actor: User, patients: Iterable[ShownPatient], request: HttpRequest, what: str
) -> None:
    """Audit a staff page that shows several patients (e.g. a diary): one event per patient."""
    staff = require_staff(actor)
    shown = [p for p in {p.pk: p for p in patients}.values() if p.clinic_id == staff.clinic.pk]
    emergency = _emergency_details(staff, actor, shown)
    events = [
        AuditEvent(
            category=AuditCategory.READ,
            action=what[:64],
            actor=actor,
            actor_email=actor.email,
            clinic=staff.clinic,
            patient_id=patient.pk,
            path=request.path[:300],
            ip_address=request.META.get("REMOTE_ADDR") or None,
            detail=emergency.get(patient.pk, ""),
        )
        for patient in shown
    ]
    AuditEvent.append_many(events)


def _emergency_details(
    staff: StaffContext, actor: Any, patients: list[ShownPatient]
) -> dict[int, str]:
    """For a clinician limited to their care team: the audit detail of each shown patient they
    reach only through a live emergency access."""
    if staff.is_admin or not staff.care_team_only or not patients:
        return {}
    from sitbone.privacy.models import EmergencyAccess

    ids = [p.pk for p in patients]
    team = Patient.objects.filter(_care_team(actor, with_emergency_access=False), pk__in=ids)
    live = EmergencyAccess.objects.filter(
        actor=actor, patient__in=ids, expires_at__gt=timezone.now()
    ).exclude(patient__in=team.values("pk"))
    return {
        access.patient_id: access.audit_detail for access in live if access.patient_id is not None
    }


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
