from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client


def test_healthz_reports_the_database(db: None) -> None:
    response = Client().get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_pages_carry_a_strict_content_security_policy(db: None) -> None:
    response = Client().get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.sqlite
def test_sqlite_runs_with_the_durable_settings(db: None) -> None:
    with connection.cursor() as cursor:
        values = {
            pragma: cursor.execute(f"PRAGMA {pragma}").fetchone()[0]
            for pragma in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert values == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_sqlite_connections_are_kept_and_read_through_memory_mapping(tmp_path: Path) -> None:
    """Each server thread keeps its connection (opening one per request cost a new page cache
    and the pragmas every time) and reads the file through a memory map; neither touches
    durability."""
    from django.db.utils import ConnectionHandler

    from sitbone.config.settings.base import sqlite_database

    settings_dict = sqlite_database(tmp_path / "sitbone.sqlite3")
    assert settings_dict["CONN_MAX_AGE"] == 600
    wrapper = ConnectionHandler({"default": settings_dict})["default"]  # Django's own defaults
    try:
        with wrapper.cursor() as cursor:
            mmap = cursor.execute("PRAGMA mmap_size").fetchone()[0]
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
    finally:
        wrapper.close()
    assert (mmap, synchronous) == (256 * 1024 * 1024, 2)


@pytest.mark.django_db
def test_a_closing_sqlite_connection_leaves_planner_statistics(tmp_path: Path) -> None:
    """SQLite gathers no statistics by itself: a server connection analyses the tables it used
    as it closes, and a later connection plans with them."""
    from django.db.utils import ConnectionHandler

    from sitbone.config.settings.base import sqlite_database

    def connect() -> Any:
        return ConnectionHandler({"default": sqlite_database(tmp_path / "s.sqlite3")})["default"]

    first = connect()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE reading (id INTEGER PRIMARY KEY, patient INTEGER, day TEXT)")
        cursor.execute("CREATE INDEX reading_patient ON reading (patient, day)")
        cursor.executemany(
            "INSERT INTO reading (patient, day) VALUES (?, ?)",
            [(n % 50, f"2026-01-{n % 28 + 1:02d}") for n in range(2000)],
        )
        cursor.execute("SELECT day FROM reading WHERE patient = 7").fetchall()
    first.close()
    second = connect()
    try:
        with second.cursor() as cursor:
            stats = cursor.execute("SELECT idx, stat FROM sqlite_stat1").fetchall()
    finally:
        second.close()
    # about 2,000 rows and 40 for each patient (sampled): what the planner needs to pick the index
    rows, per_patient = (int(n) for n in dict(stats)["reading_patient"].split()[:2])
    assert 1500 <= rows <= 2500 and 30 <= per_patient <= 50


@pytest.mark.pg
def test_postgresql_runs_with_its_durable_defaults(db: None) -> None:
    """A commit is on disk before Sitbone acknowledges it: nothing has been traded for speed."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL variant: set DATABASE_URL to a PostgreSQL database to run it")
    with connection.cursor() as cursor:
        values = {}
        for setting in ("fsync", "synchronous_commit", "full_page_writes", "wal_level"):
            cursor.execute(f"SHOW {setting}")
            values[setting] = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('default_transaction_isolation')")
        isolation = cursor.fetchone()[0]
    assert values == {
        "fsync": "on",
        "synchronous_commit": "on",
        "full_page_writes": "on",
        "wal_level": "replica",
    }
    assert isolation == "read committed"
    assert connection.settings_dict["AUTOCOMMIT"] is True
