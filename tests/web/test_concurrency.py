"""Concurrent read-then-write on SQLite (issue 9, item 3): 16 threads and 4 processes for a
bounded time → no "database is locked", no lost update.

SITBONE_CONCURRENCY_SECONDS sets the duration (5 s each in `make test`; the crash-test run
uses 60 s)."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from tests.web.concurrency_worker import COUNTER_DDL, process_main, run_for

SECONDS = float(os.environ.get("SITBONE_CONCURRENCY_SECONDS", "5"))

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def counter() -> Iterator[None]:
    assert connection.vendor == "sqlite", "PostgreSQL has its own booking race tests"
    with connection.cursor() as cursor:
        for ddl in COUNTER_DDL:
            cursor.execute(ddl)
        cursor.execute("DELETE FROM hardening_ledger")
        cursor.execute("DELETE FROM hardening_counter")
        cursor.execute("INSERT INTO hardening_counter (id, n) VALUES (1, 0)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE hardening_ledger")
        cursor.execute("DROP TABLE hardening_counter")


def totals() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM hardening_counter WHERE id = 1")
        (n,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT seen) FROM hardening_ledger")
        rows, distinct_seen = cursor.fetchone()
    return n, rows, distinct_seen


def check(results: list[dict[str, Any]], workers: int) -> int:
    errors: dict[str, int] = {}
    for result in results:
        for message, count in result["errors"].items():
            errors[message] = errors.get(message, 0) + count
    assert errors == {}, errors
    assert len(results) == workers
    committed = sum(r["committed"] for r in results)
    n, rows, distinct_seen = totals()
    # no lost update: every commit moved the counter, and no two commits read the same value
    assert n == rows == distinct_seen == committed
    assert all(r["committed"] > 0 for r in results)
    sys.stdout.write(f"{workers} workers × {SECONDS:g} s: {committed} transactions\n")
    return committed


def test_sixteen_threads_lose_nothing_and_never_see_a_lock_error(counter: None) -> None:
    results: list[dict[str, Any]] = []

    def worker(name: str) -> None:
        try:
            results.append(run_for(name, SECONDS))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 60)
    check(results, 16)


def test_four_processes_lose_nothing_and_never_see_a_lock_error(counter: None) -> None:
    database = str(connection.settings_dict["NAME"])
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        results = pool.starmap(
            process_main, [(database, f"p{i}", SECONDS) for i in range(4)], chunksize=1
        )
    check(results, 4)
