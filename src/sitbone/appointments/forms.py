"""Forms for booking and availability. Messages follow the GOV.UK pattern: say what to do."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms

from sitbone.appointments.models import (
    ALLOWED_BUFFERS,
    ALLOWED_DURATIONS,
    WEEKDAYS,
    ExceptionKind,
)
from sitbone.appointments.scheduling import CELL_MINUTES, local_instant
from sitbone.appointments.selectors import parse_slot_token
from sitbone.web.text import clean_person_name, no_control_characters
from sitbone.web.widgets import IsoDateInput

PHONE = re.compile(r"^\+?[0-9 ()\-]{6,24}$")
PHONE_DIGITS = range(6, 16)
"""How many digits a phone number has: a short local number to the 15 of an international one."""
DATE_SHAPED = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def quarter_hour_time(label: str, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        widget=forms.TimeInput(attrs={"type": "time", "step": CELL_MINUTES * 60}, format="%H:%M"),
        error_messages={
            "invalid": "Enter a time like 09:00",
            "required": f"Enter the {label.lower()}",
        },
    )


def check_quarter_hour(value: time | None) -> None:
    if value is not None and (value.minute % CELL_MINUTES or value.second):
        raise forms.ValidationError("Choose a time on the quarter hour, like 09:00 or 09:15")


def screening_from_session(session: Any) -> dict[str, Any]:
    """The symptom check's answers as the session holds them, reduced to their expected shape:
    {"answers": {item_id: bool}, "triage": str | None, "pht_likelihood": str | None};
    {} when there was no check in this session."""
    raw = session.get("sitbone_screening")
    if not isinstance(raw, dict):
        return {}
    answers = raw.get("answers")
    clean: dict[str, Any] = {
        "answers": {
            str(key)[:64]: value
            for key, value in list(answers.items())[:100]
            if isinstance(value, bool)
        }
        if isinstance(answers, dict)
        else {}
    }
    for key in ("triage", "pht_likelihood"):
        value = raw.get(key)
        if value is None or isinstance(value, str):
            clean[key] = value[:32] if value else None
    return clean


class SlotChoiceForm(forms.Form):
    """The chosen slot. The template renders the radios; this only checks the value's shape —
    whether the time is still free is the booking service's (and the database's) decision."""

    slot = forms.CharField(
        max_length=60,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose a time for the appointment"},
    )

    def clean_slot(self) -> tuple[Any, datetime]:
        parsed = parse_slot_token(self.cleaned_data["slot"])
        if parsed is None:
            raise forms.ValidationError("Choose one of the times shown")
        return parsed


class NewcomerBookingForm(SlotChoiceForm):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We email you the booking and a link to set up your account.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=24,
        required=False,
        help_text="Only used by the clinic about this appointment.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    field_order = ["slot", "full_name", "email", "phone"]

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"])

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()

    def clean_phone(self) -> str:
        value = " ".join(str(self.cleaned_data.get("phone", "")).split())
        if not value:
            return value
        digits = sum(1 for c in value if c.isdigit())
        if not PHONE.match(value) or digits not in PHONE_DIGITS:
            raise forms.ValidationError("Enter a phone number using digits, like 0412 345 678")
        if DATE_SHAPED.match(value):  # a browser's autofill put a date here, say
            raise forms.ValidationError(
                "That looks like a date. Enter a phone number, like 0412 345 678"
            )
        return value


REPEAT_CHOICES = [
    ("0", "Just this one"),
    ("1", "Every week"),
    ("2", "Every 2 weeks"),
    ("4", "Every 4 weeks"),
]


class StaffBookingForm(SlotChoiceForm):
    repeat = forms.ChoiceField(label="Repeat", choices=REPEAT_CHOICES, initial="0")
    count = forms.IntegerField(
        label="How many appointments in total",
        min_value=1,
        max_value=12,
        initial=1,
        help_text="For a repeating booking, e.g. 6 fortnightly reviews. All are booked or none.",
        error_messages={
            "required": "Enter how many appointments to book",
            "invalid": "Enter a whole number from 1 to 12",
            "min_value": "Enter a whole number from 1 to 12",
            "max_value": "Enter a whole number from 1 to 12",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("repeat") == "0" and data.get("count", 1) != 1:
            self.add_error("count", "Choose how often to repeat, or book just 1 appointment")
        if data.get("repeat") not in (None, "0") and data.get("count") == 1:
            self.add_error("count", "Enter at least 2 appointments for a repeating booking")
        return data


class SlotSearchForm(forms.Form):
    """The GET form above the slots: what kind of appointment, with whom, from which day."""

    kind = forms.ChoiceField(label="Appointment type")
    clinician = forms.ChoiceField(label="Physiotherapist", required=False)
    day = forms.DateField(
        label="Show times from",
        required=False,
        widget=IsoDateInput(),
        error_messages={"invalid": "Enter a real date, like 2026-12-03"},
    )

    def __init__(
        self,
        data: Any,
        *,
        kinds: list[tuple[str, str]],
        clinicians: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        if clinicians is None:
            del self.fields["clinician"]
        else:
            cast(forms.ChoiceField, self.fields["clinician"]).choices = [
                ("", "Any physiotherapist"),
                *clinicians,
            ]


class WorkingHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day",
        choices=WEEKDAYS,
        coerce=int,
        error_messages={"invalid_choice": "Choose a day of the week", "required": "Choose a day"},
    )
    start_time = quarter_hour_time("Start time")
    end_time = quarter_hour_time("End time")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        for name in ("start_time", "end_time"):
            try:
                check_quarter_hour(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if start and end and start >= end:
            self.add_error("end_time", "The end time must be after the start time")
        return data


class AvailabilityExceptionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of change",
        choices=ExceptionKind.choices,
        error_messages={
            "required": "Choose leave or an extra session",
            "invalid_choice": "Choose leave or an extra session",
        },
    )
    first_day = forms.DateField(
        label="Date (or first day)",
        widget=IsoDateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    last_day = forms.DateField(
        label="Last day (optional, for leave over several days)",
        required=False,
        widget=IsoDateInput(),
        error_messages={"invalid": "Enter a real date"},
    )
    start_time = quarter_hour_time("Start time (optional for whole days of leave)", required=False)
    end_time = quarter_hour_time("End time (optional for whole days of leave)", required=False)
    note = forms.CharField(
        label="Note (optional)",
        max_length=120,
        required=False,
        validators=[no_control_characters],
    )

    def __init__(self, data: Any = None, *, zone: ZoneInfo, today: date, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.zone = zone
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first: date | None = data.get("first_day")
        last: date | None = data.get("last_day") or first
        start: time | None = data.get("start_time")
        end: time | None = data.get("end_time")
        if first is None or last is None or self.errors:
            return data
        for name in ("start_time", "end_time"):
            try:
                check_quarter_hour(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if first < self.today:
            self.add_error("first_day", "Enter today or a later date")
        elif (first - self.today).days > 2 * 366:
            self.add_error("first_day", "Enter a date within the next two years")
        if last < first:
            self.add_error("last_day", "The last day must be on or after the first day")
        elif (last - first).days > 366:
            self.add_error("last_day", "Enter a period of at most a year")
        if (start is None) != (end is None):
            self.add_error(
                "end_time" if end is None else "start_time", "Enter both times, or neither"
            )
        elif start is not None and end is not None:
            if start >= end:
                self.add_error("end_time", "The end time must be after the start time")
            if last != first:
                self.add_error("last_day", "Times apply to a single day; leave the last day empty")
        elif data.get("kind") == ExceptionKind.EXTRA:
            self.add_error("start_time", "Enter the start and end time of the extra session")
        if self.errors:
            return data
        if start is not None and end is not None:
            data["starts_at"] = local_instant(first, start, self.zone)
            data["ends_at"] = local_instant(first, end, self.zone)
        else:
            data["starts_at"] = local_instant(first, time(0), self.zone)
            data["ends_at"] = local_instant(last + timedelta(days=1), time(0), self.zone)
        return data


class BookingPolicyForm(forms.Form):
    cancellation_hours = forms.IntegerField(
        label="Patients may cancel or move online until (hours before)",
        min_value=0,
        max_value=168,
    )
    max_days_ahead = forms.IntegerField(
        label="Patients may book up to (days ahead)", min_value=1, max_value=365
    )
    min_notice_hours = forms.IntegerField(
        label="Shortest notice for an online booking (hours)", min_value=0, max_value=168
    )
    buffer_minutes = forms.TypedChoiceField(
        label="Gap kept free after each appointment",
        choices=[(m, f"{m} minutes") for m in ALLOWED_BUFFERS],
        coerce=int,
    )


class AppointmentTypeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=80)
    duration_minutes = forms.TypedChoiceField(
        label="Length",
        choices=[(m, f"{m} minutes") for m in ALLOWED_DURATIONS],
        coerce=int,
    )
    for_newcomers = forms.BooleanField(label="New patients can book it online", required=False)
    patient_bookable = forms.BooleanField(label="Patients can book it in the app", required=False)
    is_active = forms.BooleanField(label="Offered", required=False)

    def clean_name(self) -> str:
        return clean_person_name(self.cleaned_data["name"])
