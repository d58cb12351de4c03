from __future__ import annotations

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


def test_sqlite_runs_with_the_durable_settings(db: None) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
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
