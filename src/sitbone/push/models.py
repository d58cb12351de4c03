"""A browser's push subscription: where to send a patient's reminders on one device."""

from __future__ import annotations

import uuid

from django.db import models


class RevokedBecause(models.TextChoices):
    PATIENT = "patient", "Stopped by the patient"
    GONE = "gone", "The push service no longer knows it"
    REPLACED = "replaced", "Another account subscribed the same browser"


class PushSubscription(models.Model):
    """One browser profile on one device that agreed to show this patient's reminders.

    The endpoint and keys are what the browser's PushManager gave; the endpoint is a capability
    URL at a third-party push service, so it is never shown back in a page.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=2048)
    p256dh = models.CharField(max_length=100)
    """The browser's P-256 public key (base64url, 65 bytes) the payload is encrypted to."""

    auth = models.CharField(max_length=32)
    """The browser's 16-byte authentication secret (base64url)."""

    device_label = models.CharField(max_length=80)
    """A short name for the list, e.g. "Chrome on Android", derived from the User-Agent (the
    header itself is not kept)."""

    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    """Failed deliveries since the last success."""

    last_failure_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    """Set when nothing more may be sent here; a revoked row is kept as a record."""

    revoked_because = models.CharField(max_length=10, choices=RevokedBecause.choices, blank=True)

    class Meta:
        ordering = ["patient_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "endpoint"], name="push_subscription_endpoint_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_label} for {self.patient}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
