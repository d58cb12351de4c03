from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms

from sitbone.patients.forms import OpenedWithField, equipment_field
from sitbone.patients.models import Irritability, Side
from sitbone.web.text import clean_person_name, no_control_characters
from sitbone.web.widgets import IsoDateInput

if TYPE_CHECKING:
    from sitbone.accounts.models import User


class PatientDetailsForm(forms.Form):
    """What staff record about a patient, besides the sign-in address."""

    full_name = forms.CharField(label="Full name", max_length=150)
    date_of_birth = forms.DateField(
        label="Date of birth (optional)",
        required=False,
        widget=IsoDateInput(),
    )
    affected_side = forms.ChoiceField(label="Painful side", choices=Side.choices)
    activities = forms.CharField(
        label="Sport and activities",
        max_length=200,
        required=False,
        help_text="What they want to get back to, e.g. running, football, sitting at work.",
        validators=[no_control_characters],
    )
    goals = forms.CharField(
        label="Goals",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        validators=[no_control_characters],
    )
    irritability = forms.ChoiceField(
        label="How irritable is the tendon now?",
        choices=Irritability.choices,
        initial=Irritability.MODERATE,
    )
    equipment = equipment_field(
        label="Equipment they have",
        help_text="Programmes the engine prescribes use only these (and body weight).",
    )
    opened = OpenedWithField()

    def __init__(self, *args: Any, clinicians: Sequence[User] = (), **kwargs: Any) -> None:
        """``clinicians``: the clinic's, offered as the care team (given to admins only)."""
        super().__init__(*args, **kwargs)
        self._clinicians = {str(user.public_id): user for user in clinicians}
        if clinicians:
            self.fields["care_team"] = forms.MultipleChoiceField(
                label="Care team",
                choices=[(key, user.full_name) for key, user in self._clinicians.items()],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="The clinicians who have this patient in their triage list (and, if "
                "the clinic limits records to the care team, who may open the record).",
            )

    def clean_care_team(self) -> list[User]:
        return [self._clinicians[key] for key in self.cleaned_data["care_team"]]

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_date_of_birth(self) -> Any:
        import datetime

        value = self.cleaned_data.get("date_of_birth")
        if value and not (datetime.date(1900, 1, 1) <= value <= datetime.date.today()):  # noqa: DTZ011
            raise forms.ValidationError("Enter a date of birth between 1900 and today.")
        return value


class PatientInviteForm(PatientDetailsForm):
    email = forms.EmailField(label="Email address", max_length=254)
    # A new record: nothing another person could have changed (None removes the parent's field).
    opened = None  # type: ignore[assignment]
    field_order = ["full_name", "email"]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class InvitationRenewForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Correct it here if the first invitation went to a wrong address.",
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class DischargeForm(forms.Form):
    on = forms.DateField(
        label="Discharge date",
        widget=IsoDateInput(),
        help_text="The day treatment ended: today or earlier.",
    )


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(
        label="Role", choices=[("clinician", "Clinician"), ("admin", "Clinic admin")]
    )

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class ClinicSettingsForm(forms.Form):
    name = forms.CharField(label="Clinic name", max_length=120)
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        help_text="IANA name, e.g. Europe/London. Days and reminders use it.",
    )
    require_staff_mfa = forms.BooleanField(
        label="Require two-factor sign-in for all staff", required=False
    )

    def clean_name(self) -> str:
        return clean_person_name(self.cleaned_data["name"])

    def clean_time_zone(self) -> str:
        value = str(self.cleaned_data["time_zone"]).strip()
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                "Enter a time zone from the IANA list, for example Europe/London."
            )
        return value
