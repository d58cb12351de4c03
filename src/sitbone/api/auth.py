"""Who is calling: a clinic API token (acts as the clinic's staff, within its scopes) or a signed-in
browser session (CSRF-checked on unsafe methods). Both end in a Principal, and every request of a
principal counts against its rate limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from sitbone.api import ratelimit
from sitbone.api.errors import ApiError
from sitbone.api.models import ApiToken, Scope
from sitbone.api.services import api_token_for_secret
from sitbone.clinics.access import StaffContext, own_patient_record, staff_context
from sitbone.patients.models import Patient

ALL_SCOPES = frozenset(Scope.values)
PATIENT_SCOPES = frozenset({Scope.PATIENTS_READ.value, Scope.CLINICAL_READ.value})
"""A patient's session reads its own record and nothing else."""


@dataclass(frozen=True)
class Principal:
    actor: Any
    """The user the access module judges: the session's user, or the token's service identity."""

    token: ApiToken | None
    staff: StaffContext | None
    patient: Patient | None
    """The caller's own patient record (patient sessions only)."""

    scopes: frozenset[str]

    @property
    def owner(self) -> str:
        if self.token is not None:
            return f"token:{self.token.public_id}"
        return f"user:{self.actor.public_id}"

    @property
    def kind(self) -> str:
        if self.token is not None:
            return "token"
        return "staff" if self.staff is not None else "patient"


def principal_for_token(token: ApiToken) -> Principal:
    actor = token.service_user
    staff = StaffContext(token.clinic, "clinician")
    # The access module reads the staff context from the actor: a token acts as its clinic's
    # staff (never an admin) and nothing else.
    actor._sitbone_staff_context = staff  # type: ignore[attr-defined]
    return Principal(
        actor=actor, token=token, staff=staff, patient=None, scopes=frozenset(token.scopes)
    )


def principal_for_user(user: Any) -> Principal | None:
    staff = staff_context(user)
    if staff is not None:
        return Principal(actor=user, token=None, staff=staff, patient=None, scopes=ALL_SCOPES)
    patient = own_patient_record(user)
    if patient is not None:
        return Principal(actor=user, token=None, staff=None, patient=patient, scopes=PATIENT_SCOPES)
    return None


def count_request(principal: Principal) -> None:
    wait = ratelimit.hit(principal.owner, ratelimit.api_rate())
    if wait is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests. Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sbt_…` — a clinic API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = api_token_for_secret(token.strip())
        if found is None:
            return None
        principal = principal_for_token(found)
        count_request(principal)
        request.user = principal.actor
        return principal


class SessionAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods need the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if not request.user.is_authenticated:
            return None
        principal = principal_for_user(request.user)
        if principal is None:
            return None
        count_request(principal)
        return principal


def principal_of(request: HttpRequest) -> Principal:
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):  # pragma: no cover - every operation has auth
        raise ApiError(401, "unauthenticated", "Not signed in.")
    return principal


def require_scope(principal: Principal, scope: str) -> None:
    if scope not in principal.scopes:
        raise ApiError(
            403, "insufficient_scope", f"This credential lacks the “{scope}” scope.", field=None
        )


def require_staff_principal(principal: Principal, scope: str) -> StaffContext:
    """Staff (a staff session or a clinic token) holding `scope`; patients get 403."""
    require_scope(principal, scope)
    if principal.staff is None:
        raise ApiError(403, "staff_only", "Only clinic staff and clinic API tokens may do this.")
    return principal.staff
