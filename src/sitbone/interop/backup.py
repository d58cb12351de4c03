"""Consistent online backups and restores of the whole database.

SQLite: the online backup API copies the database page by page inside one read transaction, so the
copy is a consistent snapshot even while the app keeps writing (WAL lets writers go on meanwhile).
Restore copies a backup back into the live file the same way; stop the app first, because open
connections would keep reading pages from before the restore.

PostgreSQL: `pg_dump` in custom format (one consistent snapshot, online) and
`pg_restore --clean --if-exists --single-transaction` (all or nothing). The client binaries come
from PATH or, failing that, /usr/lib/postgresql/15/bin.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

PG_BIN_FALLBACK = Path("/usr/lib/postgresql/15/bin")


class BackupError(Exception):
    pass


def _settings(using: str) -> tuple[str, dict[str, Any]]:
    connection = connections[using]
    return connection.vendor, connection.settings_dict


def backup_database(target: Path, *, using: str = "default") -> Path:
    """Write a consistent backup of the database to `target` (replaced if it exists)."""
    vendor, config = _settings(using)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if vendor == "sqlite":
        _sqlite_copy(Path(_sqlite_path(config)), partial)
        _sqlite_check(partial)
    elif vendor == "postgresql":
        _run(
            [_pg_binary("pg_dump"), *_pg_args(config), "--format=custom", f"--file={partial}"],
            config,
        )
    else:
        raise BackupError(f"Backups are not supported for {vendor} databases.")
    partial.chmod(0o600)
    os.replace(partial, target)
    return target


def restore_database(source: Path, *, using: str = "default") -> None:
    """Bring a backup back into the live database. Stop the app first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    vendor, config = _settings(using)
    connections.close_all()
    if vendor == "sqlite":
        _sqlite_check(source)
        _sqlite_copy(source, Path(_sqlite_path(config)))
    elif vendor == "postgresql":
        _run(
            [
                _pg_binary("pg_restore"),
                *_pg_args(config),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                str(source),
            ],
            config,
        )
    else:
        raise BackupError(f"Restores are not supported for {vendor} databases.")


def _sqlite_path(config: dict[str, Any]) -> str:
    name = str(config["NAME"])
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's backup API in a single step: one read transaction, one snapshot."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            dst.execute("PRAGMA busy_timeout = 30000")
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()


def _sqlite_check(path: Path) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    fallback = PG_BIN_FALLBACK / name
    if fallback.exists():
        return str(fallback)
    raise BackupError(f"{name} was not found on PATH or in {PG_BIN_FALLBACK}.")


def _pg_args(config: dict[str, Any]) -> list[str]:
    args = [f"--dbname={config['NAME']}"]
    if config.get("HOST"):
        args.append(f"--host={config['HOST']}")
    if config.get("PORT"):
        args.append(f"--port={config['PORT']}")
    if config.get("USER"):
        args.append(f"--username={config['USER']}")
    return [*args, "--no-password"]


def _run(command: list[str], config: dict[str, Any]) -> None:
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")
