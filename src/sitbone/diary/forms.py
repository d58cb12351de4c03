"""Forms for the patient's diary. Every bad value gets a plain message and nothing is written.

Pain is the numeric pain rating scale 0–10 (clinical-brief §4.3), asked as a radio group with
labelled ends rather than a slider (quality-targets D.1).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from sitbone.diary.models import Activity, Seat
from sitbone.programmes.models import ProgrammeExercise
from sitbone.web.text import no_control_characters

PAIN_CHOICES = [(str(value), str(value)) for value in range(11)]
DAY_CHOICES = (("today", "Today"), ("yesterday", "Yesterday"))
WEEKDAYS = (
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
)

SEAT_SETUP = (
    ("cushion", "I used a cushion, pad or folded towel under my thighs"),
    ("hips_above_knees", "My hips were a little higher than my knees"),
    ("legs_uncrossed", "I kept my legs uncrossed"),
    ("firm_high_seat", "I avoided a low, deep or soft seat"),
    ("shifted_weight", "I shifted my weight now and then"),
    ("breaks", "I stood up at least every 30 to 60 minutes"),
)
"""The seat set-up checklist (clinical-brief §5.2: cushion, hips above knees, no crossed legs,
avoid deep low soft seats, shift weight, break up sitting)."""

SEAT_SETUP_ADVICE = (
    "Sit on a cushion or pad, or put a folded towel under your upper thighs.",
    "Keep your hips a little higher than your knees: raise the seat if you can.",
    "Keep your legs uncrossed.",
    "Avoid low, deep or soft seats.",
    "Shift your weight from side to side now and then.",
    "Stand up at least every 30 to 60 minutes.",
)


def pain_field(
    label: str, *, required: bool = True, help_text: str = "", who: str = ""
) -> forms.Field:
    """`who` names the exercise in error messages when the label alone would be ambiguous."""
    name = f"{who}: {label.lower()}" if who else label
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=PAIN_CHOICES,
        coerce=int,
        required=required,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"{name}: choose a number from 0 (no pain) to 10",
            "invalid_choice": f"{name}: pain must be a whole number from 0 to 10",
        },
    )


def count_field(
    label: str,
    *,
    low: int,
    high: int,
    required: bool = True,
    help_text: str = "",
    who: str = "",
) -> forms.IntegerField:
    name = f"{who}: {label.lower()}" if who else label
    message = f"{name}: enter a whole number from {low} to {high}"
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        required=required,
        widget=forms.NumberInput(attrs={"class": "input-short", "inputmode": "numeric"}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


def day_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=DAY_CHOICES,
        initial="today",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select today or yesterday",
            "invalid_choice": "Select today or yesterday",
        },
    )


class SessionLogForm(forms.Form):
    """One loading session: per exercise what was done and the pain during it, then the pain
    after. The hidden idempotency key (a UUID made when the form was drawn) makes a double
    submit or a retry store one session."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    day = day_field("When did you do this session?")
    pain_after = pain_field(
        "Pain after the session",
        help_text="How much does the sore tendon hurt now, after finishing?",
    )
    completed = forms.BooleanField(
        label="I finished the whole session", required=False, initial=True
    )
    notes = forms.CharField(
        label="Anything to tell your physio? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
        error_messages={"max_length": "Notes must be 1,000 characters or fewer"},
    )

    def __init__(
        self, *args: Any, exercises: list[ProgrammeExercise], names: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.exercises = exercises
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        for index, item in enumerate(exercises):
            name = names.get(item.exercise_id, item.exercise_id)
            key = f"ex{index}"
            self.fields[f"{key}-sets"] = count_field(
                "Sets done", low=0, high=20, help_text=f"Planned: {item.sets}", who=name
            )
            self.initial.setdefault(f"{key}-sets", item.sets)
            if item.hold_seconds:
                self.fields[f"{key}-hold"] = count_field(
                    "Seconds held", low=0, high=600, help_text="Per hold", who=name
                )
                self.initial.setdefault(f"{key}-hold", item.hold_seconds)
            else:
                self.fields[f"{key}-reps"] = count_field(f"{name}: reps per set", low=0, high=100)
                self.initial.setdefault(f"{key}-reps", item.reps)
            self.fields[f"{key}-load"] = forms.CharField(
                label="Load or effort",
                required=False,
                max_length=60,
                validators=[no_control_characters],
                widget=forms.TextInput(attrs={"class": "input-medium"}),
                error_messages={"max_length": f"{name}: load must be 60 characters or fewer"},
            )
            self.initial.setdefault(f"{key}-load", item.load)
            self.fields[f"{key}-pain"] = pain_field(
                "Pain during",
                who=name,
                required=False,
                help_text="Leave empty if you skipped this exercise (0 sets).",
            )
        self.order_fields(
            ["idempotency_key", "day"]
            + [name for name in self.fields if name.startswith("ex")]
            + ["pain_after", "completed", "notes"]
        )

    def clean_idempotency_key(self) -> str:
        raw = self.cleaned_data["idempotency_key"]
        try:
            return uuid.UUID(raw).hex
        except ValueError as error:
            raise forms.ValidationError(
                "This form has expired. Reload the page and enter the session again."
            ) from error

    def exercise_fields(self) -> list[tuple[ProgrammeExercise, list[forms.BoundField]]]:
        """Each programme exercise with its bound fields, for the template."""
        return [
            (item, [self[name] for name in self.fields if name.startswith(f"ex{index}-")])
            for index, item in enumerate(self.exercises)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.exercises:
            raise forms.ValidationError("Your programme has no exercises to log yet")
        if not any(data.get(f"ex{index}-sets") for index in range(len(self.exercises))):
            raise forms.ValidationError(
                "Enter at least one set done, or come back when you have done the session"
            )
        for index in range(len(self.exercises)):
            key = f"ex{index}"
            if (
                data.get(f"{key}-sets")
                and data.get(f"{key}-pain") is None
                and (f"{key}-pain" not in self.errors)
            ):
                field = self.fields[f"{key}-pain"]
                self.add_error(f"{key}-pain", field.error_messages["required"])
        return data

    def entries(self) -> list[dict[str, Any]]:
        """The exercises done (at least one set), as session entries."""
        rows = []
        for index, item in enumerate(self.exercises):
            key = f"ex{index}"
            if not self.cleaned_data[f"{key}-sets"]:
                continue
            rows.append(
                {
                    "exercise_id": item.exercise_id,
                    "sets_done": self.cleaned_data[f"{key}-sets"],
                    "reps": self.cleaned_data.get(f"{key}-reps"),
                    "hold_seconds": self.cleaned_data.get(f"{key}-hold"),
                    "load": self.cleaned_data.get(f"{key}-load", ""),
                    "pain_during": self.cleaned_data[f"{key}-pain"],
                }
            )
        return rows


class MorningCheckForm(forms.Form):
    pain = pain_field(
        "Pain during the 3 bridges",
        help_text="Score the pain at your sitting bone while you did them.",
    )
    stiffness_minutes = count_field(
        "Morning stiffness, in minutes",
        low=0,
        high=600,
        help_text="How long did the buttock feel stiff after you got up? Enter 0 if it did not.",
    )


class SittingLogForm(forms.Form):
    minutes_to_pain = count_field(
        "Minutes before the pain reached 3 out of 10",
        low=0,
        high=60,
        help_text="Sit on the same seat each time. If you sat for an hour without reaching 3, "
        "enter 60.",
    )
    seat = forms.ChoiceField(
        label="What did you sit on?",
        choices=Seat.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you sat on",
            "invalid_choice": "Select one of the seats listed",
        },
    )
    pain_after = pain_field("Pain when you stood up (optional)", required=False)
    setup = forms.MultipleChoiceField(
        label="Seat set-up: tick what you did",
        choices=SEAT_SETUP,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Tick only the steps listed"},
    )


class CrossTrainingForm(forms.Form):
    day = day_field("When was it?")
    activity = forms.ChoiceField(
        label="What did you do?",
        choices=Activity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you did",
            "invalid_choice": "Select one of the activities listed",
        },
    )
    minutes = count_field("How many minutes?", low=1, high=600)
    pain_during = pain_field("Pain during it")


class RunLogForm(forms.Form):
    day = day_field("When did you run?")
    minutes = count_field("How many minutes in total, walking breaks included?", low=1, high=600)
    ladder_step = forms.TypedChoiceField(
        label="Which step of the walk–run plan?",
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select,
        error_messages={"invalid_choice": "Select a step from the list"},
    )
    pain_during = pain_field("Pain during the run")
    pain_after = pain_field("Pain after the run")

    def __init__(self, *args: Any, steps: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ladder_step"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "Not on the walk–run plan")] + [
            (str(number), f"Step {number}: {title}") for number, title in steps
        ]


class NextMorningPainForm(forms.Form):
    next_morning_pain = pain_field("Pain the next morning")


class ReminderPreferenceForm(forms.Form):
    session_time = forms.TimeField(
        label="Exercise reminder time (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "class": "input-medium"}),
        help_text="Leave empty for no exercise reminder.",
        error_messages={"invalid": "Enter a time like 07:30 or 18:00"},
    )
    session_days = forms.MultipleChoiceField(
        label="On which days?",
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Tick only days of the week"},
    )
    checkin_time = forms.TimeField(
        label="Morning check-in reminder time (optional)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "class": "input-medium"}),
        help_text="Sent on mornings after you logged a session, if you have not checked in yet.",
        error_messages={"invalid": "Enter a time like 07:30"},
    )
    email_enabled = forms.BooleanField(label="Send reminders by email", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("session_time") and not data.get("session_days"):
            self.add_error("session_days", "Tick at least one day for the exercise reminder")
        return data
