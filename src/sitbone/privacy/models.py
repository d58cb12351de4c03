"""What a health service must be able to show about privacy: what each patient agreed to, how
long the clinic keeps records, the data breaches it handled, and every emergency ("break-glass")
opening of a record by someone outside the patient's care team.

Consent texts, consent records and breach versions are append-only: a new version or a new record
is written, the old one is never changed, so the clinic can always show what was true when.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class AppendOnly(models.Model):
    """A row that is written once and never changed afterwards."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(f"{type(self).__name__} rows cannot be changed once written.")
        super().save(*args, **kwargs)


# --- Consent ---------------------------------------------------------------------------------


class ConsentPurpose(models.TextChoices):
    CARE = "care", "Terms of care and use of your information"
    EMAIL_REMINDERS = "email_reminders", "Reminder emails"
    REFERRER_SHARING = "referrer_sharing", "Reports to the person who referred you"
    RESEARCH = "research", "Research and improving care"


REQUIRED_PURPOSES = (ConsentPurpose.CARE,)
"""Agreed at sign-up; without it there is no account. Withdrawing it means asking for erasure."""

OPTIONAL_PURPOSES = (
    ConsentPurpose.EMAIL_REMINDERS,
    ConsentPurpose.REFERRER_SHARING,
    ConsentPurpose.RESEARCH,
)

ON_UNTIL_WITHDRAWN = frozenset({ConsentPurpose.EMAIL_REMINDERS})
"""Purposes that hold when the patient has recorded no choice. Reminders are part of the care the
patient agreed to (APP 6: the primary purpose of collection), so they go until the patient turns
them off; every other optional purpose needs a recorded yes."""


class ConsentText(AppendOnly):
    """One version of the words a patient agrees to. A changed text is a new version."""

    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    text = models.TextField(max_length=2000)
    """Shown in full next to the choice, in plain words."""

    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "version"], name="consent_text_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.version}"


class ConsentSource(models.TextChoices):
    SIGN_UP = "sign_up", "Sign-up after the symptom check"
    INVITATION = "invitation", "Accepting the clinic's invitation"
    PRIVACY_PAGE = "privacy_page", "The patient's privacy page"


class ConsentRecord(AppendOnly):
    """A patient agreed to (given) or withdrew (not given) one purpose, at a moment, by someone.
    The newest record for a purpose is the patient's current choice."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consent_records"
    )
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    """The exact version the patient saw."""

    given = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    """Who made the choice: the patient's own account, or the staff member who recorded it."""

    source = models.CharField(max_length=20, choices=ConsentSource.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "purpose", "-at"], name="consent_patient_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {'given' if self.given else 'withdrawn'} at {self.at:%Y-%m-%d}"


# --- The clinic's privacy settings -----------------------------------------------------------


class PrivacySettings(models.Model):
    """Per clinic: how long records are kept, and who on staff may open which record."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="privacy_settings"
    )
    retention_years = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    """Years a record is kept after the patient's last activity. Default 7: the adult rule of
    e.g. NSW's Health Records and Information Privacy Act 2002 (7 years after the last service)."""

    minors_kept_until_age = models.PositiveSmallIntegerField(
        default=25, validators=[MinValueValidator(18), MaxValueValidator(100)]
    )
    """A record of someone treated as a child is also kept until they reach this age (NSW: 25)."""

    care_team_only = models.BooleanField(default=False)
    """When set, a clinician opens only the records of patients in their care (assigned to them,
    or booked with them); anyone else needs emergency access. Clinic admins are not limited."""

    emergency_access_hours = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    """How long one emergency access lasts before it must be asked for again."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_years__gte=1, retention_years__lte=100),
                name="privacy_retention_years_range",
            ),
            models.CheckConstraint(
                condition=models.Q(minors_kept_until_age__gte=18, minors_kept_until_age__lte=100),
                name="privacy_minors_age_range",
            ),
            models.CheckConstraint(
                condition=models.Q(emergency_access_hours__gte=1, emergency_access_hours__lte=24),
                name="privacy_emergency_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Privacy settings of {self.clinic}"


# --- Emergency access ------------------------------------------------------------------------


class EmergencyAccess(models.Model):
    """A staff member outside the patient's care team opened their record in an emergency.
    Time-limited; every read during it is audited with its id; the clinic admins review it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.SET_NULL,
        null=True,
        related_name="emergency_accesses",
    )
    """Empty once the record is erased; the access itself stays on file."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_email = models.CharField(max_length=254)
    """Kept even if the account is later removed."""

    reason = models.TextField(max_length=500)
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "patient", "expires_at"], name="emergency_access_live")
        ]

    def __str__(self) -> str:
        return f"Emergency access by {self.actor_email} at {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def audit_detail(self) -> str:
        """What each read during this access carries in its audit event."""
        return f"break-glass {self.public_id}"


# --- Breach register -------------------------------------------------------------------------


class BreachStatus(models.TextChoices):
    SUSPECTED = "suspected", "Suspected: being assessed"
    CONFIRMED = "confirmed", "Confirmed breach"
    NOT_A_BREACH = "not_a_breach", "Assessed: not a breach"
    CLOSED = "closed", "Closed"


class HarmRisk(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed yet"
    UNLIKELY = "unlikely", "Serious harm unlikely"
    LIKELY = "likely", "Serious harm likely"


class Notifiable(models.TextChoices):
    UNDECIDED = "undecided", "Not decided yet"
    YES = "yes", "Yes"
    NO = "no", "No"


class NotificationScheme(models.TextChoices):
    NDB = "ndb", "Australia: Notifiable Data Breaches scheme (OAIC)"
    HIPAA = "hipaa", "United States: HIPAA Breach Notification Rule (HHS)"
    GDPR = "gdpr", "EU or UK GDPR (the data protection authority)"


class Breach(models.Model):
    """One suspected or confirmed data breach of a clinic. Its content lives in versions: each
    edit adds a version, so the history of what was known and decided is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    """Counts up per clinic: the reference staff use (BR-0001)."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="breach_number_per_clinic")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"BR-{self.number:04d}"


class BreachVersion(AppendOnly):
    """What was recorded about a breach at one edit."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=BreachStatus.choices)
    discovered_at = models.DateTimeField()
    """When the clinic became aware: the notification clocks run from here."""

    description = models.TextField(max_length=4000)
    data_involved = models.TextField(max_length=2000)
    """Which kinds of information, e.g. names and email addresses, pain diaries."""

    affected_count = models.PositiveIntegerField(null=True, blank=True)
    """How many people are affected; empty while unknown."""

    affected_patients = models.ManyToManyField("patients.Patient", blank=True, related_name="+")
    """The known affected patients of the clinic, when they can be named."""

    harm_risk = models.CharField(
        max_length=16, choices=HarmRisk.choices, default=HarmRisk.NOT_ASSESSED
    )
    risk_assessment = models.TextField(max_length=4000, blank=True)
    notifiable = models.CharField(
        max_length=10, choices=Notifiable.choices, default=Notifiable.UNDECIDED
    )
    schemes = models.JSONField(default=list, blank=True)
    """NotificationScheme values the breach is notifiable under."""

    regulator_notified_at = models.DateTimeField(null=True, blank=True)
    individuals_notified_at = models.DateTimeField(null=True, blank=True)
    actions = models.TextField(max_length=4000, blank=True)
    """Containment and remediation steps taken."""

    change_note = models.CharField(max_length=300, blank=True)
    """What changed in this edit, and why."""

    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_by_email = models.CharField(max_length=254)
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["breach_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "number"], name="breach_version_one_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.breach} v{self.number}"
