"""Outcome measures (VISA-H, LEFS, NPRS, GROC, Nirschl phase, sitting tolerance), engine-scored."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


def empty_answers() -> dict[str, Any]:
    return {}


class MeasureResult(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="measures"
    )
    instrument = models.CharField(max_length=32)
    """Engine instrument id: lefs, visa_h, nprs, groc, nirschl, sitting_tolerance."""

    taken_on = models.DateField()
    answers = models.JSONField(default=empty_answers)
    """Item-level raw answers as the engine accepts them."""

    total = models.IntegerField()
    """The engine's total; stored so history and charts need no re-scoring."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "instrument", "-taken_on", "-id"]
        indexes = [
            models.Index(fields=["patient", "instrument", "-taken_on"], name="measure_recent")
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.instrument} {self.taken_on}: {self.total}"
