"""Which database this test run uses. Tests that only make sense on SQLite carry the `sqlite`
marker (the root conftest deselects them on PostgreSQL); PostgreSQL-only tests carry `pg`, which
the SQLite stage of `make test` leaves out by its `-m` filter."""

from __future__ import annotations

import os


def on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
