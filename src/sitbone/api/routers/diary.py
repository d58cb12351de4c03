from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.params.functions import Header

from sitbone.api import services
from sitbone.api.auth import Principal, principal_of, require_scope
from sitbone.api.errors import ApiError
from sitbone.api.idempotency import request_fingerprint
from sitbone.api.models import Scope
from sitbone.api.pagination import PageQuery, date_filtered, page
from sitbone.api.presenters import morning_check_out, session_entries, session_out
from sitbone.api.routers import READ_ERRORS, WRITE_ERRORS
from sitbone.api.schemas import (
    MorningCheckCreateIn,
    MorningCheckOut,
    MorningCheckPageOut,
    SessionLogCreateIn,
    SessionLogOut,
    SessionLogPageOut,
)
from sitbone.api.scoping import patient_for, record_for
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.patients.models import Patient

router = Router(tags=["sessions and morning check-ins"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    min_length=1,
    max_length=64,
    pattern=r"^[A-Za-z0-9._:-]+$",
    description="Any unique string (e.g. a UUID). A retry with the same key and body gets the "
    "first answer again; the same key with another body gets 422; while the first is still "
    "being processed, 409.",
)


def sessions() -> Any:
    return SessionLog.objects.select_related("patient", "programme")


def mornings() -> Any:
    return MorningCheck.objects.select_related("patient")


def own_patient_for_write(
    principal: Principal, patient_id: str, request: HttpRequest, what: str
) -> Patient:
    """Diary entries are the patient's own words: only the patient may write them. Someone who
    may not see the patient at all gets 404, like for any other record."""
    patient = patient_for(principal, patient_id, request, what)
    if principal.patient is None:
        raise ApiError(
            403, "patient_only", "Only the patient can log their own sessions and check-ins."
        )
    return patient


def answer(
    response: HttpResponse, outcome: tuple[int, dict[str, Any], bool]
) -> Status[dict[str, Any]]:
    status, body, replayed = outcome
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)


@router.get(
    "/patients/{patient_id}/sessions",
    response={200: SessionLogPageOut, **READ_ERRORS},
    summary="A patient's loading sessions, newest first",
    description="`since`/`until` filter on the day of the session.",
)
def session_list(request: HttpRequest, patient_id: str, query: Query[PageQuery]) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.session.list")
    # Read through the patient's relation, each row knows its patient without joining it again.
    rows = date_filtered(patient.sessions.select_related("programme"), "performed_on", query)
    items, cursor = page(rows, order="performed_on", query=query)
    entries = session_entries([s.pk for s in items])
    return {"items": [session_out(s, entries.get(s.pk, [])) for s in items], "next_cursor": cursor}


@router.get(
    "/sessions/{id}",
    response={200: SessionLogOut, **READ_ERRORS},
    summary="One loading session with its exercises",
)
def session_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    return session_out(record_for(principal, sessions(), id, request, "api.session.view"))


@router.post(
    "/patients/{patient_id}/sessions",
    response={201: SessionLogOut, **WRITE_ERRORS},
    summary="Log a loading session (the patient, for themself)",
    description=(
        "The engine decides on it as on a session logged in the app; the decision is listed "
        "under `/patients/{patient_id}/decisions`."
    ),
)
def session_create(
    request: HttpRequest,
    response: HttpResponse,
    patient_id: str,
    payload: SessionLogCreateIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status[dict[str, Any]]:
    principal = principal_of(request)
    patient = own_patient_for_write(principal, patient_id, request, "api.session.create")

    def write() -> tuple[int, dict[str, Any]]:
        created = services.session_log_create(
            actor=principal.actor, patient=patient, data=payload, idempotency_key=idempotency_key
        )
        return 201, services.json_ready(session_out(created))

    return answer(
        response,
        services.idempotent_write(
            owner=principal.owner,
            key=idempotency_key,
            fingerprint=request_fingerprint(
                method="POST", path=request.path, body=payload.model_dump(mode="json")
            ),
            patient=patient,
            write=write,
        ),
    )


@router.get(
    "/patients/{patient_id}/morning-checks",
    response={200: MorningCheckPageOut, **READ_ERRORS},
    summary="A patient's next-morning check-ins, newest first",
    description="`since`/`until` filter on the morning's date.",
)
def morning_check_list(
    request: HttpRequest, patient_id: str, query: Query[PageQuery]
) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.morning_check.list")
    rows = date_filtered(patient.morning_checks.all(), "checked_on", query)
    items, cursor = page(rows, order="checked_on", query=query)
    return {"items": [morning_check_out(m) for m in items], "next_cursor": cursor}


@router.get(
    "/morning-checks/{id}",
    response={200: MorningCheckOut, **READ_ERRORS},
    summary="One morning check-in",
)
def morning_check_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.CLINICAL_READ)
    return morning_check_out(
        record_for(principal, mornings(), id, request, "api.morning_check.view")
    )


@router.post(
    "/patients/{patient_id}/morning-checks",
    response={201: MorningCheckOut, **WRITE_ERRORS},
    summary="Record the next-morning load test (the patient, for themself)",
    description=(
        "One per morning: a second one for the same date gets 409. The engine decides on it as "
        "on a check-in made in the app; the decision is listed under "
        "`/patients/{patient_id}/decisions`."
    ),
)
def morning_check_create(
    request: HttpRequest,
    response: HttpResponse,
    patient_id: str,
    payload: MorningCheckCreateIn,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Status[dict[str, Any]]:
    principal = principal_of(request)
    patient = own_patient_for_write(principal, patient_id, request, "api.morning_check.create")

    def write() -> tuple[int, dict[str, Any]]:
        created = services.morning_check_create(
            actor=principal.actor, patient=patient, data=payload
        )
        return 201, services.json_ready(morning_check_out(created))

    return answer(
        response,
        services.idempotent_write(
            owner=principal.owner,
            key=idempotency_key,
            fingerprint=request_fingerprint(
                method="POST", path=request.path, body=payload.model_dump(mode="json")
            ),
            patient=patient,
            write=write,
        ),
    )
