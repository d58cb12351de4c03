"""Writes for programmes and decisions: new versions, engine decisions, approvals."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.engine.commands import COMMANDS
from sitbone.patients.models import Patient
from sitbone.programmes.mappers import decide_input
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
        sessions_per_week=prescription["sessions_per_week"],
        reason=reason,
    )


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


@transaction.atomic
def decision_record(
    *, patient: Patient, made_on: dt.date, gates: dict[str, Any] | None = None
) -> Decision:
    """Ask the engine about the patient's recent history and keep its answer.

    A proposed stage change waits for the clinician; an older pending proposal is superseded.
    """
    since = made_on - dt.timedelta(days=HISTORY_DAYS)
    programme = Programme.objects.filter(patient=patient, is_current=True).first()
    sessions = list(
        SessionLog.objects.filter(
            patient=patient, performed_on__gte=since, performed_on__lte=made_on
        )
    )
    mornings = list(
        MorningCheck.objects.filter(
            patient=patient, checked_on__gte=since, checked_on__lte=made_on + dt.timedelta(days=1)
        )
    )
    answer = COMMANDS["decide"](
        decide_input(
            patient=patient,
            programme=programme,
            sessions=sessions,
            mornings=mornings,
            gates=gates,
            thresholds=engine_thresholds(patient),
        )
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
    return locked
