"""A person under a clinic's care for proximal hamstring tendinopathy."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from sitbone.engine.prescription import EQUIPMENT

EQUIPMENT_CHOICES: list[tuple[str, str]] = sorted(EQUIPMENT.items(), key=lambda item: item[1])
"""The engine's equipment, alphabetical by what a person calls it."""


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Irritability(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


def empty_dict() -> dict[str, Any]:
    return {}


def empty_list() -> list[Any]:
    return []


AWAITING_CONFIRMATION = models.Q(
    user__is_active=False,
    user__last_login__isnull=True,
    screening_answers__source="self-registration",
)
"""Patients who signed up themselves and have not confirmed their email address yet: their
account cannot sign in, so they have had no chance to exercise or answer anything."""


class Patient(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
    )
    """The patient's own account; empty until they accept their invitation."""

    full_name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    date_of_birth = models.DateField(null=True, blank=True)
    affected_side = models.CharField(max_length=8, choices=Side.choices, default=Side.RIGHT)
    activities = models.CharField(max_length=200, blank=True)
    """Sport and activities the person wants to return to, e.g. "running, 5-a-side football"."""

    goals = models.TextField(blank=True, max_length=2000)
    equipment = models.JSONField(default=empty_list, blank=True)
    """Equipment at hand (engine equipment ids), used when prescribing."""

    irritability = models.CharField(
        max_length=10, choices=Irritability.choices, default=Irritability.MODERATE
    )
    stage = models.PositiveSmallIntegerField(default=1)
    """Current loading stage 1–4 (5 = returned to sport); changed only by approved decisions."""

    thresholds = models.JSONField(default=empty_dict, blank=True)
    """Per-patient overrides of the clinic's pain-monitoring thresholds."""

    screening_answers = models.JSONField(default=empty_dict, blank=True)
    """Answers from the public symptom check, when the person signed up or booked from it."""

    assigned_clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="caseload", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    discharged_on = models.DateField(null=True, blank=True)
    data_version = models.UUIDField(default=uuid.uuid4, editable=False)
    """A new value with every write to what the triage list and the engine's decisions are made
    of (assessments, sessions, check-ins, decisions, programmes, measures, appointments), so a
    stored triage snapshot or a decision worked out ahead of its write can tell that it is out
    of date; `sitbone.clinics.triage` and `programmes.services.DecisionDraft` set it."""

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__gte=1, stage__lte=5), name="patient_stage_1_to_5"
            ),
            models.UniqueConstraint(fields=["clinic", "email"], name="patient_email_per_clinic"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A whole-record save leaves `data_version` alone: written back from a copy read before
        a session was logged, an old version would make an outdated triage snapshot look current."""
        adding = self._state.adding or kwargs.get("force_insert")
        if not adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "data_version"
                and field.attname not in self.get_deferred_fields()
            ]
        super().save(*args, **kwargs)

    @property
    def equipment_names(self) -> list[str]:
        """The equipment the person has, named as the engine's catalogue names it."""
        return [EQUIPMENT[item] for item in self.equipment or [] if item in EQUIPMENT]
