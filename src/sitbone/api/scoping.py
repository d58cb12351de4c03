"""How API handlers reach records: always through the access module (clinics.access), so staff
reads are audited, probes are refused like missing records (404) and logged, and a token never
leaves its clinic."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from sitbone.api.auth import Principal
from sitbone.clinics.access import (
    clinic_record_for_staff,
    patient_for_staff,
    patients_visible_to,
    record_for_own_patient,
    refuse,
    staff_reads_audit,
)
from sitbone.patients.models import Patient


def _same_id(value: object, expected: uuid.UUID) -> bool:
    try:
        return uuid.UUID(str(value)) == expected
    except ValueError:
        return False


def patient_for(
    principal: Principal, patient_id: object, request: HttpRequest, what: str
) -> Patient:
    """The patient, if the principal may read them (staff read audited); else 404."""
    if principal.staff is not None:
        return patient_for_staff(
            actor=principal.actor, public_id=patient_id, request=request, what=what
        )
    own = principal.patient
    if own is not None and _same_id(patient_id, own.public_id):
        return own
    refuse(actor=principal.actor, request=request, what=what, reference=patient_id)


def record_for[M: Model](
    principal: Principal, queryset: QuerySet[M], public_id: object, request: HttpRequest, what: str
) -> M:
    """A patient-linked row the principal may read (staff read audited); else 404."""
    if principal.staff is not None:
        return clinic_record_for_staff(
            actor=principal.actor,
            queryset=queryset,
            public_id=public_id,
            request=request,
            what=what,
        )
    return record_for_own_patient(
        actor=principal.actor, queryset=queryset, public_id=public_id, request=request, what=what
    )


def visible_patients(principal: Principal) -> QuerySet[Patient]:
    return patients_visible_to(principal.actor)


def audit_list_read(
    principal: Principal, patients: Iterable[Patient], request: HttpRequest, what: str
) -> None:
    """A staff list that shows several patients is one audited read per patient shown."""
    if principal.staff is not None:
        staff_reads_audit(actor=principal.actor, patients=patients, request=request, what=what)
