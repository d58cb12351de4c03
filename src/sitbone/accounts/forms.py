from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from sitbone.web.text import clean_person_name


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A phrase of a few words works well.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"], own=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            from sitbone.accounts.models import User

            probe = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
