"""Forms for the symptom check (yes/no questions) and for signing up after it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from sitbone.clinics.models import Clinic
from sitbone.engine.screening import ScreenItem
from sitbone.web.text import clean_person_name

YES_NO = (("yes", "Yes"), ("no", "No"))


class CheckPageForm(forms.Form):
    """One page of the engine's yes/no questions; every question needs an answer."""

    def __init__(self, *args: Any, items: tuple[ScreenItem, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[item.id] = forms.ChoiceField(
                label=item.question,
                help_text=item.hint or "",
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select yes or no: {item.question}",
                    "invalid_choice": f"Select yes or no: {item.question}",
                },
            )

    def answers(self) -> dict[str, bool]:
        return {name: value == "yes" for name, value in self.cleaned_data.items()}


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="You will sign in with this, and reminders go to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        },
    )
    clinic = forms.ChoiceField(
        label="Which clinic will look after you?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the clinic that will look after you",
            "invalid_choice": "Select one of the clinics listed",
        },
    )
    affected_side = forms.ChoiceField(
        label="Which side hurts?",
        choices=(("left", "Left"), ("right", "Right"), ("both", "Both sides")),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which side hurts",
            "invalid_choice": "Select left, right or both sides",
        },
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A phrase of a few words works well.",
        error_messages={"required": "Choose a password"},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"},
    )
    consent = forms.BooleanField(
        label="I agree that the clinic keeps my symptom-check answers and my exercise diary in "
        "my record, to look after me.",
        error_messages={"required": "Tick the box to agree, or you cannot create an account"},
    )

    def __init__(self, *args: Any, clinics: list[Clinic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinics = {str(clinic.public_id): clinic for clinic in clinics}
        if len(clinics) == 1:
            del self.fields["clinic"]
        else:
            field = self.fields["clinic"]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = [(key, c.name) for key, c in self.clinics.items()]

    def clean_full_name(self) -> str:
        return clean_person_name(self.cleaned_data["full_name"], own=True)

    def chosen_clinic(self) -> Clinic:
        if "clinic" not in self.fields:
            return next(iter(self.clinics.values()))
        return self.clinics[self.cleaned_data["clinic"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match")
        elif first:
            from sitbone.accounts.models import User

            probe = User(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
