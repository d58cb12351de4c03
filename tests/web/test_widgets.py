"""Inputs and text areas drawn in Python are exactly what Django's widget templates draw, in
every state a form puts them in; anything else is still drawn by the templates."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from sitbone.web.widgets import FormRenderer


class Sample(forms.Form):
    name = forms.CharField(max_length=20, help_text="As on your letters")
    email = forms.EmailField(required=False)
    sets = forms.IntegerField(
        min_value=0, max_value=10, widget=forms.NumberInput(attrs={"step": 1})
    )
    load = forms.DecimalField(required=False, decimal_places=1)
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date(2026, 1, 2)
    )
    when = forms.TimeField(required=False)
    completed = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    token = forms.CharField(widget=forms.HiddenInput, initial='a"b<c>&d')
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    side = forms.ChoiceField(choices=[("left", "Left"), ("right", "Right & <both>")])
    flags = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "disabled": False, "data-x": 'q"uote'}),
    )


STATES = {
    "unbound": None,
    "valid": {
        "name": "Ann O'Neil",
        "sets": "3",
        "load": "2.5",
        "day": "2026-03-04",
        "completed": "on",
        "secret": "pw",
        "token": "t",
        "notes": 'Felt <fine> & "good"\nsecond line',
        "side": "right",
    },
    "errors": {"name": "x" * 30, "sets": "eleven", "email": "nope", "day": "soon", "side": "up"},
}


@pytest.mark.parametrize("data", STATES.values(), ids=STATES.keys())
def test_every_control_matches_djangos_templates(data: dict[str, str] | None) -> None:
    fast = Sample(data, renderer=FormRenderer())
    django = Sample(data, renderer=DjangoTemplates())
    if data is not None:
        fast.is_valid()
        django.is_valid()
    for name in Sample.base_fields:
        assert str(fast[name]) == str(django[name]), name
    assert fast.as_div() == django.as_div()


def test_values_and_attributes_are_escaped_and_safe_values_kept() -> None:
    form = Sample({"name": '"><script>x</script>', "notes": "</textarea><script>"})
    form.is_valid()
    html = str(form["name"]) + str(form["notes"]) + str(form["flags"])
    assert "<script>" not in html and "</textarea><script>" not in html
    assert 'data-x="q&quot;uote"' in html and " autofocus" in html and "disabled" not in html
    kept = {"name": mark_safe("<b>kept</b>")}
    fast = str(Sample(initial=kept, renderer=FormRenderer())["name"])
    assert fast == str(Sample(initial=kept, renderer=DjangoTemplates())["name"])
    assert 'value="<b>kept</b>"' in fast


def test_other_widgets_are_drawn_by_the_templates() -> None:
    form = Sample(renderer=FormRenderer())
    assert "<option" in str(form["side"])  # a select goes through django/forms/widgets/select.html
