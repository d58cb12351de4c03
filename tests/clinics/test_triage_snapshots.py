"""Stored triage snapshots: reused while current, and worked out again when the patient's data,
the clinic's day or its time zone change. (Appointments: tests/appointments/test_triage_next.py.)"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitbone.clinics.models import TriageSnapshot
from sitbone.clinics.triage import patient_list_for_triage, refresh_snapshots
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision
from tests.clinics.factories import (
    clinic_today,
    decision_for,
    measure_for,
    programme_for,
    session_for,
)
from tests.clinics.test_triage import settled, staying
from tests.conftest import World

pytestmark = pytest.mark.django_db


def clinician(world: World) -> Any:
    """The clinician read afresh, with their clinic as it is now."""
    return type(world.clinician).objects.get(pk=world.clinician.pk)


def reasons(world: World) -> list[str]:
    """The texts of world.patient's row (the only patient in the clinician's caseload)."""
    (row,) = patient_list_for_triage(actor=clinician(world)).rows
    return [reason.text for reason in row.reasons]


def visa_h_taken(patient: Any, day: dt.date) -> None:
    """Date the patient's VISA-H results ``day`` (before any list has been read)."""
    MeasureResult.objects.filter(patient=patient).update(taken_on=day)


def version(patient: Any) -> Any:
    return Patient.objects.values_list("data_version", flat=True).get(pk=patient.pk)


def list_queries(world: World) -> int:
    actor = clinician(world)
    with CaptureQueriesContext(connection) as captured:
        patient_list_for_triage(actor=actor)
    return len(captured)


def red_decision(patient: Any, today: dt.date) -> None:
    staying(patient, today, zone="red", action="regress")


def approve_pending(patient: Any, today: dt.date) -> None:
    pending = Decision.objects.get(patient=patient, approval="pending")
    pending.approval = "approved"
    pending.save()


def new_programme(patient: Any, today: dt.date) -> None:
    programme_for(patient, per_week=7)


def visa_h_today(patient: Any, today: dt.date) -> None:
    measure_for(patient, "visa_h", 70, today)


def session_deleted(patient: Any, today: dt.date) -> None:
    SessionLog.objects.filter(patient=patient).order_by("performed_on").first().delete()


def morning_deleted(patient: Any, today: dt.date) -> None:
    MorningCheck.objects.filter(patient=patient).order_by("checked_on").first().delete()


@pytest.mark.parametrize(
    ("write", "before", "after"),
    [
        (red_decision, None, "Red zone on"),
        (approve_pending, "Proposed advance: stage 1 → 2", None),
        (new_programme, None, "3 of 7 sessions in the last 7 days"),
        (visa_h_today, "VISA-H due (last", None),
        (session_deleted, None, "2 of 3 sessions in the last 7 days"),
        (morning_deleted, None, "1 missed morning check-in this week"),
    ],
)
def test_every_kind_of_write_shows_in_the_next_list(
    world: World, write: Callable[[Any, dt.date], None], before: str | None, after: str | None
) -> None:
    """Each write gives the patient a new data version, so the stored snapshot is not used."""
    today = clinic_today(world.patient)
    settled(world.patient, today)
    decision_for(world.patient, made_on=today)  # a proposal waiting for approval
    visa_h_taken(world.patient, today - dt.timedelta(days=40))
    listed = reasons(world)
    assert list_queries(world) == 2  # stored: nothing is worked out again
    was = version(world.patient)

    write(world.patient, today)

    assert version(world.patient) != was
    now = reasons(world)
    if before is not None:
        assert any(text.startswith(before) for text in listed)
        assert not any(text.startswith(before) for text in now)
    if after is not None:
        assert not any(text.startswith(after) for text in listed)
        assert any(text.startswith(after) for text in now)


def test_a_whole_record_save_from_an_older_copy_keeps_the_new_version(world: World) -> None:
    """Written back from a copy read before a session was logged, the old version would make the
    snapshot from before the session look current."""
    today = clinic_today(world.patient)
    programme_for(world.patient, per_week=3)
    stale_copy = Patient.objects.get(pk=world.patient.pk)
    assert "0 of 3 sessions in the last 7 days" in reasons(world)

    session_for(world.patient, today)
    stale_copy.goals = "Run a 10k"
    stale_copy.save()

    assert "1 of 3 sessions in the last 7 days" in reasons(world)
    assert Patient.objects.get(pk=world.patient.pk).goals == "Run a 10k"


def test_a_new_day_and_a_new_time_zone_work_the_reasons_out_again(world: World) -> None:
    """The same data says different things on another day: a VISA-H 27 days old is due
    tomorrow, and the check-in counts move with the week."""
    today = clinic_today(world.patient)
    settled(world.patient, today)
    visa_h_taken(world.patient, today - dt.timedelta(days=27))
    assert not any(text.startswith("VISA-H due") for text in reasons(world))

    with time_machine.travel(dt.timedelta(days=1)):
        assert any(text.startswith("VISA-H due") for text in reasons(world))
        assert list_queries(world) == 2
        snapshot = TriageSnapshot.objects.get(patient=world.patient)
        assert snapshot.computed_for == today + dt.timedelta(days=1)

        world.clinic.time_zone = "Pacific/Kiritimati"  # UTC+14: already the day after there
        world.clinic.save(update_fields=["time_zone"])
        reasons(world)
        snapshot.refresh_from_db()
        assert snapshot.time_zone == "Pacific/Kiritimati"


def test_the_nightly_refresh_stores_every_snapshot_the_day_needs(world: World) -> None:
    today = clinic_today(world.patient)
    settled(world.patient, today)
    discharged = Patient.objects.create(
        clinic=world.clinic, full_name="Dee Done", email="dee@harbour.test", discharged_on=today
    )

    # world.patient and world.other_patient are in treatment; Dee is not
    assert refresh_snapshots(clinic=world.clinic) == (2, 2)
    assert refresh_snapshots(clinic=world.clinic) == (2, 0)  # twice is harmless
    assert not TriageSnapshot.objects.filter(patient=discharged).exists()
    assert list_queries(world) == 2  # the morning's first list has nothing to work out

    session_for(world.patient, today)
    call_command("refresh_triage", stdout=(out := io.StringIO()))
    with time_machine.travel(dt.timedelta(days=1)):
        call_command("refresh_triage", stdout=out)
    assert out.getvalue().splitlines() == [
        "Harbour Physio: 2 patients in treatment, reasons worked out again for 1.",
        "Hilltop Physio: 0 patients in treatment, reasons worked out again for 0.",
        "Harbour Physio: 2 patients in treatment, reasons worked out again for 2.",
        "Hilltop Physio: 0 patients in treatment, reasons worked out again for 0.",
    ]


def test_a_snapshot_goes_with_its_patient(world: World) -> None:
    reasons(world)
    assert TriageSnapshot.objects.filter(patient=world.patient).exists()
    SessionLog.objects.filter(patient=world.patient).delete()
    Patient.objects.filter(pk=world.patient.pk).delete()
    assert not TriageSnapshot.objects.exists()


def test_a_patient_erased_while_the_list_is_built_shows_without_reasons(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitbone.clinics import triage

    # Their data is gone by the time it is read: the query returns no row for them.
    monkeypatch.setattr(triage, "_triage_patients", lambda patients, **_: [])

    assert reasons(world) == []
    assert not TriageSnapshot.objects.exists()
