"""A small fixed-window rate limiter counted in the database (`RateWindow`), so every server
process counts against the same allowance.

Limits are read from settings at each call so tests and deployments can change them:
`SITBONE_API_RATE_LIMIT` ("300/60": requests per seconds, per token or user) and
`SITBONE_API_AUTH_FAILURE_LIMIT` ("30/60": failed authentications per client address).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.db import connection

from sitbone.api.models import RateWindow

logger = logging.getLogger("sitbone.api")

DEFAULT_RATE = "300/60"
DEFAULT_AUTH_FAILURES = "30/60"


def parse_rate(value: str, fallback: str = DEFAULT_RATE) -> tuple[int, int]:
    """ "300/60" → (300, 60); a malformed setting falls back rather than failing every request."""
    count, _, seconds = value.partition("/")
    try:
        return max(int(count), 1), max(int(seconds or 60), 1)
    except ValueError:
        logger.error("Malformed API rate limit %r; using %s", value, fallback)
        return parse_rate(fallback)


def hit(bucket: str, rate: str) -> int | None:
    """Count one request in `bucket`; None when allowed, else seconds until the window ends."""
    limit, window = parse_rate(rate)
    now = time.time()
    start = int(now // window) * window
    count = _counted(hashlib.sha256(bucket.encode()).hexdigest(), start, start + window)
    if count > limit:
        return max(1, math.ceil(start + window - now))
    return None


def _counted(bucket: str, starts_at: int, ends_at: int) -> int:
    """Add one to the bucket's window and return its count, in one statement: two processes
    counting at once both land (the ORM has no increment-on-conflict). The first count of a
    window also clears windows that have ended."""
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, starts_at, ends_at, hits) VALUES (%s, %s, %s, 1) "  # noqa: S608 # nosec B608 - names from the model
            f"ON CONFLICT (bucket, starts_at) DO UPDATE SET hits = {table}.hits + 1 "
            "RETURNING hits",
            [bucket, starts_at, ends_at],
        )
        count = int(cursor.fetchone()[0])
    if count == 1:
        RateWindow.objects.filter(ends_at__lte=starts_at).delete()
    return count


def minutes(wait_seconds: int) -> int:
    """A `hit` wait in whole minutes, rounded up, for telling a person when to try again."""
    return -(-wait_seconds // 60)


def api_rate() -> str:
    return str(getattr(settings, "SITBONE_API_RATE_LIMIT", DEFAULT_RATE))


def auth_failure_rate() -> str:
    return str(getattr(settings, "SITBONE_API_AUTH_FAILURE_LIMIT", DEFAULT_AUTH_FAILURES))


def auth_failure(address: str | None) -> int | None:
    """Count a failed authentication from an address; seconds to wait once over the limit."""
    return hit(f"authfail:{address or 'unknown'}", auth_failure_rate())
