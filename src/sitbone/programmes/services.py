"""Writes for programmes and decisions: new versions, engine decisions, approvals."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from sitbone.assessments.mappers import (
    ENGINE_FIELDS,
    gates_from_assessment,
    red_flags_from_assessment,
)
from sitbone.assessments.selectors import latest_assessment
from sitbone.clinics.models import AuditCategory, Clinic
from sitbone.clinics.services import audit_record
from sitbone.clinics.triage import version_changed
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.engine.commands import COMMANDS
from sitbone.engine.errors import EngineInputError
from sitbone.engine.thresholds import Thresholds
from sitbone.patients.models import Patient
from sitbone.programmes.mappers import SESSIONS_CONSIDERED, decide_input
from sitbone.programmes.models import Approval, Decision, Programme, ProgrammeExercise

if TYPE_CHECKING:
    from sitbone.accounts.models import User

HISTORY_DAYS = 42


def engine_thresholds(patient: Patient) -> dict[str, Any]:
    """Clinic thresholds with the patient's own overrides on top."""
    return {**(patient.clinic.settings.get("thresholds") or {}), **(patient.thresholds or {})}


def prescription_for(*, patient: Patient, stage: int) -> dict[str, Any]:
    """The engine's programme for a stage, for this patient's equipment and irritability."""
    return COMMANDS["prescribe"](
        {
            "stage": min(stage, 4),
            "equipment": list(patient.equipment or []),
            "irritability": patient.irritability,
        }
    )


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    patient: Patient,
    stage: int,
    exercises: list[dict[str, Any]],
    sessions_per_week: int,
    reason: str,
) -> Programme:
    """Make a new current version of the patient's programme; earlier versions are kept."""
    last = Programme.objects.filter(patient=patient).order_by("-version").first()
    Programme.objects.filter(patient=patient, is_current=True).update(is_current=False)
    programme = Programme.objects.create(
        clinic=patient.clinic,
        patient=patient,
        version=(last.version + 1) if last else 1,
        stage=stage,
        sessions_per_week=sessions_per_week,
        created_by=actor,
        reason=reason[:300],
    )
    ProgrammeExercise.objects.bulk_create(
        ProgrammeExercise(
            programme=programme,
            exercise_id=item["exercise_id"],
            order=index,
            sets=item["sets"],
            reps=item.get("reps"),
            hold_seconds=item.get("hold_seconds"),
            load=item.get("load") or "",
            rest_seconds=item.get("rest_seconds") or 60,
        )
        for index, item in enumerate(exercises)
    )
    return programme


def programme_from_prescription(
    *, actor: User | None, patient: Patient, stage: int, reason: str
) -> Programme:
    prescription = prescription_for(patient=patient, stage=stage)
    return programme_create(
        actor=actor,
        patient=patient,
        stage=stage,
        exercises=prescription_exercises(prescription),
        sessions_per_week=prescription_sessions_per_week(prescription),
        reason=reason,
    )


def prescription_sessions_per_week(prescription: dict[str, Any]) -> int:
    """The programme's sessions a week: the engine gives one frequency per exercise."""
    return max((item["sessions_per_week"] for item in prescription["exercises"]), default=3)


def prescription_exercises(prescription: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "exercise_id": item["exercise_id"],
            "sets": item["sets"],
            "reps": item.get("reps"),
            "hold_seconds": item.get("hold_seconds"),
            "load": item.get("load"),
            "rest_seconds": item.get("rest_seconds"),
        }
        for item in prescription["exercises"]
    ]


def decision_answer(
    *,
    patient: Patient,
    made_on: dt.date,
    gates: dict[str, Any] | None = None,
    programme: Programme | None = None,
    adding: SessionLog | MorningCheck | None = None,
) -> dict[str, Any]:
    """The engine's answer on the patient's recent history, read from the database.

    Without ``gates``, the stage-gate measures come from the latest assessment on or before
    ``made_on``, as do the red flags. ``programme`` is the current programme when the caller
    holds it already; otherwise it is looked up. ``adding`` is a session or check-in about to
    be stored, weighed as it will be once saved (a session as the newest of its day).
    """
    assessment = latest_assessment(patient=patient, as_of=made_on, only=ENGINE_FIELDS)
    if gates is None:
        gates = gates_from_assessment(assessment)
    since = made_on - dt.timedelta(days=HISTORY_DAYS)
    if programme is None:
        programme = Programme.objects.filter(patient=patient, is_current=True).first()
    # only the sessions the engine weighs: the latest few in the window, however many the
    # patient logged in a day (a patient who logs a hundred must not make each log slower)
    sessions = list(
        SessionLog.objects.filter(
            patient=patient, performed_on__gte=since, performed_on__lte=made_on
        )
        .order_by("-performed_on", "-pk")
        .only("performed_on", "pain_during", "pain_after", "completed")[:SESSIONS_CONSIDERED]
    )
    mornings = list(
        MorningCheck.objects.filter(
            patient=patient, checked_on__gte=since, checked_on__lte=made_on + dt.timedelta(days=1)
        )
    )
    if isinstance(adding, SessionLog):
        sessions.append(adding)
    elif adding is not None:
        mornings.append(adding)
    return COMMANDS["decide"](
        decide_input(
            patient=patient,
            programme=programme,
            sessions=sessions,
            mornings=mornings,
            gates=gates,
            red_flags=red_flags_from_assessment(assessment),
            thresholds=engine_thresholds(patient),
        )
    )


@dataclass(frozen=True)
class DecisionDraft:
    """The engine's answer for a session or check-in about to be stored, worked out before its
    write.

    SQLite lets one transaction write at a time, and the engine's reads held that lock for most
    of a logged session's write. A draft is read outside the lock, from the patient's data at
    ``basis``: the `Patient.data_version` read before the draft's own reads, which every write
    to what the engine reads (sessions, check-ins, assessments, programmes…) changes in its own
    transaction.
    """

    basis: uuid.UUID
    answer: dict[str, Any]

    @contextmanager
    def writing(self, patient: Patient) -> Iterator[bool]:
        """The write's transaction, yielding whether the draft still `holds`; the write's own
        sources (the session, the check-in, the decision) leave the version as `holds` set it
        (see `version_changed`)."""
        with transaction.atomic(), version_changed(patient):
            yield self.holds(patient)

    def holds(self, patient: Patient) -> bool:
        """Whether nothing the draft read has changed since; call it in the write's transaction,
        before its first write (`writing` does). It gives the patient a new version either way,
        so that on PostgreSQL the patient's row stays locked until the commit and no other
        write to the patient's data can land between this check and the decision."""
        unchanged = Patient.objects.filter(pk=patient.pk, data_version=self.basis)
        if unchanged.update(data_version=uuid.uuid4()) == 1:
            return True
        Patient.objects.filter(pk=patient.pk).update(data_version=uuid.uuid4())
        return False


def decision_draft(
    *,
    patient: Patient,
    made_on: dt.date,
    adding: SessionLog | MorningCheck,
    programme: Programme | None = None,
) -> DecisionDraft:
    """The draft of the decision `decision_record` will keep once ``adding`` is stored."""
    basis = patient.data_version  # read before the draft's reads: a write since changes it
    return DecisionDraft(
        basis=basis,
        answer=decision_answer(
            patient=patient, made_on=made_on, programme=programme, adding=adding
        ),
    )


@transaction.atomic(savepoint=False)  # part of the caller's write: no savepoint of its own
def decision_record(
    *,
    patient: Patient,
    made_on: dt.date,
    gates: dict[str, Any] | None = None,
    programme: Programme | None = None,
    draft: DecisionDraft | None = None,
) -> Decision:
    """Ask the engine about the patient's recent history and keep its answer.

    A proposed stage change waits for the clinician; an older pending proposal is superseded.
    ``gates`` and ``programme`` are as `decision_answer` takes them. ``draft`` is the answer
    worked out before the write, which the caller has checked still `holds`.
    """
    answer = (
        draft.answer
        if draft is not None
        else decision_answer(patient=patient, made_on=made_on, gates=gates, programme=programme)
    )
    needs_approval = bool(answer["requires_approval"])
    if needs_approval:
        Decision.objects.filter(patient=patient, approval=Approval.PENDING).update(
            approval=Approval.SUPERSEDED
        )
    return Decision.objects.create(
        clinic=patient.clinic,
        patient=patient,
        made_on=made_on,
        zone=answer["zone"],
        action=answer["action"],
        stage_from=patient.stage,
        stage_to=answer["stage"],
        stage_change=answer["stage_change"],
        running_ready=answer["running_ready"],
        reasons=answer["reasons"],
        approval=Approval.PENDING if needs_approval else Approval.NOT_NEEDED,
    )


@transaction.atomic
def decision_review(*, actor: User, decision: Decision, approve: bool, note: str) -> Decision:
    """A clinician approves or declines a proposed stage change; approval moves the patient."""
    locked = Decision.objects.select_for_update().select_related("patient").get(pk=decision.pk)
    if locked.approval != Approval.PENDING:
        raise ValueError("This proposal has already been reviewed.")
    locked.approval = Approval.APPROVED if approve else Approval.DECLINED
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.review_note = note[:500]
    locked.save(update_fields=["approval", "reviewed_by", "reviewed_at", "review_note"])
    if approve:
        patient = locked.patient
        patient.stage = locked.stage_to
        patient.save(update_fields=["stage"])
        if locked.stage_to <= 4:
            programme_from_prescription(
                actor=actor,
                patient=patient,
                stage=locked.stage_to,
                reason=f"Stage {locked.stage_from} → {locked.stage_to} approved",
            )
    audit_record(  # last: the audit chain stays locked until the commit
        category=AuditCategory.WRITE,
        action="decision.approve" if approve else "decision.decline",
        actor=actor,
        clinic=locked.clinic,
        patient=locked.patient,
        detail=f"stage {locked.stage_from} → {locked.stage_to}",
    )
    return locked


@transaction.atomic
def programme_revise(
    *,
    actor: User,
    patient: Patient,
    stage: int,
    exercises: list[dict[str, Any]],
    sessions_per_week: int,
    reason: str,
) -> Programme:
    """A clinician's edit: a new current version (who, when, why); earlier versions are kept."""
    programme = programme_create(
        actor=actor,
        patient=patient,
        stage=stage,
        exercises=exercises,
        sessions_per_week=sessions_per_week,
        reason=reason,
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="programme.revise",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=f"version {programme.version}: {reason}",
    )
    return programme


class PatientThresholdsConflict(Exception):
    """New clinic thresholds would make some patients' own overrides contradict them."""

    def __init__(self, patients: list[Patient], message: str) -> None:
        super().__init__(message)  # the engine's reason for the first of them
        self.patients = patients


@transaction.atomic
def clinic_thresholds_update(*, actor: User, clinic: Clinic, overrides: dict[str, Any]) -> Clinic:
    """Replace the clinic's threshold settings after the engine has validated them.

    Raises ``EngineInputError`` for a value the engine refuses, and ``PatientThresholdsConflict``
    when a patient's own overrides would no longer be valid on top of the new values (say the
    clinic's red pain drops to a patient's amber): their decisions would fail, so nothing is
    written and the clinician changes or clears those patients' values first.
    """
    Thresholds.from_mapping(overrides)
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    conflicts: list[Patient] = []
    first_error = ""
    for patient in Patient.objects.filter(clinic=locked).exclude(thresholds={}).order_by("pk"):
        try:
            Thresholds.from_mapping(overrides, patient.thresholds)
        except EngineInputError as error:
            conflicts.append(patient)
            first_error = first_error or error.message
    if conflicts:
        raise PatientThresholdsConflict(conflicts, first_error)
    before = locked.settings.get("thresholds") or {}
    locked.settings = {**locked.settings, "thresholds": overrides}
    if not overrides:
        del locked.settings["thresholds"]
    locked.save(update_fields=["settings"])
    clinic.settings = locked.settings
    changed = sorted(
        name for name in {*before, *overrides} if before.get(name) != overrides.get(name)
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="clinic.thresholds",
        actor=actor,
        clinic=locked,
        patient=None,
        detail=", ".join(changed) or "unchanged",
    )
    return locked


@transaction.atomic
def patient_thresholds_update(
    *, actor: User, patient: Patient, overrides: dict[str, Any]
) -> Patient:
    """Replace the patient's threshold overrides after the engine has validated them on top of
    the clinic's; raises ``EngineInputError`` (nothing written) for any value it refuses."""
    Thresholds.from_mapping(patient.clinic.settings.get("thresholds") or {}, overrides)
    patient.thresholds = overrides
    patient.save(update_fields=["thresholds"])
    audit_record(
        category=AuditCategory.WRITE,
        action="patient.thresholds",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=", ".join(sorted(overrides)) or "cleared",
    )
    return patient
