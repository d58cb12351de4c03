from __future__ import annotations

from django import forms

from sitbone.reports.models import Audience
from sitbone.web.text import no_control_characters


class ProgressReportForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is the report for?", choices=Audience.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label="Your summary",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Printed as written at the top of the report: progress, plan, what you need.",
        validators=[no_control_characters],
    )

    def clean_summary(self) -> str:
        text = str(self.cleaned_data["summary"]).strip()
        if not text:
            raise forms.ValidationError("Write a short summary for the report.")
        return text
