"""Reads for programmes and decisions: version history with diffs, approvals waiting, the
exercise catalogue for the editor. Per-patient reads take a patient that came from the access
module; lists across patients take the acting user and scope through it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from sitbone.clinics.access import caseload_for
from sitbone.engine.prescription import EXERCISES
from sitbone.patients.models import Patient
from sitbone.programmes.models import Approval, Decision, Programme, ProgrammeExercise

if TYPE_CHECKING:
    from sitbone.accounts.models import User

DOSE_FIELDS = (
    ("sets", "sets"),
    ("reps", "reps"),
    ("hold_seconds", "hold (s)"),
    ("load", "load"),
    ("rest_seconds", "rest (s)"),
)


def exercise_name(exercise_id: str) -> str:
    exercise = EXERCISES.get(exercise_id)
    return exercise.name if exercise else exercise_id.replace("_", " ")


def exercise_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The engine's catalogue grouped by first stage, for a select with optgroups."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for exercise in EXERCISES.values():
        stages = ", ".join(str(s) for s in exercise.stages)
        label = f"Stage {stages}" if exercise.focus.value == "hamstring" else "Support work"
        groups.setdefault(label, []).append((exercise.id, exercise.name))
    return sorted(groups.items(), key=lambda item: (item[0] == "Support work", item[0]))


def current_programme(*, patient: Patient) -> Programme | None:
    return (
        Programme.objects.filter(patient=patient, is_current=True)
        .prefetch_related("exercises")
        .select_related("created_by")
        .first()
    )


@dataclass
class VersionDiff:
    """What changed from one programme version to the next."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    programme: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.programme)


def _dose(item: ProgrammeExercise) -> dict[str, Any]:
    return {name: getattr(item, name) for name, _ in DOSE_FIELDS}


def _show(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def version_diff(older: Programme | None, newer: Programme) -> VersionDiff:
    """Exercises added, removed and re-dosed, and programme-level changes, older → newer."""
    diff = VersionDiff()
    new_items = {item.exercise_id: item for item in newer.exercises.all()}
    if older is None:
        diff.added = [exercise_name(i) for i in new_items]
        return diff
    old_items = {item.exercise_id: item for item in older.exercises.all()}
    if older.stage != newer.stage:
        diff.programme.append(f"stage {older.stage} → {newer.stage}")
    if older.sessions_per_week != newer.sessions_per_week:
        diff.programme.append(
            f"sessions a week {older.sessions_per_week} → {newer.sessions_per_week}"
        )
    diff.added = [exercise_name(i) for i in new_items if i not in old_items]
    diff.removed = [exercise_name(i) for i in old_items if i not in new_items]
    for exercise_id, item in new_items.items():
        before = old_items.get(exercise_id)
        if before is None:
            continue
        old_dose, new_dose = _dose(before), _dose(item)
        changes = [
            f"{label} {_show(old_dose[name])} → {_show(new_dose[name])}"
            for name, label in DOSE_FIELDS
            if old_dose[name] != new_dose[name]
        ]
        if changes:
            diff.changed.append(f"{exercise_name(exercise_id)}: {', '.join(changes)}")
    return diff


@dataclass(frozen=True)
class VersionEntry:
    programme: Programme
    diff: VersionDiff


def programme_versions(*, patient: Patient) -> list[VersionEntry]:
    """Every version, newest first, each with what changed from the one before it."""
    versions = list(
        Programme.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related("exercises")
        .order_by("version")
    )
    entries = [
        VersionEntry(version, version_diff(versions[i - 1] if i else None, version))
        for i, version in enumerate(versions)
    ]
    return list(reversed(entries))


def decisions_awaiting_approval(*, actor: User) -> QuerySet[Decision]:
    """Engine-proposed stage changes waiting for the actor (their caseload; admins: clinic)."""
    return (
        Decision.objects.filter(
            approval=Approval.PENDING, patient__in=caseload_for(actor).values("pk")
        )
        .select_related("patient")
        .order_by("made_on", "id")
    )


def decision_for(*, patient: Patient, public_id: str) -> Decision | None:
    """One of the patient's decisions, or None (the caller answers 404)."""
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Decision.objects.filter(patient=patient, public_id=parsed).first()
