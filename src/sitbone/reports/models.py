"""Reports issued from the clinician workspace, kept so the record shows what was sent to whom."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Audience(models.TextChoices):
    PATIENT = "patient", "The patient"
    REFERRER = "referrer", "The referring doctor"
    INSURER = "insurer", "An insurer or case manager"


class ProgressReport(models.Model):
    """A progress report: its audience, the clinician's summary and the PDF exactly as issued
    (drawn from the record as it stood that day; a later download returns the same document)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="progress_reports"
    )
    audience = models.CharField(max_length=12, choices=Audience.choices)
    summary = models.TextField(max_length=4000)
    """The clinician's own summary, printed as written."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    pdf = models.BinaryField(null=True, editable=False)
    """The document as issued; empty only for reports issued before documents were kept."""

    class Meta:
        ordering = ["patient_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(audience__in=["patient", "referrer", "insurer"]),
                name="report_audience_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} report for {self.audience} {self.created_at:%Y-%m-%d}"
