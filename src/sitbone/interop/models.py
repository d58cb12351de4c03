"""A clinic's retention setting and patients' requests to erase their data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ErasureMode(models.TextChoices):
    DELETE = "delete", "Delete the record and everything in it"
    ANONYMISE = "anonymise", "Keep the clinical data without anything that identifies the person"


class RetentionPolicy(models.Model):
    """What confirming an erasure request does at this clinic."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="retention_policy"
    )
    erasure_mode = models.CharField(
        max_length=10, choices=ErasureMode.choices, default=ErasureMode.ANONYMISE
    )
    """Anonymise by default: many places oblige clinics to keep clinical records for years."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.clinic}: {self.erasure_mode}"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the clinic"
    COMPLETED = "completed", "Done"
    DECLINED = "declined", "Declined by the clinic"


class ErasureRequest(models.Model):
    """A patient asked for their data to be erased. Kept after the erasure (without the patient)
    as the record that it happened."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
    )
    """Empty once the record is deleted."""

    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    mode_applied = models.CharField(max_length=10, choices=ErasureMode.choices, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="pending"),
                name="erasure_one_pending_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.public_id} ({self.status})"
