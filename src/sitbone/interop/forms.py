from __future__ import annotations

from django import forms

from sitbone.interop.models import ErasureMode
from sitbone.web.text import no_control_characters


class RetentionForm(forms.Form):
    erasure_mode = forms.ChoiceField(
        label="When you confirm a patient's request to erase their data",
        choices=ErasureMode.choices,
        widget=forms.RadioSelect,
        help_text="Check what the law where you work requires you to keep.",
    )


class ErasureAskForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand this cannot be undone",
        help_text="Once the clinic confirms, your Sitbone record and account are erased and "
        "cannot be brought back.",
        error_messages={"required": "Tick the box to show you understand what erasure means."},
    )


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("confirm", "Erase now"), ("decline", "Decline")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason for declining (shown to the patient)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters],
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not str(data.get("reason") or "").strip():
            self.add_error("reason", "Say why you are declining.")
        return data
