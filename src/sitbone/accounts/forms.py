from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation

from sitbone.api import ratelimit
from sitbone.web.http import AuthenticatedHttpRequest
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


EMAIL_CHANGE_RATE = "5/3600"
"""Links a person may ask for in an hour: each is an email sent to an address they typed."""


class EmailChangeForm(forms.Form):
    """A new sign-in address, asked for with the account's password (a phone left signed in is
    not enough to move the account to someone else's address)."""

    email = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: AuthenticatedHttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if email == self.request.user.email.lower():
            raise forms.ValidationError("That is the address you sign in with already.")
        return email

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        user = self.request.user
        # through the sign-in backends, so wrong guesses count towards the lockout as at sign-in
        if authenticate(self.request, email=user.email, password=password) != user:
            raise forms.ValidationError("That is not your password.")
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:  # a link will be sent: count it
            bucket = f"email-change:{self.request.user.public_id}"
            wait = ratelimit.hit(bucket, EMAIL_CHANGE_RATE)
            if wait is not None:
                raise forms.ValidationError(
                    "You have asked for several links already. "
                    f"Try again in {ratelimit.minutes(wait)} minutes."
                )
        return data
