"""Exercise programmes (every version kept) and the engine's decisions about them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


def empty_list() -> list[Any]:
    return []


class Programme(models.Model):
    """One version of a patient's prescribed programme. A change makes a new version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="programmes"
    )
    version = models.PositiveIntegerField()
    stage = models.PositiveSmallIntegerField()
    sessions_per_week = models.PositiveSmallIntegerField(default=3)
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    """Who made this version; empty when the engine proposed it and it was approved."""

    reason = models.CharField(max_length=300, blank=True)
    """Why this version exists, in a few words (shown in the version history)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="programme_version_unique"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(is_current=True),
                name="programme_one_current_per_patient",
            ),
            models.CheckConstraint(
                condition=models.Q(stage__gte=1, stage__lte=5), name="programme_stage_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(sessions_per_week__gte=1, sessions_per_week__lte=14),
                name="programme_sessions_per_week_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} v{self.version} (stage {self.stage})"


class ProgrammeExercise(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exercises")
    exercise_id = models.CharField(max_length=64)
    """Id in the engine's exercise catalogue."""

    order = models.PositiveSmallIntegerField(default=0)
    sets = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    load = models.CharField(max_length=60, blank=True)
    """Load guidance, e.g. "70% effort" or "15RM"."""

    rest_seconds = models.PositiveSmallIntegerField(default=60)

    class Meta:
        ordering = ["programme_id", "order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sets__gte=1, sets__lte=20), name="exercise_sets_range"
            ),
            models.CheckConstraint(
                condition=models.Q(reps__isnull=False) | models.Q(hold_seconds__isnull=False),
                name="exercise_reps_or_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} × {self.sets}"


class Zone(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    PENDING = "pending", "Waiting for tomorrow's check-in"
    STOP = "stop", "Stop — see a doctor"


class Approval(models.TextChoices):
    NOT_NEEDED = "not_needed", "No approval needed"
    PENDING = "pending", "Waiting for the physio"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Replaced by a newer proposal"


class Decision(models.Model):
    """What the engine concluded from a patient's history on a day, with its reasons."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="decisions"
    )
    made_on = models.DateField()
    """The patient-local date the decision applies to."""

    zone = models.CharField(max_length=10, choices=Zone.choices)
    action = models.CharField(max_length=10)
    stage_from = models.PositiveSmallIntegerField()
    stage_to = models.PositiveSmallIntegerField()
    stage_change = models.CharField(max_length=10)
    running_ready = models.BooleanField(default=False)
    reasons = models.JSONField(default=empty_list)
    """[{"rule": "PMM-RED-DURING", "text": "..."}] exactly as the engine gave them."""

    approval = models.CharField(
        max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-made_on", "-id"]
        indexes = [
            models.Index(fields=["patient", "-made_on", "-id"], name="decision_patient_latest"),
            # the triage list's "awaiting approval" lookup, one seek per patient
            models.Index(
                fields=["patient", "approval", "-made_on", "-id"], name="decision_patient_approval"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.made_on}: {self.zone}/{self.action}"
