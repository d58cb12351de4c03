"""Read-then-write transactions against the shared counter, for the concurrency tests.

Runs in threads of the test process and in separate processes (which set Django up
themselves against the same SQLite file)."""

from __future__ import annotations

import os
import time
from typing import Any

COUNTER_DDL = (
    "CREATE TABLE IF NOT EXISTS hardening_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS hardening_ledger "
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, worker TEXT NOT NULL, seen INTEGER NOT NULL)",
)


def one_transaction(worker: str) -> None:
    """Read the counter, think, write counter + 1 and a ledger row, in one transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT n FROM hardening_counter WHERE id = 1")
        (seen,) = cursor.fetchone()
        time.sleep(0.0005)  # widen the window a lost update would need
        cursor.execute("UPDATE hardening_counter SET n = %s WHERE id = 1", [seen + 1])
        cursor.execute(
            "INSERT INTO hardening_ledger (worker, seen) VALUES (%s, %s)", [worker, seen]
        )


def run_for(worker: str, seconds: float) -> dict[str, Any]:
    """Loop until the deadline; count commits and errors by message."""
    deadline = time.monotonic() + seconds
    committed = 0
    errors: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            one_transaction(worker)
        except Exception as exc:
            errors[str(exc)] = errors.get(str(exc), 0) + 1
        else:
            committed += 1
    return {"worker": worker, "committed": committed, "errors": errors}


def process_main(database: str, worker: str, seconds: float) -> dict[str, Any]:
    """Entry point of a spawned process: Django set up against the test database file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitbone.config.settings.test")
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"]["NAME"] = database
    from django.db import connections

    try:
        return run_for(worker, seconds)
    finally:
        connections.close_all()
