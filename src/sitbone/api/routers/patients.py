from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from sitbone.api.auth import principal_of, require_scope
from sitbone.api.models import Scope
from sitbone.api.pagination import PageQuery, date_filtered, page
from sitbone.api.presenters import patient_out
from sitbone.api.routers import READ_ERRORS
from sitbone.api.schemas import PatientOut, PatientPageOut
from sitbone.api.scoping import audit_list_read, patient_for, visible_patients

router = Router(tags=["patients"])


@router.get(
    "/patients",
    response={200: PatientPageOut, **READ_ERRORS},
    summary="Patients you may read (staff: the clinic's; a patient: themself)",
    description="Newest first. `since`/`until` filter on the date the record was created.",
)
def patient_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.PATIENTS_READ)
    patients = date_filtered(visible_patients(principal), "created_at__date", query)
    items, cursor = page(
        patients.select_related("clinic").prefetch_related("assigned_clinicians"),
        order="created_at",
        query=query,
    )
    audit_list_read(principal, items, request, "api.patient.list")
    return {"items": [patient_out(p) for p in items], "next_cursor": cursor}


@router.get(
    "/patients/{patient_id}",
    response={200: PatientOut, **READ_ERRORS},
    summary="One patient",
)
def patient_detail(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.PATIENTS_READ)
    patient = patient_for(principal, patient_id, request, "api.patient.view")
    return patient_out(patient)
