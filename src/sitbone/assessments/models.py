"""The clinician's record: assessments, adjunct therapies and clinical notes.

An assessment keeps what the clinician asked, tested and measured on one day (clinical-brief §2–§4,
§6). The engine turns it into numbers that matter: the post-test probability of PHT from the
stretch tests (§2.3), the screening triage (§3) and the stage-gate measures (§5.6). Raw values are
stored; derived values that depend on clinical rules (post-test probability) are stored exactly as
the engine gave them, with the test and likelihood ratio it used, so the record shows what the
clinician saw at the time.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def empty_dict() -> dict[str, Any]:
    return {}


def empty_list() -> list[Any]:
    return []


class TestOutcome(models.TextChoices):
    __test__ = False  # a clinical test result, not a pytest class

    NOT_DONE = "", "Not done"
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class StretchingHabit(models.TextChoices):
    NONE = "none", "No regular hamstring stretching"
    OCCASIONAL = "occasional", "Occasional stretching"
    END_RANGE = "end_range", "Regular end-range stretching (e.g. yoga forward folds)"


TRIAGE_LABELS = {
    "emergency": "Emergency: send to an emergency department now",
    "urgent": "Urgent medical review within 24–48 hours",
    "see_physio": "Physiotherapy assessment",
    "self_care_ok": "Nothing points to PHT or a warning sign",
}


def pain_field(help_text: str) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)], help_text=help_text
    )


def pain_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__lte": 10}),
        name=f"assessment_{field}_0_10",
    )


class Assessment(models.Model):
    """One clinical assessment of a patient: history, provocation tests, capacity measures."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField()
    """The clinic-local date of the assessment."""

    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    affected_side = models.CharField(max_length=8)
    """The painful side at the time (left, right, both): symmetry is painful ÷ other side."""

    # History (§2.1, §3.3): the engine's screening items, answered yes/no by the clinician.
    screening_answers = models.JSONField(default=empty_dict, blank=True)
    """{item id: true/false} with the engine's screen item ids."""

    screening_result = models.JSONField(default=empty_dict, blank=True)
    """The engine's `screen` answer: triage, PHT likelihood, flags, differentials, reasons."""

    # Risk factors (§1.5).
    training_spike = models.BooleanField(default=False)
    """A rapid rise in training load (volume, hills, speed, lunges) before the pain began."""

    previous_hamstring_injury = models.BooleanField(default=False)
    prolonged_sitting = models.BooleanField(default=False)
    """Sits for long periods, especially on hard seats."""

    stretching_habit = models.CharField(
        max_length=12, choices=StretchingHabit.choices, default=StretchingHabit.NONE
    )
    age_years = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(120)]
    )

    # Provocation tests (§2.2) and the post-test probability (§2.3).
    puranen_orava = models.CharField(max_length=8, choices=TestOutcome.choices, blank=True)
    bent_knee = models.CharField(max_length=8, choices=TestOutcome.choices, blank=True)
    modified_bent_knee = models.CharField(max_length=8, choices=TestOutcome.choices, blank=True)
    pretest_probability = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("0.999"))],
    )
    """The clinician's estimate before the tests (clinic default, editable)."""

    posttest_probability = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True
    )
    """The engine's post-test probability; empty when no stretch test was done."""

    posttest_test = models.CharField(max_length=32, blank=True)
    """Engine id of the test the engine applied (the most accurate one performed)."""

    posttest_likelihood_ratio = models.DecimalField(
        max_digits=6, decimal_places=3, null=True, blank=True
    )
    posttest_reasons = models.JSONField(default=empty_list, blank=True)

    # Differentials and red flags (§3.1–3.2), confirmed by examination.
    red_flags_present = models.JSONField(default=empty_list, blank=True)
    """Ids from the red-flag checklist the clinician found present."""

    differentials_suspected = models.JSONField(default=empty_list, blank=True)
    """Ids from the differentials checklist the clinician still suspects."""

    # Capacity and load tests (§5.6, §6): the stage-gate measures.
    slb_short_lever_pain = pain_field("Pain 0–10 on three short-lever single-leg bridges.")
    slb_reps_left = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    slb_reps_right = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(300)]
    )
    curl_10rm_left_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    curl_10rm_right_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    drop_lunge_pain = pain_field("Pain 0–10 on an unweighted drop lunge, painful leg forward.")
    single_leg_rdl_pain = pain_field("Pain 0–10 on a single-leg Romanian deadlift.")
    rest_pain = pain_field("Pain 0–10 at rest.")
    sport_load_pain = pain_field("Pain 0–10 on sport-specific loading.")
    sitting_tolerance_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    """Minutes on a firm chair before pain reaches 3/10, capped at 60 (§4.5)."""

    notes = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["patient", "-assessed_on"], name="assessment_patient_recent")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pretest_probability__gt=0, pretest_probability__lt=1),
                name="assessment_pretest_open_interval",
            ),
            models.CheckConstraint(
                condition=models.Q(sitting_tolerance_minutes__isnull=True)
                | models.Q(sitting_tolerance_minutes__lte=60),
                name="assessment_sitting_tolerance_max_60",
            ),
            pain_check("slb_short_lever_pain"),
            pain_check("drop_lunge_pain"),
            pain_check("single_leg_rdl_pain"),
            pain_check("rest_pain"),
            pain_check("sport_load_pain"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} assessment {self.assessed_on}"

    @property
    def triage_label(self) -> str:
        """The engine's screening triage in words (empty when no screening was stored)."""
        return TRIAGE_LABELS.get(str(self.screening_result.get("triage", "")), "")


class AdjunctKind(models.TextChoices):
    SHOCKWAVE = "shockwave", "Shockwave therapy (ESWT)"
    INJECTION_PRP = "injection_prp", "Injection: platelet-rich plasma (PRP)"
    INJECTION_CORTICOSTEROID = "injection_corticosteroid", "Injection: corticosteroid"
    MANUAL_THERAPY = "manual_therapy", "Manual therapy or soft-tissue work"
    DRY_NEEDLING = "dry_needling", "Dry needling"
    OTHER = "other", "Other"


class Guidance(models.TextChoices):
    NONE = "", "Not applicable"
    ULTRASOUND = "ultrasound", "Ultrasound-guided"
    FLUOROSCOPY = "fluoroscopy", "Fluoroscopy-guided"
    LANDMARK = "landmark", "Landmark (unguided)"


class AdjunctTherapy(models.Model):
    """A treatment given beside the loading programme, recorded with its details (§5.9)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="adjunct_therapies"
    )
    kind = models.CharField(max_length=32, choices=AdjunctKind.choices)
    given_on = models.DateField()
    given_by = models.CharField(max_length=150, blank=True)
    """Who gave it, when not the recording clinician (e.g. the sports physician)."""

    dose = models.CharField(max_length=150, blank=True)
    """E.g. "2,500 impulses at 0.18 mJ/mm²" or "3 mL PRP"."""

    guidance = models.CharField(max_length=12, choices=Guidance.choices, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-given_on", "-id"]
        verbose_name_plural = "adjunct therapies"

    def __str__(self) -> str:
        return f"{self.patient} {self.kind} {self.given_on}"


class ClinicalNote(models.Model):
    """A free-text note in the patient's record (visible to clinic staff only)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="clinical_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.patient} note {self.created_at:%Y-%m-%d}"
