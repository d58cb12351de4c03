"""Model → response dict, field by field (what leaves the server is listed here, nowhere else)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sitbone.diary.models import MorningCheck, SessionEntry, SessionLog
from sitbone.engine.prescription import EXERCISES
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision, Programme


def exercise_name(exercise_id: str) -> str:
    exercise = EXERCISES.get(exercise_id)
    return exercise.name if exercise is not None else exercise_id


def patient_out(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.public_id,
        "clinic_id": patient.clinic.public_id,
        "full_name": patient.full_name,
        "email": patient.email,
        "date_of_birth": patient.date_of_birth,
        "affected_side": patient.affected_side,
        "activities": patient.activities,
        "goals": patient.goals,
        "equipment": [str(item) for item in patient.equipment or []],
        "irritability": patient.irritability,
        "stage": patient.stage,
        "assigned_clinician_ids": [u.public_id for u in patient.assigned_clinicians.all()],
        "created_at": patient.created_at,
        "discharged_on": patient.discharged_on,
    }


def programme_out(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.public_id,
        "patient_id": programme.patient.public_id,
        "version": programme.version,
        "stage": programme.stage,
        "sessions_per_week": programme.sessions_per_week,
        "is_current": programme.is_current,
        "reason": programme.reason,
        "created_at": programme.created_at,
        "exercises": [
            {
                "exercise_id": item.exercise_id,
                "name": exercise_name(item.exercise_id),
                "order": item.order,
                "sets": item.sets,
                "reps": item.reps,
                "hold_seconds": item.hold_seconds,
                "load": item.load,
                "rest_seconds": item.rest_seconds,
            }
            for item in programme.exercises.all()
        ],
    }


SESSION_ENTRY_FIELDS = ("exercise_id", "sets_done", "reps", "hold_seconds", "load", "pain_during")


def session_entries(session_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each session's exercises as response dicts, in one query (a page of 50 sessions has a
    few hundred; reading them as plain values, not model rows, is most of what the page costs)."""
    entries: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in SessionEntry.objects.filter(session__in=session_ids).values(
        "session_id", *SESSION_ENTRY_FIELDS
    ):
        entries[row.pop("session_id")].append(row)
    return entries


def session_out(session: SessionLog, entries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One session; ``entries`` from `session_entries` when several are shown, else read here."""
    if entries is None:
        entries = session_entries([session.pk]).get(session.pk, [])
    return {
        "id": session.public_id,
        "patient_id": session.patient.public_id,
        "programme_id": session.programme.public_id,
        "performed_on": session.performed_on,
        "pain_during": session.pain_during,
        "pain_after": session.pain_after,
        "completed": session.completed,
        "notes": session.notes,
        "entries": entries,
        "created_at": session.created_at,
    }


def morning_check_out(check: MorningCheck) -> dict[str, Any]:
    return {
        "id": check.public_id,
        "patient_id": check.patient.public_id,
        "checked_on": check.checked_on,
        "task": check.task,
        "pain": check.pain,
        "stiffness_minutes": check.stiffness_minutes,
        "created_at": check.created_at,
    }


def measure_out(measure: MeasureResult) -> dict[str, Any]:
    return {
        "id": measure.public_id,
        "patient_id": measure.patient.public_id,
        "instrument": measure.instrument,
        "taken_on": measure.taken_on,
        "answers": measure.answers,
        "total": measure.total,
        "created_at": measure.created_at,
    }


def decision_out(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.public_id,
        "patient_id": decision.patient.public_id,
        "made_on": decision.made_on,
        "zone": decision.zone,
        "action": decision.action,
        "stage_from": decision.stage_from,
        "stage_to": decision.stage_to,
        "stage_change": decision.stage_change,
        "running_ready": decision.running_ready,
        "reasons": [
            {"rule": str(r.get("rule", "")), "text": str(r.get("text", ""))}
            for r in decision.reasons or []
            if isinstance(r, dict)
        ],
        "approval": decision.approval,
        "reviewed_at": decision.reviewed_at,
        "created_at": decision.created_at,
    }
