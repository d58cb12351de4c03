from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from sitbone.api.auth import principal_of, require_scope
from sitbone.api.models import Scope
from sitbone.api.pagination import PageQuery, date_filtered, page
from sitbone.api.presenters import decision_out, programme_out
from sitbone.api.routers import READ_ERRORS
from sitbone.api.schemas import DecisionOut, DecisionPageOut, ProgrammeOut, ProgrammePageOut
from sitbone.api.scoping import patient_for, record_for
from sitbone.programmes.models import Decision, Programme

router = Router(tags=["programmes and decisions"])


def programmes() -> Any:
    return Programme.objects.select_related("patient").prefetch_related("exercises")


def decisions() -> Any:
    return Decision.objects.select_related("patient")


@router.get(
    "/patients/{patient_id}/programmes",
    response={200: ProgrammePageOut, **READ_ERRORS},
    summary="Every version of a patient's programme, newest first",
    description="`since`/`until` filter on the date each version was made.",
)
def programme_list(
    request: HttpRequest, patient_id: str, query: Query[PageQuery]
) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.programme.list")
    rows = date_filtered(programmes().filter(patient=patient), "created_at__date", query)
    items, cursor = page(rows, order="created_at", query=query)
    return {"items": [programme_out(p) for p in items], "next_cursor": cursor}


@router.get(
    "/programmes/{id}",
    response={200: ProgrammeOut, **READ_ERRORS},
    summary="One programme version with its exercises and doses",
)
def programme_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    return programme_out(record_for(principal, programmes(), id, request, "api.programme.view"))


@router.get(
    "/patients/{patient_id}/decisions",
    response={200: DecisionPageOut, **READ_ERRORS},
    summary="The engine's decisions about a patient, newest first",
    description="`since`/`until` filter on the day each decision applies to.",
)
def decision_list(request: HttpRequest, patient_id: str, query: Query[PageQuery]) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.decision.list")
    rows = date_filtered(decisions().filter(patient=patient), "made_on", query)
    items, cursor = page(rows, order="made_on", query=query)
    return {"items": [decision_out(d) for d in items], "next_cursor": cursor}


@router.get(
    "/decisions/{id}",
    response={200: DecisionOut, **READ_ERRORS},
    summary="One decision with the reasons the engine gave",
)
def decision_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    return decision_out(record_for(principal, decisions(), id, request, "api.decision.view"))
