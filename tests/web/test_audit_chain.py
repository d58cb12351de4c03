"""The audit trail is tamper-evident: a hash chain that `sitbone verify-audit` walks."""

from __future__ import annotations

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client, RequestFactory

from sitbone.cli import main as sitbone_main
from sitbone.clinics import audit_chain
from sitbone.clinics.access import staff_reads_audit
from sitbone.clinics.models import AuditChainHead, AuditEvent
from sitbone.clinics.services import audit_record
from tests.conftest import World


def verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def write_events(world: World, count: int) -> list[AuditEvent]:
    return [
        audit_record(
            category="read",
            action="patient.view",
            actor=world.clinician,
            clinic=world.clinic,
            patient=world.patient,
            detail=f"event {n} – ünïcode",
        )
        for n in range(count)
    ]


def test_each_event_is_chained_to_the_one_before(world: World) -> None:
    events = write_events(world, 3)
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None and first.prev_hash == audit_chain.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert AuditChainHead.objects.get(pk=1).hash == events[-1].hash
    code, text = verify()
    assert code == 0, text
    assert f"{AuditEvent.objects.count()} events verified" in text


def test_a_real_page_view_and_a_bulk_write_keep_the_chain(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    assert client.get(f"/clinic/patients/{world.patient.public_id}/").status_code == 200
    request = RequestFactory().get("/clinic/diary/")
    staff_reads_audit(
        actor=world.admin,
        patients=[world.patient, world.other_patient],
        request=request,
        what="diary.view",
    )
    assert AuditEvent.objects.filter(action="diary.view").count() == 2
    assert verify()[0] == 0


def test_an_edited_row_is_named(world: World) -> None:
    events = write_events(world, 5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clinics_auditevent SET detail = %s WHERE id = %s", ["nothing", events[2].pk]
        )
    code, text = verify()
    assert code == 1
    assert f"id={events[2].pk}" in text and "edited" in text


def test_a_deleted_row_is_detected_at_the_row_after_it(world: World) -> None:
    events = write_events(world, 5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinics_auditevent WHERE id = %s", [events[2].pk])
    code, text = verify()
    assert code == 1
    assert f"id={events[3].pk}" in text and "deleted" in text


def test_deleting_the_newest_rows_is_detected_by_the_head(world: World) -> None:
    events = write_events(world, 4)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinics_auditevent WHERE id >= %s", [events[2].pk])
    code, text = verify()
    assert code == 1 and "head" in text


def test_moving_an_event_to_another_patient_is_detected(world: World) -> None:
    events = write_events(world, 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clinics_auditevent SET patient_id = %s WHERE id = %s",
            [world.other_patient.pk, events[0].pk],
        )
    code, text = verify()
    assert code == 1 and f"id={events[0].pk}" in text and "links" in text


def test_erasing_the_patient_leaves_the_chain_intact(world: World) -> None:
    write_events(world, 2)
    world.patient.delete()
    assert AuditEvent.objects.filter(patient__isnull=True).count() >= 2
    assert verify()[0] == 0


def test_the_cli_alias_runs_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import django.core.management

    seen: list[list[str]] = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    assert sitbone_main(["verify-audit"]) == 0
    assert seen == [["sitbone", "verify_audit"]]


def test_the_migration_backfills_existing_rows_in_order(world: World) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("sitbone.clinics.migrations.0003_audit_hash_chain")
    write_events(world, 3)
    AuditEvent.objects.update(prev_hash="", refs="", hash="")
    assert verify()[0] == 1
    migration.backfill_chain(apps, None)
    code, text = verify()
    assert code == 0 and "3 events" in text


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    from tests.conftest import make_world

    world = make_world()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            write_events(world, 10)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    code, text = verify()
    assert code == 0, text
    assert AuditEvent.objects.count() >= 80
