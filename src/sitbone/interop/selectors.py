"""Reads for the data-rights pages, scoped to the acting clinic admin."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, QuerySet, Value, When

from sitbone.clinics.access import AccessDenied, require_staff
from sitbone.interop.models import ErasureRequest, ErasureStatus

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def erasure_requests_for_admin(*, actor: User) -> QuerySet[ErasureRequest]:
    staff = require_staff(actor, admin=True)
    pending_first = Case(
        When(status=ErasureStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        ErasureRequest.objects.filter(clinic=staff.clinic)
        .select_related("patient", "decided_by")
        .order_by(pending_first, "-requested_at", "-id")
    )


def erasure_request_for_admin(*, actor: User, public_id: str) -> ErasureRequest:
    requests = erasure_requests_for_admin(actor=actor)
    try:
        found = requests.filter(public_id=uuid.UUID(public_id)).first()
    except ValueError:
        found = None
    if found is None:
        raise AccessDenied
    return found
