"""Run a write once per idempotency key, for the API and the web forms alike.

The first request with a key claims it in its own committed transaction, runs the write and
stores the answer with the claim. The same key and the same request again get the stored answer;
the same key with a different request, or while the first is still running, is a conflict. A
write that fails releases the key, so a corrected retry may use it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sitbone.api.models import IdempotencyRecord

if TYPE_CHECKING:
    from sitbone.patients.models import Patient

KEEP_DAYS = 1
"""A key answers retries for a day; older claims are cleared as new ones are made."""


class KeyConflict(Exception):
    """The key was used before: for a different request (`reused`) or it is still running."""

    def __init__(self, *, reused: bool) -> None:
        super().__init__("reused" if reused else "in progress")
        self.reused = reused


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def run_once(
    *,
    owner: str,
    key: str,
    fingerprint: str,
    patient: Patient | None,
    write: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run `write` once per (owner, key): (status, stored answer, replayed); raises KeyConflict."""
    stale = timezone.now() - dt.timedelta(days=KEEP_DAYS)
    try:
        with transaction.atomic():  # the owner's old claims go in the same commit as the new one
            IdempotencyRecord.objects.filter(owner=owner, created_at__lt=stale).delete()
            record = IdempotencyRecord.objects.create(
                owner=owner, key=key, request_hash=fingerprint, patient=patient
            )
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if existing is None:  # released by a failing first attempt just now
            raise KeyConflict(reused=False) from None
        if existing.request_hash != fingerprint:
            raise KeyConflict(reused=True) from None
        if existing.status_code is None or existing.response is None:
            raise KeyConflict(reused=False) from None
        return existing.status_code, existing.response, True
    try:
        status, body = write()
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        raise
    IdempotencyRecord.objects.filter(pk=record.pk).update(status_code=status, response=body)
    return status, body, False
