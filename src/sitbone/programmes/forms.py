"""Programme editor, threshold overrides and the approval form.

Dose limits here are the database's (what can be stored); whether a threshold is clinically
allowed is the engine's call (``Thresholds``), so its message is the one the clinician sees.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from sitbone.engine.thresholds import THRESHOLD_SPECS
from sitbone.programmes.selectors import exercise_choices, exercise_name
from sitbone.web.text import control_character_message, no_control_characters


class ExerciseRowForm(forms.Form):
    exercise_id = forms.ChoiceField(label="Exercise")
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=20)
    reps = forms.IntegerField(label="Reps", min_value=1, max_value=100, required=False)
    hold_seconds = forms.IntegerField(
        label="Hold (seconds)", min_value=1, max_value=600, required=False
    )
    load = forms.CharField(
        label="Load", max_length=60, required=False, help_text="E.g. 70% effort, 12RM, 20 kg."
    )
    rest_seconds = forms.IntegerField(label="Rest (seconds)", min_value=0, max_value=600)
    remove = forms.BooleanField(label="Remove this exercise", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        exercise = cast(forms.ChoiceField, self.fields["exercise_id"])
        exercise.choices = [("", "Choose an exercise…"), *exercise_choices()]
        for name in ("sets", "reps", "hold_seconds", "rest_seconds"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    @property
    def title(self) -> str:
        value = self["exercise_id"].value()
        return exercise_name(str(value)) if value else "Add an exercise"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove"):
            return data
        if data.get("exercise_id") and not (data.get("reps") or data.get("hold_seconds")):
            raise forms.ValidationError("Give the repetitions or the hold time for this exercise.")
        if hidden := control_character_message(str(data.get("load") or "")):
            self.add_error("load", hidden)
        return data


class BaseExerciseFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        kept = [
            form.cleaned_data["exercise_id"]
            for form in self.forms
            if form.cleaned_data.get("exercise_id") and not form.cleaned_data.get("remove")
        ]
        if not kept:
            raise forms.ValidationError("A programme needs at least one exercise.")
        if len(kept) != len(set(kept)):
            raise forms.ValidationError(
                "An exercise appears twice; change its dose in one row instead."
            )

    def exercises(self) -> list[dict[str, Any]]:
        return [
            {
                "exercise_id": f.cleaned_data["exercise_id"],
                "sets": f.cleaned_data["sets"],
                "reps": f.cleaned_data.get("reps"),
                "hold_seconds": f.cleaned_data.get("hold_seconds"),
                "load": f.cleaned_data.get("load") or "",
                "rest_seconds": f.cleaned_data["rest_seconds"],
            }
            for f in self.forms
            if f.cleaned_data.get("exercise_id") and not f.cleaned_data.get("remove")
        ]


ExerciseFormSet = forms.formset_factory(
    ExerciseRowForm, formset=BaseExerciseFormSet, extra=1, max_num=30, validate_max=True
)


class ProgrammeForm(forms.Form):
    stage = forms.TypedChoiceField(
        label="Stage",
        coerce=int,
        choices=[
            (1, "1 — isometric"),
            (2, "2 — isotonic, little hip flexion"),
            (3, "3 — isotonic, more hip flexion"),
            (4, "4 — energy storage and running"),
        ],
    )
    sessions_per_week = forms.IntegerField(label="Sessions a week", min_value=1, max_value=14)
    reason = forms.CharField(
        label="Why this change",
        max_length=300,
        help_text="Kept with this version, e.g. “Sets 3 → 4: green for two weeks”.",
    )

    def clean_reason(self) -> str:
        reason = " ".join(str(self.cleaned_data["reason"]).split())
        if not reason:
            raise forms.ValidationError("Say in a few words why the programme changes.")
        no_control_characters(reason)
        return reason


class ThresholdsForm(forms.Form):
    """One optional field per engine threshold; empty means "use the value underneath": the
    clinic's for a patient (``inherited="Clinic value"``), Sitbone's default for a clinic."""

    def __init__(
        self,
        *args: Any,
        clinic_values: dict[str, Any],
        inherited: str = "Clinic value",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for spec in THRESHOLD_SPECS:
            current = clinic_values.get(spec.name, spec.default)
            shown = "none" if current is None else current
            help_text = f"{spec.summary} {inherited}: {shown}. Allowed: {spec.low} to {spec.high}."
            label = spec.name.replace("_", " ").capitalize()
            if isinstance(spec.low, Decimal):
                self.fields[spec.name] = forms.DecimalField(
                    label=label,
                    required=False,
                    help_text=help_text,
                    widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                )
            else:
                self.fields[spec.name] = forms.IntegerField(
                    label=label,
                    required=False,
                    help_text=help_text,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )

    def overrides(self) -> dict[str, Any]:
        """The values given, as JSON the engine reads (Decimals travel as JSON numbers)."""
        return {
            name: float(value) if isinstance(value, Decimal) else value
            for name, value in self.cleaned_data.items()
            if value is not None
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the stage change"), ("decline", "Decline it")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note for the patient",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The patient sees this with your decision.",
        validators=[no_control_characters],
    )

    def clean_note(self) -> str:
        note = str(self.cleaned_data.get("note") or "").strip()
        return note

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not data.get("note"):
            self.add_error("note", "Tell the patient why you declined, in a sentence.")
        return data
