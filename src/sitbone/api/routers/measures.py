from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.params.functions import Query as QueryParam

from sitbone.api.auth import principal_of, require_scope, require_staff_principal
from sitbone.api.models import Scope
from sitbone.api.pagination import PageQuery, date_filtered, page
from sitbone.api.presenters import measure_out
from sitbone.api.routers import READ_ERRORS, WRITE_ERRORS
from sitbone.api.schemas import MeasureCreatedOut, MeasureCreateIn, MeasureOut, MeasurePageOut
from sitbone.api.scoping import patient_for, record_for
from sitbone.api.services import check_day
from sitbone.measures.models import MeasureResult
from sitbone.measures.services import measure_record

router = Router(tags=["outcome measures"])


def measures() -> Any:
    return MeasureResult.objects.select_related("patient")


@router.get(
    "/patients/{patient_id}/measures",
    response={200: MeasurePageOut, **READ_ERRORS},
    summary="A patient's outcome measures, newest first",
    description="`since`/`until` filter on the day the measure was taken; `instrument` on its id.",
)
def measure_list(
    request: HttpRequest,
    patient_id: str,
    query: Query[PageQuery],
    instrument: str | None = QueryParam(
        None, pattern=r"^[a-z_]{1,32}$", description="Only this instrument, e.g. `lefs`."
    ),
) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.measure.list")
    rows = date_filtered(measures().filter(patient=patient), "taken_on", query)
    if instrument:
        rows = rows.filter(instrument=instrument)
    items, cursor = page(rows, order="taken_on", query=query)
    return {"items": [measure_out(m) for m in items], "next_cursor": cursor}


@router.get(
    "/measures/{id}",
    response={200: MeasureOut, **READ_ERRORS},
    summary="One outcome measure with its item answers",
)
def measure_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    return measure_out(record_for(principal, measures(), id, request, "api.measure.view"))


@router.post(
    "/patients/{patient_id}/measures",
    response={201: MeasureCreatedOut, **WRITE_ERRORS},
    summary="Record an outcome measure (staff); the engine scores it",
    description="Invalid answers get 422 with `field` pointing at the item, e.g. "
    "`body.answers[3]`; nothing is stored.",
)
def measure_create(
    request: HttpRequest, patient_id: str, payload: MeasureCreateIn
) -> Status[dict[str, Any]]:
    principal = principal_of(request)
    require_staff_principal(principal, Scope.CLINICAL_WRITE)
    patient = patient_for(principal, patient_id, request, "api.measure.create")
    check_day(payload.taken_on, patient, "body.taken_on")
    result, scored = measure_record(
        actor=principal.actor,
        patient=patient,
        instrument=payload.instrument,
        answers=payload.answers,
        taken_on=payload.taken_on,
    )
    return Status(201, {"measure": measure_out(result), "score": scored})
