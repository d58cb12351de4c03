from __future__ import annotations

from django import forms

from sitbone.api.models import Scope
from sitbone.web.text import no_control_characters

EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year")]


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="What the token is for, e.g. “Practice management sync”.",
        validators=[no_control_characters],
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give only what the integration needs. Clinical records are programmes, "
        "sessions, check-ins, measures, decisions and FHIR exports. A token never reaches "
        "another clinic.",
    )
    days = forms.TypedChoiceField(
        label="Expires after", choices=EXPIRY_CHOICES, coerce=int, initial="90"
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name
