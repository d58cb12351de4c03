"""Which questionnaires are due, and the one-question-per-screen flow for them.

Schedule (issue 4): VISA-H and LEFS at baseline, then every 4 weeks, and at discharge; the GROC at
each 4-weekly review once treatment has started (it asks about change since the start, clinical-
brief §4.6). Items, options and scoring are the engine's (``sitbone.engine.instruments``,
clinical-brief §4.1, §4.4, §4.6); the web layer only asks and stores answers in the session
until the person submits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase

from sitbone.engine.instruments import InstrumentDefinition, Item, ItemKind, instrument_definition
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient

PATIENT_INSTRUMENTS = ("visa_h", "lefs", "groc")
REVIEW_EVERY = dt.timedelta(weeks=4)
SESSION_PREFIX = "sitbone_questionnaire_"


@dataclass(frozen=True)
class Due:
    definition: InstrumentDefinition
    why: str
    last: MeasureResult | None


def questionnaires_status(*, patient: Patient, today: dt.date) -> tuple[list[Due], list[Due]]:
    """(due now, not due yet) for the patient's questionnaires."""
    latest: dict[str, MeasureResult] = {}
    earliest: MeasureResult | None = None
    for result in MeasureResult.objects.filter(
        patient=patient, instrument__in=PATIENT_INSTRUMENTS
    ).order_by("taken_on", "id"):
        latest[result.instrument] = result
        if result.instrument != "groc" and earliest is None:
            earliest = result
    due: list[Due] = []
    later: list[Due] = []
    discharged = patient.discharged_on
    for instrument in PATIENT_INSTRUMENTS:
        definition = instrument_definition(instrument)
        last = latest.get(instrument)
        why = _why_due(instrument, last, earliest, today, discharged)
        (due if why else later).append(Due(definition, why or _next_due(last, earliest), last))
    return due, later


def _why_due(
    instrument: str,
    last: MeasureResult | None,
    earliest: MeasureResult | None,
    today: dt.date,
    discharged: dt.date | None,
) -> str:
    if discharged and (last is None or last.taken_on < discharged):
        return "At the end of your treatment"
    if instrument == "groc":
        if earliest is None or today - earliest.taken_on < REVIEW_EVERY:
            return ""
        if last is None or today - last.taken_on >= REVIEW_EVERY:
            return "Review: how much have things changed since you started?"
        return ""
    if last is None:
        return "First time: this is your starting point"
    if today - last.taken_on >= REVIEW_EVERY:
        return "4 weeks since your last one"
    return ""


def _next_due(last: MeasureResult | None, earliest: MeasureResult | None) -> str:
    anchor = last or earliest
    if anchor is None:
        return "After your first questionnaires"
    return f"Next due on {anchor.taken_on + REVIEW_EVERY:%-d %B}"


def session_key(instrument: str) -> str:
    return f"{SESSION_PREFIX}{instrument}"


def saved_answers(session: SessionBase, instrument: str) -> dict[str, Any]:
    raw = session.get(session_key(instrument))
    return dict(raw) if isinstance(raw, dict) else {}


def save_answer(session: SessionBase, instrument: str, item_id: str, value: Any) -> None:
    answers = saved_answers(session, instrument)
    answers[item_id] = value
    session[session_key(instrument)] = answers


def clear_answers(session: SessionBase, instrument: str) -> None:
    session.pop(session_key(instrument), None)


def first_missing(definition: InstrumentDefinition, answers: dict[str, Any]) -> int | None:
    """1-based number of the first unanswered question, or None when all are answered."""
    for number, item in enumerate(definition.items, start=1):
        if item.id not in answers:
            return number
    return None


def answer_label(item: Item, value: Any) -> str:
    """The answer as the person chose it, for "Check your answers"."""
    if item.kind is ItemKind.SCALE:
        return f"{value} out of {item.max}"
    if item.kind is ItemKind.BRANCH_MINUTES and isinstance(value, dict):
        branch = next((o.label for o in item.options if o.value == value.get("branch")), "")
        return f"{branch}; {value.get('minutes')} minutes"
    return next((o.label for o in item.options if o.value == value), str(value))


class ItemForm(forms.Form):
    """One question of an engine instrument."""

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        message = "Choose an answer to continue"
        if item.kind is ItemKind.SCALE:
            self.fields["answer"] = forms.TypedChoiceField(
                label=item.text,
                choices=[(str(v), str(v)) for v in range(item.min, item.max + 1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose a number from {item.min} to {item.max}",
                    "invalid_choice": f"Choose a whole number from {item.min} to {item.max}",
                },
            )
        elif item.kind is ItemKind.CHOICE:
            self.fields["answer"] = forms.TypedChoiceField(
                label=item.text,
                choices=[(str(o.value), o.label) for o in item.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        else:
            self.fields["branch"] = forms.ChoiceField(
                label=item.text,
                choices=[(str(o.value), o.label) for o in item.options],
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
            self.fields["minutes"] = forms.IntegerField(
                label=item.minutes_label or "Minutes",
                min_value=0,
                max_value=1440,
                help_text="Enter 0 if you cannot train or take part at all.",
                widget=forms.NumberInput(attrs={"class": "input-short", "inputmode": "numeric"}),
                error_messages={
                    "required": "Enter the minutes, or 0",
                    "invalid": "Enter the minutes as a whole number, like 20",
                    "min_value": "Minutes cannot be less than 0",
                    "max_value": "Enter no more than 1440 minutes (a whole day)",
                },
            )

    def value(self) -> Any:
        if "answer" in self.cleaned_data:
            return self.cleaned_data["answer"]
        return {"branch": self.cleaned_data["branch"], "minutes": self.cleaned_data["minutes"]}

    @staticmethod
    def initial_for(item: Item, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if item.kind is ItemKind.BRANCH_MINUTES and isinstance(value, dict):
            return {"branch": value.get("branch"), "minutes": value.get("minutes")}
        return {"answer": str(value)}
