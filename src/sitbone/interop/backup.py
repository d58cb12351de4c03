"""Consistent online backups and restores of the whole database.

SQLite: the online backup API copies the database page by page inside one read transaction, so the
copy is a consistent snapshot even while the app keeps writing (WAL lets writers go on meanwhile).
Restore copies a backup back into the live file the same way; stop the app first, because open
connections would keep reading pages from before the restore.

PostgreSQL: `pg_dump` in custom format (one consistent snapshot, online) and
`pg_restore --clean --if-exists --single-transaction` (all or nothing). The client binaries come
from PATH or, failing that, /usr/lib/postgresql/15/bin.

Every backup is encrypted before it touches the disk (AES-256-GCM under a key derived from
`SITBONE_BACKUP_KEY`), so a copied or lost backup file shows no patient data; the plain database
only ever exists in memory or in the pipe between pg_dump/pg_restore and this process. A restore
checks every chunk's tag before anything is changed: a wrong key, an edited byte or a cut-off
file is refused with the database untouched. Keep the key away from the backups (a password
manager): without it a backup cannot be restored.
"""

from __future__ import annotations

import base64
import binascii
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connections

PG_BIN_FALLBACK = Path("/usr/lib/postgresql/15/bin")

MAGIC = b"SITBONE-BACKUP\x00\x01"
"""The first 16 bytes of every backup: the format and its version."""
VENDORS = {"sqlite": b"S", "postgresql": b"P"}
CHUNK = 1024 * 1024
"""Plain bytes per encrypted chunk."""


class BackupError(Exception):
    pass


def backup_key_generate() -> str:
    """A new random key for SITBONE_BACKUP_KEY (32 bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _master_key() -> bytes:
    value = str(getattr(settings, "SITBONE_BACKUP_KEY", "") or "")
    if not value:
        raise BackupError(
            "Backups are encrypted: set SITBONE_BACKUP_KEY first. Make a key with "
            "`sitbone backup --new-key` and keep a copy away from the backups."
        )
    try:
        key = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError("SITBONE_BACKUP_KEY must be 32 bytes in URL-safe base64 (44 characters).")
    return key


def _cipher(header: bytes) -> AESGCM:
    """AES-256-GCM under a key of its own for this file (HKDF over the master key and the file's
    random salt), so nonces never repeat across files."""
    salt = header[len(MAGIC) + 1 :]
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"sitbone backup v1"
    ).derive(_master_key())
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _seal(chunks: Iterator[bytes], out: IO[bytes], vendor: str) -> None:
    """Write the header, then each chunk encrypted and tagged; the last one is marked so a file
    cut short is noticed."""
    header = MAGIC + VENDORS[vendor] + os.urandom(16)
    cipher = _cipher(header)
    out.write(header)
    counter = 0
    pending = bytearray()
    for piece in chunks:
        pending += piece
        offset = 0
        while len(pending) - offset > CHUNK:
            plain = bytes(pending[offset : offset + CHUNK])
            _write_chunk(out, cipher, counter, plain, header, last=False)
            offset += CHUNK
            counter += 1
        del pending[:offset]
    _write_chunk(out, cipher, counter, bytes(pending), header, last=True)


def _write_chunk(
    out: IO[bytes], cipher: AESGCM, counter: int, plain: bytes, header: bytes, *, last: bool
) -> None:
    sealed = cipher.encrypt(_nonce(counter, last), plain, header)
    out.write(len(sealed).to_bytes(4, "big") + sealed)


def backup_read(source: Path, vendor: str) -> Iterator[bytes]:
    """The plain bytes of a backup, chunk by chunk, each checked against its tag; BackupError on
    a wrong key, an edited or cut-off file, or a backup of another kind of database."""
    with source.open("rb") as sealed:
        header = sealed.read(len(MAGIC) + 17)
        if len(header) != len(MAGIC) + 17 or not header.startswith(MAGIC):
            raise BackupError(f"{source} is not an encrypted Sitbone backup.")
        found = next((v for v, tag in VENDORS.items() if header[len(MAGIC)] == tag[0]), None)
        if found != vendor:
            raise BackupError(f"{source} is a {found or 'unknown'} backup, not a {vendor} one.")
        cipher = _cipher(header)
        counter = 0
        while True:
            size = sealed.read(4)
            if len(size) < 4:
                raise BackupError(f"{source} is cut short.")
            length = int.from_bytes(size, "big")
            if length > CHUNK + 16:
                raise BackupError(f"{source} was changed: a chunk is longer than any written.")
            body = sealed.read(length)
            plain = None
            for last in (False, True):
                try:
                    plain = cipher.decrypt(_nonce(counter, last), body, header)
                except InvalidTag:
                    continue
                break
            if plain is None:
                raise BackupError(
                    f"{source} could not be decrypted: a different SITBONE_BACKUP_KEY, "
                    "or the file was changed."
                )
            yield plain
            counter += 1
            if last:
                if sealed.read(1):
                    raise BackupError(f"{source} has data after its end.")
                return


def _verify(source: Path, vendor: str) -> None:
    for _ in backup_read(source, vendor):
        pass


def _settings(using: str) -> tuple[str, dict[str, Any]]:
    connection = connections[using]
    return connection.vendor, connection.settings_dict


def backup_database(target: Path, *, using: str = "default") -> Path:
    """Write a consistent, encrypted backup of the database to `target` (replaced if it exists)."""
    vendor, config = _settings(using)
    if vendor not in VENDORS:
        raise BackupError(f"Backups are not supported for {vendor} databases.")
    _master_key()  # refuse before any work when the key is missing
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            if vendor == "sqlite":
                _seal(iter([_sqlite_snapshot(Path(_sqlite_path(config)))]), out, vendor)
            else:
                _pg_dump_sealed(config, out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return target


def restore_database(source: Path, *, using: str = "default") -> None:
    """Bring a backup back into the live database. Stop the app first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    vendor, config = _settings(using)
    if vendor not in VENDORS:
        raise BackupError(f"Restores are not supported for {vendor} databases.")
    _verify(source, vendor)  # every tag checked before the database is touched
    connections.close_all()
    if vendor == "sqlite":
        _sqlite_restore(b"".join(backup_read(source, vendor)), Path(_sqlite_path(config)))
    else:
        _pg_restore_plain(config, backup_read(source, vendor))


def _sqlite_path(config: dict[str, Any]) -> str:
    name = str(config["NAME"])
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def _sqlite_snapshot(source: Path) -> bytes:
    """The whole database as bytes, copied with SQLite's backup API in one step (one read
    transaction, one snapshot) into memory and checked there."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    memory = sqlite3.connect(":memory:")
    try:
        src.backup(memory, pages=-1)
        _sqlite_check(memory, source)
        image = bytearray(memory.serialize())
    finally:
        memory.close()
        src.close()
    # The copy keeps the live file's WAL marks (header bytes 18-19 = 2), which a database
    # opened from memory cannot use; mark it a plain rollback-journal file (1). Restoring into
    # the live WAL file marks it WAL again.
    image[18] = image[19] = 1
    return bytes(image)


def _sqlite_restore(data: bytes, target: Path) -> None:
    memory = sqlite3.connect(":memory:")
    try:
        try:
            memory.deserialize(data)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"The backup does not hold a SQLite database: {error}") from None
        _sqlite_check(memory, "The backup")
        live = sqlite3.connect(target, timeout=30)
        try:
            live.execute("PRAGMA busy_timeout = 30000")
            memory.backup(live, pages=-1)
        finally:
            live.close()
    finally:
        memory.close()


def _sqlite_check(db: sqlite3.Connection, name: str | Path) -> None:
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} is not a usable SQLite database: {error}") from None
    if not result or result[0] != "ok":
        raise BackupError(f"{name} failed SQLite's integrity check: {result}")


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


def _environment(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return env


def _pg_dump_sealed(config: dict[str, Any], out: IO[bytes]) -> None:
    """pg_dump's archive goes through a pipe straight into the sealer."""
    command = [_pg_binary("pg_dump"), *_pg_args(config), "--format=custom"]
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(  # noqa: S603 - fixed binary, arguments from settings
            command, env=_environment(config), stdout=subprocess.PIPE, stderr=errors
        ) as dump,
    ):
        archive = dump.stdout
        if archive is None:  # pragma: no cover - stdout=PIPE always gives a pipe
            raise BackupError("pg_dump gave no output.")
        _seal(iter(lambda: archive.read(CHUNK), b""), out, "postgresql")
        dump.wait()
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed: {message[-2000:]}")


def _pg_restore_plain(config: dict[str, Any], plain: Iterator[bytes]) -> None:
    """The decrypted archive goes through a pipe into pg_restore (all or nothing)."""
    command = [
        _pg_binary("pg_restore"),
        *_pg_args(config),
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--no-owner",
    ]
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(  # noqa: S603 - fixed binary, arguments from settings
            command,
            env=_environment(config),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        ) as restore,
    ):
        feed = restore.stdin
        if feed is None:  # pragma: no cover - stdin=PIPE always gives a pipe
            raise BackupError("pg_restore took no input.")
        try:
            for piece in plain:
                feed.write(piece)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status says why
        finally:
            feed.close()
        restore.wait()
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()
    if restore.returncode != 0:
        raise BackupError(f"pg_restore failed: {message[-2000:]}")
