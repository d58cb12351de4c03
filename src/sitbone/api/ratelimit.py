"""A small fixed-window rate limiter in Django's cache (per process with the default local-memory
cache; a shared cache such as Redis makes it global across workers).

Limits are read from settings at each call so tests and deployments can change them:
`SITBONE_API_RATE_LIMIT` ("300/60": requests per seconds, per token or user) and
`SITBONE_API_AUTH_FAILURE_LIMIT` ("30/60": failed authentications per client address).
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

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
    key = f"sitbone:rate:{bucket}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, math.ceil(start + window - now))
    return None


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
