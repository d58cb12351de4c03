"""`sitbone backup` / `sitbone restore`: every row of every table comes back identical, a backup
taken while the app writes is a consistent snapshot, and the file shows no patient data in plain
text: it is encrypted, and a wrong key, an edited byte or a cut-off file is refused before the
database is touched."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from tests.api.conftest import seed_history
from tests.conftest import make_world
from tests.interop.vendors import on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def backup_key(settings: Any) -> str:
    from sitbone.interop.backup import backup_key_generate

    settings.SITBONE_BACKUP_KEY = backup_key_generate()
    return str(settings.SITBONE_BACKUP_KEY)


def patient_details() -> list[bytes]:
    """Names, emails and free text of every patient in the database, as stored."""
    from sitbone.diary.models import SessionLog
    from sitbone.patients.models import Patient

    found = [
        value.encode()
        for row in Patient.objects.values_list("full_name", "email", "goals")
        for value in row
        if len(value) >= 6
    ]
    found += [n.encode() for n in SessionLog.objects.values_list("notes", flat=True) if n]
    return found


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, each table ordered by all its columns (primary key first)."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            description = connection.introspection.get_table_description(cursor, table)
            columns = ", ".join(connection.ops.quote_name(c.name) for c in description)
            order = ", ".join(str(i + 1) for i in range(len(description)))
            cursor.execute(
                f"SELECT {columns} FROM {connection.ops.quote_name(table)} ORDER BY {order}"  # noqa: S608
            )
            tables[table] = [tuple(row) for row in cursor.fetchall()]
    return tables


def populate() -> None:
    from sitbone.api.services import api_token_create
    from sitbone.demo.seed import seed_demo_clinic

    world = make_world()
    seed_history(world)
    api_token_create(actor=world.admin, clinic=world.clinic, name="t", scopes=["engine"], days=1)
    seed_demo_clinic()


def scramble() -> None:
    """Change, add and remove data so a restore has something to undo."""
    from sitbone.diary.models import MorningCheck, SessionLog
    from sitbone.patients.models import Patient

    SessionLog.objects.filter(pk__in=SessionLog.objects.values("pk")[:3]).delete()
    MorningCheck.objects.update(pain=9)
    Patient.objects.update(goals="changed")
    Patient.objects.create(clinic=Patient.objects.first().clinic, full_name="New", email="n@n.test")


def round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo-password-for-tests")
    populate()
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 500
    details = patient_details()
    assert len(details) >= 10
    target = tmp_path / "sitbone.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    written = target.read_bytes()
    assert [d for d in details if d in written] == []
    assert not (tmp_path / "sitbone.backup.partial").exists()
    scramble()
    assert snapshot() != before
    call_command("restore", str(target), yes=True)
    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


@pytest.mark.sqlite
def test_sqlite_round_trip_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert connection.vendor == "sqlite"
    round_trip(tmp_path, monkeypatch)
    live = Path(connection.settings_dict["NAME"]).read_bytes()[18:20]
    assert live == b"\x02\x02"  # still a WAL database after the restore


@pytest.mark.pg
def test_postgresql_round_trip_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not on_postgresql():
        pytest.skip("needs DATABASE_URL=postgresql://… (the PostgreSQL stage of make test)")
    assert connection.vendor == "postgresql"
    round_trip(tmp_path, monkeypatch)


@pytest.mark.sqlite  # pg_dump takes one MVCC snapshot by design; reading its archive needs a server
def test_a_backup_taken_while_the_app_writes_is_a_consistent_snapshot(tmp_path: Path) -> None:
    from sitbone.clinics.models import AuditEvent
    from sitbone.interop.backup import backup_database, backup_read

    make_world()
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                event = AuditEvent.objects.create(category="write", action="bench.write")
                written.append(event.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        before = len(written)
        target = backup_database(tmp_path / "live.backup")
        after = len(written)
    finally:
        stop.set()
        thread.join()
    assert after > before or len(written) > before, "the writer kept writing during the backup"
    copy = sqlite3.connect(":memory:")
    copy.deserialize(b"".join(backup_read(target, "sqlite")))
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ids = [
            row[0]
            for row in copy.execute(
                "SELECT id FROM clinics_auditevent WHERE action = 'bench.write' ORDER BY id"
            )
        ]
    finally:
        copy.close()
    # A prefix of what was committed, with no gaps: a snapshot, not a torn copy.
    assert before <= len(ids) <= len(written)
    assert ids == written[: len(ids)]


def test_restore_asks_before_replacing_everything(tmp_path: Path) -> None:
    target = tmp_path / "b.backup"
    call_command("backup", str(target))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(CommandError):
        call_command("restore", str(junk), yes=True)
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.backup"), yes=True)


def backup_of_a_world(tmp_path: Path) -> tuple[Path, dict[str, list[tuple[Any, ...]]]]:
    make_world()
    target = tmp_path / "world.backup"
    call_command("backup", str(target))
    return target, snapshot()


@pytest.mark.parametrize("damage", ["wrong key", "edited byte", "cut short", "extra bytes"])
def test_a_damaged_backup_or_a_wrong_key_is_refused_and_nothing_changes(
    tmp_path: Path, settings: Any, damage: str
) -> None:
    from sitbone.interop.backup import backup_key_generate

    target, before = backup_of_a_world(tmp_path)
    data = bytearray(target.read_bytes())
    if damage == "wrong key":
        settings.SITBONE_BACKUP_KEY = backup_key_generate()
    elif damage == "edited byte":
        data[len(data) // 2] ^= 0x01
    elif damage == "cut short":
        data = data[: len(data) - 40]
    else:
        data += b"\x00" * 8
    target.write_bytes(bytes(data))
    from sitbone.patients.models import Patient

    Patient.objects.update(goals="changed after the backup")
    changed = snapshot()
    with pytest.raises(CommandError):
        call_command("restore", str(target), yes=True)
    assert snapshot() == changed != before


def test_a_backup_needs_a_key(tmp_path: Path, settings: Any) -> None:
    settings.SITBONE_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="SITBONE_BACKUP_KEY"):
        call_command("backup", str(tmp_path / "x.backup"))
    assert list(tmp_path.iterdir()) == []
    settings.SITBONE_BACKUP_KEY = "too short"
    with pytest.raises(CommandError, match="32 bytes"):
        call_command("backup", str(tmp_path / "x.backup"))


def test_a_new_key_is_printed_on_request() -> None:
    import base64
    from io import StringIO

    out = StringIO()
    call_command("backup", new_key=True, stdout=out)
    assert len(base64.urlsafe_b64decode(out.getvalue().strip())) == 32
