"""What the patient does and feels: loading sessions and next-morning check-ins."""

from __future__ import annotations

import uuid

from django.db import models


def pain_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0, f"{field}__lte": 10}), name=name
    )


class SessionLog(models.Model):
    """One loading session as the patient logged it. Pain is NPRS 0–10."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="sessions"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="sessions"
    )
    performed_on = models.DateField()
    """The date in the patient's clinic time zone."""

    pain_during = models.PositiveSmallIntegerField()
    pain_after = models.PositiveSmallIntegerField()
    completed = models.BooleanField(default=True)
    notes = models.CharField(max_length=1000, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULLs stay out of the unique constraint
    """Sent by the form, so a double submit or a retry stores one session."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient", "-performed_on", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"], name="session_patient_recent")]
        constraints = [
            pain_range("pain_during", "session_pain_during_0_10"),
            pain_range("pain_after", "session_pain_after_0_10"),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"], name="session_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} session {self.performed_on}"


class SessionEntry(models.Model):
    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="entries")
    exercise_id = models.CharField(max_length=64)
    sets_done = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    load = models.CharField(max_length=60, blank=True)
    pain_during = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["session", "id"]
        constraints = [pain_range("pain_during", "entry_pain_during_0_10")]

    def __str__(self) -> str:
        return f"{self.exercise_id} × {self.sets_done}"


class MorningCheck(models.Model):
    """The next-morning load test: the stage's monitoring task and its pain."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="morning_checks"
    )
    checked_on = models.DateField()
    task = models.CharField(max_length=64)
    """Engine id of the monitoring task, e.g. three short-lever single-leg bridges."""

    pain = models.PositiveSmallIntegerField()
    stiffness_minutes = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient", "-checked_on"]
        constraints = [
            pain_range("pain", "morning_pain_0_10"),
            models.UniqueConstraint(fields=["patient", "checked_on"], name="morning_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(stiffness_minutes__lte=600), name="morning_stiffness_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} morning {self.checked_on}: {self.pain}/10"
