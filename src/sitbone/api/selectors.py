"""Reads for the API's own pages, scoped to the acting clinic admin."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from sitbone.api.models import ApiToken
from sitbone.clinics.access import AccessDenied, require_staff

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def api_tokens_for_admin(*, actor: User) -> QuerySet[ApiToken]:
    staff = require_staff(actor, admin=True)
    return ApiToken.objects.filter(clinic=staff.clinic).select_related("created_by")


def api_token_for_admin(*, actor: User, public_id: str) -> ApiToken:
    """One of the admin's clinic's tokens; anything else looks missing (404)."""
    tokens = api_tokens_for_admin(actor=actor)
    try:
        token = tokens.filter(public_id=uuid.UUID(public_id)).first()
    except ValueError:
        token = None
    if token is None:
        raise AccessDenied
    return token
