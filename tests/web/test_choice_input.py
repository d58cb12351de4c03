"""`choice_input` draws the same option `<input>` as Django's widget templates, attribute for
attribute, in every state a form can put it in."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from sitbone.web.templatetags.fields import choice_input


class _Input(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "input"
        self.inputs.append(dict(attrs))


def attributes(html: str) -> dict[str, str | None]:
    parser = _Input()
    parser.feed(html)
    assert len(parser.inputs) == 1, html
    return parser.inputs[0]


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
            assert attributes(choice_input(choice)) == attributes(choice.tag())
            drawn += 1
    assert drawn == 11 + 2 + 2


def test_values_are_escaped() -> None:
    form = Sample({"optional": '"><script>'})
    html = "".join(choice_input(choice) for choice in form["optional"])
    assert "<script>" not in html
