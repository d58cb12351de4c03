"""Forms of the patient's own app that are about the record rather than the diary."""

from __future__ import annotations

from django import forms

from sitbone.patients.models import EQUIPMENT_CHOICES


class EquipmentForm(forms.Form):
    equipment = forms.MultipleChoiceField(
        label="What do you have?",
        choices=EQUIPMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everything you can use for your exercises, at home or at the gym.",
        error_messages={"invalid_choice": "Tick only equipment from the list"},
    )
