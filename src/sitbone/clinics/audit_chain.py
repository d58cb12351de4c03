"""Tamper evidence for the audit trail: every event carries a SHA-256 hash chained to the one
written before it.

    hash = sha256(prev_hash + "\\n" + canonical content + "\\n" + refs)

The canonical content is every field a person reads in the trail (when, what, who by e-mail, the
path, the address and the detail). The row's links (actor, clinic, patient) go into `refs`, a
digest stored on the row: a link that later becomes NULL because the account or patient was
erased (ON DELETE SET NULL) is legitimate, so the verifier then trusts the stored `refs`; a link
changed to another row is detected. Appends are serialised by `AuditChainHead` (one row, locked
with SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already serialise
writers), so two writers can never fork the chain.

Pure functions only: the backfill migration imports them too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
CONTENT_FIELDS = (
    "public_id",
    "at",
    "category",
    "action",
    "actor_email",
    "path",
    "ip_address",
    "detail",
)
REF_FIELDS = ("actor_id", "clinic_id", "patient_id")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def refs_digest(row: Any) -> str:
    refs = {name: _text(getattr(row, name)) for name in REF_FIELDS}
    return hashlib.sha256(json.dumps(refs, sort_keys=True).encode()).hexdigest()


def row_hash(row: Any, *, prev_hash: str, refs: str) -> str:
    content = {name: _text(getattr(row, name)) for name in CONTENT_FIELDS}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False)
    payload = f"{prev_hash}\n{canonical}\n{refs}"
    return hashlib.sha256(payload.encode()).hexdigest()


def seal(row: Any, prev_hash: str) -> str:
    """Fill `prev_hash`, `refs` and `hash` on an unsaved row; return its hash."""
    row.prev_hash = prev_hash
    row.refs = refs_digest(row)
    row.hash = row_hash(row, prev_hash=prev_hash, refs=row.refs)
    return str(row.hash)


@dataclass(frozen=True)
class Break:
    row_id: int
    reason: str

    def __str__(self) -> str:
        return f"audit event id={self.row_id}: {self.reason}"


def verify(rows: Iterable[Any], head_hash: str | None) -> tuple[int, Break | None]:
    """Walk rows in id order; return (rows checked, first break or None)."""
    prev = GENESIS
    checked = 0
    last_id = 0
    for row in rows:
        last_id = row.id
        if row.prev_hash != prev:
            return checked, Break(
                row.id, "prev_hash does not match the row before it (a row was deleted or edited)"
            )
        refs = refs_digest(row)
        links_nulled = any(getattr(row, name) is None for name in REF_FIELDS)
        if refs != row.refs and not links_nulled:
            return checked, Break(row.id, "its links (actor, clinic, patient) were changed")
        if row_hash(row, prev_hash=prev, refs=row.refs) != row.hash:
            return checked, Break(row.id, "its content does not match its hash (row edited)")
        prev = row.hash
        checked += 1
    if head_hash is not None and head_hash != prev:
        return checked, Break(
            last_id, "the chain head does not match the last row (rows after it were deleted)"
        )
    return checked, None
