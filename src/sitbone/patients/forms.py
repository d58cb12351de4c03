"""Forms of the patient's own app that are about the record rather than the diary."""

from __future__ import annotations

from django import forms

from sitbone.patients.models import EQUIPMENT_CHOICES


def equipment_field(*, label: str, help_text: str) -> forms.MultipleChoiceField:
    """A tick box for each piece of the engine's equipment (the patient's, or staff's form)."""
    return forms.MultipleChoiceField(
        label=label,
        choices=EQUIPMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": "Tick only equipment from the list"},
    )


class EquipmentForm(forms.Form):
    equipment = equipment_field(
        label="What do you have?",
        help_text="Tick everything you can use for your exercises, at home or at the gym.",
    )
