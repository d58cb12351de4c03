"""Forms for the clinician's record. Questions, tests and instruments come from the engine's data
(screen items §3.3, provocation tests §2.2–2.3, instruments §4) so the form never drifts from the
rules that judge the answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from sitbone.assessments.models import AdjunctKind, Guidance, StretchingHabit, TestOutcome
from sitbone.assessments.selectors import examination_checklists
from sitbone.engine.instruments import INSTRUMENTS
from sitbone.engine.probability import PROVOCATION_TESTS
from sitbone.engine.screening import SCREEN_ITEMS, SCREEN_PAGES
from sitbone.web.text import no_control_characters
from sitbone.web.widgets import IsoDateInput

EARLIEST = dt.date(2000, 1, 1)


def pain_input(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=10,
        help_text=help_text or "0 = no pain, 10 = worst imaginable. Leave empty if not tested.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def check_date(value: dt.date | None, today: dt.date, what: str) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= today:
        raise forms.ValidationError(f"Enter {what} between 1 January 2000 and today.")
    return value


class AssessmentForm(forms.Form):
    """History, provocation tests, examination checklists and capacity measures."""

    assessed_on = forms.DateField(
        label="Date of the assessment",
        widget=IsoDateInput(),
    )

    # Risk factors (§1.5).
    training_spike = forms.BooleanField(
        label="Rapid rise in training (volume, hills, speed or lunges) before it began",
        required=False,
    )
    previous_hamstring_injury = forms.BooleanField(
        label="Previous hamstring injury", required=False
    )
    prolonged_sitting = forms.BooleanField(
        label="Sits for long periods, especially on hard seats", required=False
    )
    stretching_habit = forms.ChoiceField(
        label="Stretching habits",
        choices=StretchingHabit.choices,
        initial=StretchingHabit.NONE,
        widget=forms.RadioSelect,
    )
    age_years = forms.IntegerField(label="Age (years)", required=False, min_value=5, max_value=120)

    # Provocation tests (§2.2) and pre-test probability (§2.3).
    pretest_percent = forms.DecimalField(
        label="Pre-test probability of PHT (%)",
        max_digits=4,
        decimal_places=1,
        help_text="Your estimate before the stretch tests; the clinic default is filled in.",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )

    # Capacity and load tests (§5.6, §6).
    slb_short_lever_pain = pain_input("Short-lever single-leg bridge ×3: pain (0–10)")
    slb_reps_left = forms.IntegerField(
        label="Single-leg bridge repetitions, left", required=False, min_value=0, max_value=300
    )
    slb_reps_right = forms.IntegerField(
        label="Single-leg bridge repetitions, right", required=False, min_value=0, max_value=300
    )
    curl_10rm_left_kg = forms.DecimalField(
        label="Prone curl 10-rep max, left (kg)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(500),
        decimal_places=1,
        max_digits=5,
    )
    curl_10rm_right_kg = forms.DecimalField(
        label="Prone curl 10-rep max, right (kg)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(500),
        decimal_places=1,
        max_digits=5,
    )
    drop_lunge_pain = pain_input("Unweighted drop lunge, painful leg forward: pain (0–10)")
    single_leg_rdl_pain = pain_input("Single-leg Romanian deadlift: pain (0–10)")
    rest_pain = pain_input("Pain at rest (0–10)")
    sport_load_pain = pain_input("Sport-specific loading: pain (0–10)")
    sitting_tolerance_minutes = forms.IntegerField(
        label="Sitting tolerance (minutes)",
        required=False,
        min_value=0,
        max_value=60,
        help_text="Minutes on a firm chair before pain reaches 3/10; 60 if no pain in an hour.",
    )
    notes = forms.CharField(
        label="Clinical notes",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        validators=[no_control_characters],
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for item in SCREEN_ITEMS.values():
            self.fields[f"screen_{item.id}"] = forms.BooleanField(
                label=item.question, required=False
            )
        for test in sorted(PROVOCATION_TESTS.values(), key=lambda t: -t.accuracy_rank):
            self.fields[test.name] = forms.ChoiceField(
                label=test.label,
                choices=TestOutcome.choices,
                required=False,
                initial="",
                widget=forms.RadioSelect,
                help_text=(
                    f"{test.procedure} LR+ {test.lr_positive}, LR− {test.lr_negative} "
                    f"({test.source})."
                ),
            )
        checklists = examination_checklists()
        self.fields["red_flags_present"] = forms.MultipleChoiceField(
            label="Red flags found on examination",
            required=False,
            choices=[(row["id"], row["label"]) for row in checklists["red_flags"]],
            widget=forms.CheckboxSelectMultiple,
            help_text="Tick only what you found. Each needs the action shown.",
        )
        self.fields["differentials_suspected"] = forms.MultipleChoiceField(
            label="Differentials still suspected",
            required=False,
            choices=[(row["id"], row["label"]) for row in checklists["differentials"]],
            widget=forms.CheckboxSelectMultiple,
        )

    def screening_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The history questions grouped by the engine's screening pages."""
        return [
            (
                page.title,
                [self[f"screen_{i.id}"] for i in SCREEN_ITEMS.values() if i.page == page.id],
            )
            for page in SCREEN_PAGES
        ]

    def test_fields(self) -> list[forms.BoundField]:
        return [
            self[t.name] for t in sorted(PROVOCATION_TESTS.values(), key=lambda t: t.accuracy_rank)
        ]

    def clean_assessed_on(self) -> dt.date | None:
        return check_date(self.cleaned_data.get("assessed_on"), self.today, "the date")

    def clean_pretest_percent(self) -> Decimal:
        value: Decimal = self.cleaned_data["pretest_percent"]
        if not Decimal(0) < value < Decimal(100):
            raise forms.ValidationError(
                "Enter a pre-test probability above 0% and below 100%, for example 50."
            )
        return value

    def engine_data(self) -> dict[str, Any]:
        """Cleaned values in the shape ``assessment_record`` takes."""
        data = dict(self.cleaned_data)
        data["screening_answers"] = {
            item_id: bool(data.pop(f"screen_{item_id}", False)) for item_id in SCREEN_ITEMS
        }
        data["pretest_probability"] = (data.pop("pretest_percent") / 100).quantize(Decimal("0.001"))
        data.pop("assessed_on", None)
        return data


class AdjunctForm(forms.Form):
    kind = forms.ChoiceField(label="Treatment", choices=AdjunctKind.choices)
    given_on = forms.DateField(label="Date given", widget=IsoDateInput())
    given_by = forms.CharField(
        label="Given by (if not you)",
        required=False,
        max_length=150,
        help_text="E.g. the sports physician who gave the injection.",
    )
    dose = forms.CharField(
        label="Dose or details",
        required=False,
        max_length=150,
        help_text="E.g. 2,500 impulses at 0.18 mJ/mm², or 3 mL.",
        validators=[no_control_characters],
    )
    guidance = forms.ChoiceField(label="Image guidance", choices=Guidance.choices, required=False)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        validators=[no_control_characters],
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_given_on(self) -> dt.date | None:
        return check_date(self.cleaned_data.get("given_on"), self.today, "the date")


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Visible to clinic staff only.",
        error_messages={"required": "Write the note before saving it."},
        validators=[no_control_characters],
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError("Write the note before saving it.")
        return text


class MeasureForm(forms.Form):
    """Base of the per-instrument forms: the date, and answers in the engine's shape."""

    definition: dict[str, Any] = {}

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_taken_on(self) -> dt.date | None:
        return check_date(self.cleaned_data.get("taken_on"), self.today, "the date")

    def answers(self) -> dict[str, Any]:
        """Item-level answers keyed by item id, as the engine's `score` command takes them."""
        result: dict[str, Any] = {}
        for item in self.definition["items"]:
            if item["kind"] == "branch_minutes":
                result[item["id"]] = {
                    "branch": self.cleaned_data[f"{item['id']}_branch"],
                    "minutes": self.cleaned_data[f"{item['id']}_minutes"],
                }
            else:
                result[item["id"]] = self.cleaned_data[item["id"]]
        return result


def measure_form_class(instrument_id: str) -> type[MeasureForm]:
    """A form for one instrument, built from the engine's definition (items as data, §4)."""
    definition = INSTRUMENTS[instrument_id].to_dict()
    fields: dict[str, Any] = {
        "taken_on": forms.DateField(label="Date taken", widget=IsoDateInput())
    }
    for item in definition["items"]:
        label = item["text"]
        if item["kind"] == "scale":
            ends = f"{item['min']} = {item.get('min_label') or 'lowest'}, "
            ends += f"{item['max']} = {item.get('max_label') or 'highest'}"
            fields[item["id"]] = forms.IntegerField(
                label=label,
                min_value=item["min"],
                max_value=item["max"],
                help_text=ends,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        elif item["kind"] == "choice":
            fields[item["id"]] = forms.TypedChoiceField(
                label=label,
                coerce=int,
                choices=[("", "Choose…")]
                + [(o["value"], f"{o['value']}: {o['label']}") for o in item["options"]],
            )
        else:
            fields[f"{item['id']}_branch"] = forms.ChoiceField(
                label=label, choices=[(o["value"], o["label"]) for o in item["options"]]
            )
            fields[f"{item['id']}_minutes"] = forms.IntegerField(
                label=item.get("minutes_label") or "Minutes",
                min_value=0,
                max_value=item.get("minutes_max", 1440),
            )
    name = "".join(part.title() for part in instrument_id.split("_")) + "Form"
    return type(name, (MeasureForm,), {**fields, "definition": definition})
