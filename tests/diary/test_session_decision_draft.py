"""A logged session's decision is worked out before the write lock, and is kept only while
nothing it read has changed (programmes.services.DecisionDraft)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitbone.assessments.services import assessment_record
from sitbone.diary import services as diary_services
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision, Programme
from sitbone.programmes.services import decision_answer, programme_from_prescription
from tests.conftest import World

TODAY = dt.date(2026, 11, 20)


def history(world: World) -> Programme:
    """Thirty sessions over three days, ten of them today, and calm mornings."""
    programme = programme_from_prescription(
        actor=world.clinician, patient=world.patient, stage=1, reason="start"
    )
    for number in range(30):
        SessionLog.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            programme=programme,
            performed_on=TODAY - dt.timedelta(days=number % 3),
            pain_during=number % 3,
            pain_after=1,
        )
    for offset in range(1, 8):
        MorningCheck.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            checked_on=TODAY - dt.timedelta(days=offset),
            task="bridge_hold_single_leg_short_lever",
            pain=1,
        )
    return programme


def log(world: World, programme: Programme, *, pain: int, key: str) -> SessionLog:
    session, created = diary_services.session_log_create(
        actor=world.patient_user,
        patient=Patient.objects.get(pk=world.patient.pk),  # as a request reads it
        programme=programme,
        performed_on=TODAY,
        entries=[
            {"exercise_id": item.exercise_id, "sets_done": item.sets, "pain_during": pain}
            for item in programme.exercises.all()
        ],
        pain_after=pain,
        completed=True,
        notes="",
        idempotency_key=key,
    )
    assert created
    return session


def answer_now(world: World, programme: Programme) -> dict[str, Any]:
    """What the engine says on everything stored now."""
    return decision_answer(
        patient=Patient.objects.get(pk=world.patient.pk), made_on=TODAY, programme=programme
    )


ENGINE_READS = ("assessments_assessment", "diary_sessionlog", "diary_morningcheck")


def assert_read_before_written(queries: CaptureQueriesContext, written: str) -> None:
    """Each of the engine's reads came before the insert into ``written``."""
    statements = [query["sql"] for query in queries.captured_queries]
    insert = next(
        i for i, sql in enumerate(statements) if sql.startswith(f'INSERT INTO "{written}"')
    )
    for table in ENGINE_READS:
        reads = [
            i
            for i, sql in enumerate(statements)
            if sql.startswith("SELECT") and f'FROM "{table}"' in sql
        ]
        assert reads and max(reads) < insert, table


def kept(decision: Decision) -> tuple[str, str, list[dict[str, Any]]]:
    return decision.zone, decision.action, decision.reasons


def test_the_decision_is_read_before_the_session_is_written_and_decides_as_after_it(
    world: World,
) -> None:
    """The new session is the newest of its day among ten others: the draft weighs it as the
    database will, so the decision is the one worked out on the stored history."""
    programme = history(world)
    with CaptureQueriesContext(connection) as queries:
        session = log(world, programme, pain=6, key="k-draft-1")
    assert_read_before_written(queries, "diary_sessionlog")
    decision = Decision.objects.filter(patient=world.patient).latest("id")
    fresh = answer_now(world, programme)
    assert kept(decision) == (fresh["zone"], fresh["action"], fresh["reasons"])
    assert decision.zone != "green"  # the new session's pain of 6 is weighed
    assert session.pk == SessionLog.objects.filter(patient=world.patient).latest("pk").pk


def test_a_write_landing_after_the_draft_is_read_is_weighed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A painful morning check-in stored between the draft's reads and the session's write:
    the draft no longer holds, and the decision is worked out again inside the write."""
    programme = history(world)
    drafts: list[Any] = []
    draft = diary_services.decision_draft

    def check_in_meanwhile(**kwargs: Any) -> Any:
        made = draft(**kwargs)
        drafts.append(made)
        MorningCheck.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            checked_on=TODAY,
            task="bridge_hold_single_leg_short_lever",
            pain=8,
        )
        return made

    monkeypatch.setattr(diary_services, "decision_draft", check_in_meanwhile)
    log(world, programme, pain=1, key="k-draft-2")
    decision = Decision.objects.filter(patient=world.patient).latest("id")
    fresh = answer_now(world, programme)
    assert kept(decision) == (fresh["zone"], fresh["action"], fresh["reasons"])
    stale = drafts[0].answer
    assert (stale["zone"], stale["reasons"]) != (fresh["zone"], fresh["reasons"])


def test_a_draft_holds_once_and_locks_out_its_own_basis(world: World) -> None:
    programme = history(world)
    session = SessionLog(
        clinic=world.clinic,
        patient=world.patient,
        programme=programme,
        performed_on=TODAY,
        pain_during=2,
        pain_after=1,
    )
    patient = Patient.objects.get(pk=world.patient.pk)
    made = diary_services.decision_draft(
        patient=patient, made_on=TODAY, programme=programme, adding=session
    )
    assert made.holds(patient) is True
    assert made.holds(patient) is False  # holding changed the version


def version_changes(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "patients_patient" SET "data_version"')
    )


@pytest.mark.parametrize("meanwhile", [False, True])
def test_a_session_or_check_in_changes_the_version_once_whether_or_not_the_draft_holds(
    world: World, monkeypatch: pytest.MonkeyPatch, meanwhile: bool
) -> None:
    """One new version per write is what readers compare against: the session, its decision
    and the audit used to change it three times in one transaction."""
    programme = history(world)
    if meanwhile:  # another write lands between the draft's reads and the write
        draft = diary_services.decision_draft

        def changed_meanwhile(**kwargs: Any) -> Any:
            made = draft(**kwargs)
            Patient.objects.filter(pk=world.patient.pk).update(data_version=uuid.uuid4())
            return made

        monkeypatch.setattr(diary_services, "decision_draft", changed_meanwhile)
    versions = [Patient.objects.get(pk=world.patient.pk).data_version]
    with CaptureQueriesContext(connection) as session_write:
        log(world, programme, pain=2, key="k-once")
    versions.append(Patient.objects.get(pk=world.patient.pk).data_version)
    with CaptureQueriesContext(connection) as check_in_write:
        diary_services.morning_check_record(
            actor=world.patient_user,
            patient=Patient.objects.get(pk=world.patient.pk),
            checked_on=TODAY,
            pain=2,
            stiffness_minutes=5,
        )
    versions.append(Patient.objects.get(pk=world.patient.pk).data_version)
    # meanwhile: the other write, the draft's check that finds it, the write's own change
    expected = 3 if meanwhile else 1
    assert version_changes(session_write) == expected
    assert version_changes(check_in_write) == expected
    assert len(set(versions)) == 3
    # outside such a write, every source still changes the version
    before = versions[-1]
    SessionLog.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        programme=programme,
        performed_on=TODAY,
        pain_during=1,
        pain_after=1,
    )
    assert Patient.objects.get(pk=world.patient.pk).data_version != before


def test_an_assessment_changes_the_version_the_engine_relies_on(world: World) -> None:
    before = Patient.objects.get(pk=world.patient.pk).data_version
    assessment_record(
        actor=world.clinician,
        patient=world.patient,
        assessed_on=TODAY,
        data={"pretest_probability": Decimal("0.5"), "red_flags_present": ["avulsion"]},
    )
    assert Patient.objects.get(pk=world.patient.pk).data_version != before


def test_a_morning_check_in_is_decided_the_same_way(world: World) -> None:
    """A painful check-in the morning after a session: read before the write, weighed as
    stored."""
    programme = history(world)
    with CaptureQueriesContext(connection) as queries:
        check_in = diary_services.morning_check_record(
            actor=world.patient_user,
            patient=Patient.objects.get(pk=world.patient.pk),
            checked_on=TODAY,
            pain=8,
            stiffness_minutes=30,
        )
    assert_read_before_written(queries, "diary_morningcheck")
    assert check_in.created and check_in.decision is not None
    fresh = answer_now(world, programme)
    assert kept(check_in.decision) == (fresh["zone"], fresh["action"], fresh["reasons"])
    assert check_in.decision.zone != "green"
