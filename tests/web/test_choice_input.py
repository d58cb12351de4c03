"""`choice_input` draws exactly the option `<input>` Django's widget templates draw, character
for character, in every state a form can put it in."""

from __future__ import annotations

import pytest
from django import forms

from sitbone.web.templatetags.fields import choice_input


class Sample(forms.Form):
    pain = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="How much does it hurt?",
    )
    optional = forms.ChoiceField(
        choices=[("a", "A"), ("b", 'B "quoted" & <tagged>')],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "radio-input", "data-x": "1"}),
    )
    scopes = forms.MultipleChoiceField(
        choices=[("patients:read", "Read"), ("clinical:read", "Clinical")],
        widget=forms.CheckboxSelectMultiple,
    )


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound: nothing checked, required attributes
        {"pain": "3", "optional": "b", "scopes": ["clinical:read"]},  # valid, some checked
        {"pain": "11", "scopes": ["nope"]},  # errors: aria-invalid
    ],
    ids=["unbound", "checked", "errors"],
)
def test_every_option_matches_djangos_own_rendering(data: dict[str, object] | None) -> None:
    form = Sample(data)
    if data is not None:
        form.is_valid()
    drawn = 0
    for name in ("pain", "optional", "scopes"):
        for choice in form[name]:
            assert choice_input(choice) == choice.tag()
            drawn += 1
    assert drawn == 11 + 2 + 2


def test_values_are_escaped() -> None:
    form = Sample({"optional": '"><script>'})
    html = "".join(choice_input(choice) for choice in form["optional"])
    assert "<script>" not in html
