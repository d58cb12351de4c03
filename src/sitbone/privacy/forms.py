"""Forms for the privacy pages. Every message says what to do, GOV.UK style."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

from sitbone.patients.models import Patient
from sitbone.privacy.models import (
    BreachStatus,
    BreachVersion,
    ConsentPurpose,
    ConsentText,
    HarmRisk,
    Notifiable,
    NotificationScheme,
)
from sitbone.privacy.services import (
    REASON_MAX_LENGTH,
    BreachFacts,
    PrivacyRefused,
    emergency_reason_clean,
)
from sitbone.web.text import no_control_characters

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# --- Consent ---------------------------------------------------------------------------------


def care_consent_field(text: ConsentText) -> forms.BooleanField:
    """The required tick box for the terms of care, worded from the current text."""
    return forms.BooleanField(
        label="I agree to the terms of care",
        help_text=text.text,
        error_messages={
            "required": "Tick the box to agree to the terms of care, or you cannot create an "
            "account"
        },
    )


def terms_of_care_field() -> forms.BooleanField:
    """The tick box for the sign-up forms, with the wording patients agree to today."""
    from sitbone.privacy.selectors import consent_text_current

    return care_consent_field(consent_text_current(ConsentPurpose.CARE))


class CareConsentForm(forms.Form):
    def __init__(self, *args: Any, text: ConsentText, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agree"] = care_consent_field(text)


class ConsentChoicesForm(forms.Form):
    """One tick box per optional purpose; unticking withdraws."""

    def __init__(self, *args: Any, texts: list[ConsentText], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for text in texts:
            self.fields[text.purpose] = forms.BooleanField(
                label=text.title, help_text=text.text, required=False
            )

    def choices(self) -> dict[str, bool]:
        return {name: bool(value) for name, value in self.cleaned_data.items()}


# --- Clinic settings -------------------------------------------------------------------------


def _whole_number(name: str, low: int, high: int, **kwargs: Any) -> forms.IntegerField:
    """A whole-number field whose every error names `name` and the range."""
    message = f"{name} must be a whole number from {low} to {high}"
    return forms.IntegerField(
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Enter {name.lower()}",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class PrivacySettingsForm(forms.Form):
    retention_years = _whole_number(
        "Years to keep a record",
        1,
        100,
        label="Years to keep a record after the patient's last activity",
        help_text="After this, the nightly retention purge deletes or anonymises the record, as "
        "set under Data and erasure. NSW, for example, asks for 7 years for adults.",
    )
    minors_kept_until_age = _whole_number(
        "The age",
        18,
        100,
        label="Keep a child's record at least until they are this age",
        help_text="Used when the patient's date of birth is recorded. NSW asks for 25.",
    )
    care_team_only = forms.BooleanField(
        required=False,
        label="Clinicians open only the records of patients in their care",
        help_text="Patients assigned to them or booked with them. For anyone else they must use "
        "emergency access, which you are told about. Clinic admins can open every record.",
    )
    emergency_access_hours = _whole_number(
        "The hours",
        1,
        24,
        label="Hours one emergency access lasts",
    )


# --- Emergency access ------------------------------------------------------------------------


class EmergencySearchForm(forms.Form):
    q = forms.CharField(
        label="Patient's name or email address",
        min_length=2,
        max_length=100,
        error_messages={
            "required": "Enter the patient's name or email address",
            "min_length": "Enter at least 2 characters of the name or email address",
            "max_length": "Enter 100 characters or fewer",
        },
    )


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need this record now?",
        help_text="Say what is happening and why you cannot wait for their clinician. Your "
        "clinic admins will read this.",
        max_length=REASON_MAX_LENGTH * 2,  # the service gives the human message for length
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Give the reason you need this record now",
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer",
        },
    )

    def clean_reason(self) -> str:
        try:
            return emergency_reason_clean(self.cleaned_data["reason"])
        except PrivacyRefused as refused:
            raise forms.ValidationError(refused.message) from refused


# --- Breach register -------------------------------------------------------------------------

MAX_LISTED_PATIENTS = 500
EARLIEST_YEAR = 2000
"""No breach of a Sitbone register happened earlier (and year 1 cannot be stored in UTC)."""


class BreachForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=BreachStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status", "invalid_choice": "Select a status"},
    )
    discovered_at = forms.DateTimeField(
        label="When did the clinic become aware of it?",
        help_text="In the clinic's time zone. The notification deadlines count from here.",
        widget=DATETIME_INPUT,
        error_messages={
            "required": "Enter when the clinic became aware of the breach",
            "invalid": "Enter a date and time, for example 2026-11-20 14:30",
        },
    )
    description = forms.CharField(
        label="What happened",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Describe what happened",
            "max_length": "Keep the description to 4,000 characters or fewer",
        },
        validators=[no_control_characters],
    )
    data_involved = forms.CharField(
        label="What information was involved",
        help_text="For example: names and email addresses; pain diaries; assessment notes.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what information was involved",
            "max_length": "Keep this to 2,000 characters or fewer",
        },
        validators=[no_control_characters],
    )
    affected_count = forms.IntegerField(
        label="How many people are affected (if known)",
        required=False,
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of people as a whole number",
            "min_value": "The number of people cannot be negative",
            "max_value": "Enter a number of people up to 10,000,000",
        },
    )
    patients = forms.CharField(
        label="Affected patients you can name (optional)",
        help_text="One email address or Sitbone patient ID per line.",
        required=False,
        max_length=60_000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        error_messages={"max_length": f"List up to {MAX_LISTED_PATIENTS} patients"},
    )
    harm_risk = forms.ChoiceField(
        label="Is serious harm to the people affected likely?",
        choices=HarmRisk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether serious harm is likely"},
    )
    risk_assessment = forms.CharField(
        label="Risk assessment",
        help_text="Why harm is or is not likely, and what lowers it.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the risk assessment to 4,000 characters or fewer"},
        validators=[no_control_characters],
    )
    notifiable = forms.ChoiceField(
        label="Must it be notified to a regulator and the people affected?",
        choices=Notifiable.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the breach is notifiable"},
    )
    schemes = forms.MultipleChoiceField(
        label="Notifiable under",
        choices=NotificationScheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select only the schemes listed"},
    )
    regulator_notified_at = forms.DateTimeField(
        label="When the regulator was told (if done)",
        required=False,
        widget=DATETIME_INPUT,
        error_messages={"invalid": "Enter a date and time, for example 2026-11-20 14:30"},
    )
    individuals_notified_at = forms.DateTimeField(
        label="When the people affected were told (if done)",
        required=False,
        widget=DATETIME_INPUT,
        error_messages={"invalid": "Enter a date and time, for example 2026-11-20 14:30"},
    )
    actions = forms.CharField(
        label="Actions taken",
        help_text="Containment and what was changed so it does not happen again.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep the actions to 4,000 characters or fewer"},
        validators=[no_control_characters],
    )
    change_note = forms.CharField(
        label="What changed, and why",
        max_length=300,
        required=False,
        error_messages={"max_length": "Keep this to 300 characters or fewer"},
        validators=[no_control_characters],
    )

    def __init__(
        self,
        *args: Any,
        find_patients: Callable[[list[str]], dict[str, Patient]],
        editing: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.find_patients = find_patients
        self.resolved: tuple[Patient, ...] = ()
        if editing:
            self.fields["change_note"].required = True
            self.fields["change_note"].error_messages["required"] = (
                "Say what changed and why: the register keeps every version"
            )
        else:
            del self.fields["change_note"]

    def clean_patients(self) -> str:
        raw: str = self.cleaned_data.get("patients") or ""
        references = list(dict.fromkeys(line.strip() for line in raw.splitlines() if line.strip()))
        if len(references) > MAX_LISTED_PATIENTS:
            raise forms.ValidationError(f"List up to {MAX_LISTED_PATIENTS} patients")
        found = self.find_patients(references)
        unknown = [r for r in references if r.lower() not in found and r not in found]
        if unknown:
            shown = ", ".join(r[:60] for r in unknown[:3])
            more = f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
            raise forms.ValidationError(f"No patient of this clinic matches: {shown}{more}")
        self.resolved = tuple(
            {p.pk: p for p in (found.get(r.lower()) or found[r] for r in references)}.values()
        )
        return raw

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        now = timezone.now() + dt.timedelta(minutes=5)
        discovered = data.get("discovered_at")
        for name in ("discovered_at", "regulator_notified_at", "individuals_notified_at"):
            value = data.get(name)
            if value is not None and value > now:
                self.add_error(name, "The date cannot be in the future")
            elif value is not None and value.year < EARLIEST_YEAR:
                self.add_error(name, f"Enter a date in {EARLIEST_YEAR} or later")
        for name in ("regulator_notified_at", "individuals_notified_at"):
            value = data.get(name)
            if value is not None and discovered is not None and value < discovered:
                self.add_error(name, "Notification cannot come before the clinic became aware")
        if data.get("notifiable") == Notifiable.YES and not data.get("schemes"):
            self.add_error("schemes", "Select the scheme the breach is notifiable under")
        count = data.get("affected_count")
        if count is not None and count < len(self.resolved):
            self.add_error(
                "affected_count",
                "The number of people affected cannot be smaller than the patients listed",
            )
        return data

    def facts(self) -> BreachFacts:
        data = self.cleaned_data
        count = data["affected_count"]
        return BreachFacts(
            status=data["status"],
            discovered_at=data["discovered_at"],
            description=data["description"],
            data_involved=data["data_involved"],
            affected_count=count if count is not None else (len(self.resolved) or None),
            affected_patients=self.resolved,
            harm_risk=data["harm_risk"],
            risk_assessment=data["risk_assessment"],
            notifiable=data["notifiable"],
            schemes=tuple(data["schemes"]),
            regulator_notified_at=data["regulator_notified_at"],
            individuals_notified_at=data["individuals_notified_at"],
            actions=data["actions"],
            change_note=data.get("change_note", ""),
        )


def breach_initial(version: BreachVersion) -> dict[str, Any]:
    """The form's starting values for an edit: the current version."""
    return {
        "status": version.status,
        "discovered_at": version.discovered_at,
        "description": version.description,
        "data_involved": version.data_involved,
        "affected_count": version.affected_count,
        "patients": "\n".join(p.email for p in version.affected_patients.all()),
        "harm_risk": version.harm_risk,
        "risk_assessment": version.risk_assessment,
        "notifiable": version.notifiable,
        "schemes": list(version.schemes or []),
        "regulator_notified_at": version.regulator_notified_at,
        "individuals_notified_at": version.individuals_notified_at,
        "actions": version.actions,
    }
