"""Cursor pages and date filters shared by every list.

Lists are newest first, ordered by a date field and then the public id, so a cursor (the position
of the last item, signed so it cannot be forged or edited) stays valid while new rows arrive.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core import signing
from django.db.models import Model, Q, QuerySet
from ninja import Field, Schema
from pydantic import ConfigDict

from sitbone.api.errors import ApiError

MAX_LIMIT = 100
CURSOR_SALT = "sitbone.api.cursor"


class PageQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(
        None, max_length=400, description="`next_cursor` of the previous page; omit for the first."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page (at most 100).")
    since: dt.date | None = Field(None, description="Only items on or after this date.")
    until: dt.date | None = Field(None, description="Only items on or before this date.")


def date_filtered[M: Model](queryset: QuerySet[M], field: str, query: PageQuery) -> QuerySet[M]:
    if query.since and query.until and query.since > query.until:
        raise ApiError(422, "invalid", "`since` must not be after `until`.", field="query.since")
    if query.since:
        queryset = queryset.filter(**{f"{field}__gte": query.since})
    if query.until:
        queryset = queryset.filter(**{f"{field}__lte": query.until})
    return queryset


def _position(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)


def page[M: Model](
    queryset: QuerySet[M], *, order: str, query: PageQuery
) -> tuple[list[M], str | None]:
    """One page of `queryset`, newest first by `order` then public id, and the next cursor."""
    ordered = queryset.order_by(f"-{order}", "-public_id")
    # A cursor only works for the kind of list that issued it.
    salt = f"{CURSOR_SALT}:{queryset.model._meta.label}:{order}"
    if query.cursor:
        try:
            value, after = signing.loads(query.cursor, salt=salt)
            after_id = uuid.UUID(str(after))
        except (signing.BadSignature, ValueError, TypeError):
            raise ApiError(
                422, "invalid_cursor", "This cursor is not valid.", field="query.cursor"
            ) from None
        ordered = ordered.filter(
            Q(**{f"{order}__lt": value}) | Q(**{order: value, "public_id__lt": after_id})
        )
    rows = list(ordered[: query.limit + 1])
    items = rows[: query.limit]
    if len(rows) <= query.limit:
        return items, None
    last = items[-1]
    cursor = signing.dumps(
        [_position(getattr(last, order)), str(last.public_id)],  # type: ignore[attr-defined]
        salt=salt,
    )
    return items, cursor
