from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min

from sitbone.appointments.models import Appointment, SlotClaim
from sitbone.bench.seed import SeedSpec, seed
from sitbone.clinics.models import Membership
from sitbone.diary.models import MorningCheck, SessionEntry, SessionLog
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Approval, Decision, Programme

TODAY = dt.date(2026, 11, 25)
TINY = SeedSpec(clinics=1, clinicians=2, patients=5, days=20, seed=7)


def _snapshot(prefix: str) -> list[tuple[object, ...]]:
    return [
        (
            p.email.removeprefix(prefix),
            p.stage,
            p.irritability,
            [
                (s.performed_on, s.pain_during, s.pain_after)
                for s in SessionLog.objects.filter(patient=p).order_by("performed_on")
            ],
            [
                (d.made_on, d.zone, d.action, d.approval)
                for d in Decision.objects.filter(patient=p).order_by("made_on", "id")
            ],
        )
        for p in Patient.objects.filter(email__startswith=prefix).order_by("email")
    ]


@pytest.mark.django_db
def test_seed_creates_the_requested_clinic_with_history_over_every_stage() -> None:
    counts = seed(TINY, today=TODAY)
    assert Patient.objects.count() == counts.patients == 5
    assert Membership.objects.filter(role="clinician").count() == 2
    assert set(Patient.objects.values_list("stage", flat=True)) == {1, 2, 3, 4}
    assert SessionLog.objects.count() == counts.sessions > 0
    assert SessionEntry.objects.count() == counts.entries >= counts.sessions
    assert Decision.objects.count() == counts.decisions == counts.sessions
    assert MorningCheck.objects.count() == counts.mornings > 0
    # Baseline VISA-H and LEFS for everyone (20 days: no four-week repeat yet).
    assert MeasureResult.objects.count() == counts.measures == 10
    assert Appointment.objects.count() == counts.appointments > 0
    assert SlotClaim.objects.count() == 2 * counts.appointments  # 30 min = two cells
    span = SessionLog.objects.aggregate(first=Min("performed_on"), last=Max("performed_on"))
    assert TODAY - dt.timedelta(days=20) <= span["first"] and span["last"] < TODAY


@pytest.mark.django_db
def test_seeded_rows_keep_the_model_invariants() -> None:
    seed(SeedSpec(clinics=1, clinicians=2, patients=8, days=60, seed=3), today=TODAY)
    for patient in Patient.objects.all():
        current = Programme.objects.filter(patient=patient, is_current=True)
        assert current.count() == 1
        assert current.get().stage == patient.stage
        assert Decision.objects.filter(patient=patient, approval=Approval.PENDING).count() <= 1
    assert (
        not MorningCheck.objects.values("patient", "checked_on")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for low, high in SessionLog.objects.values_list("pain_during", "pain_after"):
        assert 0 <= low <= 10 and 0 <= high <= 10
    assert MeasureResult.objects.filter(instrument="visa_h").count() == 8 * 3


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data() -> None:
    seed(dataclasses.replace(TINY, prefix="one"), today=TODAY)
    seed(dataclasses.replace(TINY, prefix="two"), today=TODAY)
    seed(dataclasses.replace(TINY, prefix="other", seed=8), today=TODAY)
    first = _snapshot("one")
    assert len(first) == 5
    assert _snapshot("two") == first
    assert _snapshot("other") != first


@pytest.mark.django_db
def test_the_seed_command_reports_progress_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "seed",
        "--clinics=2",
        "--clinicians=1",
        "--patients=3",
        "--days=10",
        "--seed=1",
    )
    out, err = capsys.readouterr()
    assert "Seeded 2 clinic(s), 2 clinicians, 6 patients" in out
    assert "seed: 6/6 patients (100 %)" in err
    assert Patient.objects.count() == 6


@pytest.mark.sqlite
@pytest.mark.django_db
def test_a_seeded_sqlite_database_has_planner_statistics() -> None:
    """SQLite plans the caseload queries from statistics, not guesses, from the first request."""
    from django.db import connection

    from sitbone.bench.management.commands.seed import settle_after_bulk_load

    seed(TINY, today=TODAY)
    settle_after_bulk_load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'diary_sessionlog'")
        assert cursor.fetchone()[0] > 0


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_a_seeded_postgresql_database_is_vacuumed_and_analysed() -> None:
    """Autovacuum's work after the bulk load happens before anything is measured."""
    from django.db import connection

    from sitbone.bench.management.commands.seed import settle_after_bulk_load

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL variant: set DATABASE_URL to a PostgreSQL database to run it")
    seed(TINY, today=TODAY)
    settle_after_bulk_load()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables"
            " WHERE relname = 'diary_sessionlog'"
        )
        assert cursor.fetchone() == (True, True)
