"""Tests that only make sense on one database are left out of the other database's run
(deselected, not skipped: under CI a skip fails the run). The SQLite stage of `make test` leaves
out `pg`-marked tests by its `-m` filter in the same way."""

from __future__ import annotations

import os
from collections.abc import Callable


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def sqlite_only[F: Callable[..., object]](test: F) -> F:
    test._sitbone_sqlite_only = True  # type: ignore[attr-defined]
    return test
