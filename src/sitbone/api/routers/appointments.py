"""Appointments: staff see their clinic's, a patient their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from sitbone.api.auth import principal_of, require_scope
from sitbone.api.models import Scope
from sitbone.api.pagination import PageQuery, date_filtered, page
from sitbone.api.routers import READ_ERRORS
from sitbone.api.schemas import AppointmentOut, AppointmentPageOut
from sitbone.api.scoping import patient_for, record_for
from sitbone.appointments.models import Appointment

router = Router(tags=["appointments"])


def appointments() -> Any:
    return Appointment.objects.select_related("patient", "clinician", "appointment_type")


def appointment_out(appointment: Appointment) -> dict[str, Any]:
    clinician = appointment.clinician
    return {
        "id": appointment.public_id,
        "patient_id": appointment.patient.public_id,
        "clinician_id": clinician.public_id,
        "clinician_name": clinician.full_name,
        "kind": str(getattr(appointment.appointment_type, "name", "")),
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "created_at": appointment.created_at,
    }


@router.get(
    "/patients/{patient_id}/appointments",
    response={200: AppointmentPageOut, **READ_ERRORS},
    summary="A patient's appointments, latest start first",
    description="`since`/`until` filter on the day the appointment starts (UTC).",
)
def appointment_list(
    request: HttpRequest, patient_id: str, query: Query[PageQuery]
) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.appointment.list")
    rows = date_filtered(appointments().filter(patient=patient), "starts_at__date", query)
    items, cursor = page(rows, order="starts_at", query=query)
    return {"items": [appointment_out(a) for a in items], "next_cursor": cursor}


@router.get(
    "/appointments/{id}",
    response={200: AppointmentOut, **READ_ERRORS},
    summary="One appointment",
)
def appointment_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    return appointment_out(
        record_for(principal, appointments(), id, request, "api.appointment.view")
    )
