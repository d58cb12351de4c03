from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sitbone.api.auth import principal_of
from sitbone.api.routers import READ_ERRORS
from sitbone.api.schemas import MeOut

router = Router(tags=["who am I"])


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="The calling identity")
def me(request: HttpRequest) -> dict[str, Any]:
    principal = principal_of(request)
    clinic = principal.staff.clinic if principal.staff else principal.patient.clinic  # type: ignore[union-attr]
    token = principal.token
    return {
        "kind": principal.kind,
        "scopes": sorted(principal.scopes),
        "clinic": {"id": clinic.public_id, "name": clinic.name, "time_zone": clinic.time_zone},
        "patient_id": principal.patient.public_id if principal.patient else None,
        "token": None
        if token is None
        else {
            "id": token.public_id,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        },
    }
