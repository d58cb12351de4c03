"""`{% form_field %}`: one field, GOV.UK style, with its label or legend, hint and errors tied to
the control for assistive technology, and every text escaped."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class Sample(forms.Form):
    pain = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        label="Pain <now>",
        help_text="0 to 10",
    )
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree", help_text="You can change this later")
    minutes = forms.IntegerField(min_value=0, help_text="Whole minutes")


def draw(field: forms.BoundField, args: str = "") -> str:
    return Template("{% load fields %}{% form_field field " + args + " %}").render(
        Context({"field": field})
    )


def test_a_pain_scale_is_a_described_fieldset_of_labelled_radios() -> None:
    html = draw(Sample()["pain"], "scale=True large=True")
    assert '<fieldset class="fieldset" aria-describedby="id_pain_helptext id_pain-ends">' in html
    assert '<legend class="legend-large">Pain &lt;now&gt;</legend>' in html
    assert '<p class="hint" id="id_pain_helptext">0 to 10</p>' in html
    assert '<div class="scale">' in html
    assert html.count('<div class="radio"><input type="radio" name="pain"') == 11
    assert '<label for="id_pain_10">10</label>' in html
    assert "<span>0 = no pain</span><span>10 = worst pain you can imagine</span>" in html


def test_an_invalid_choice_names_its_error_and_other_ends_replace_the_pain_wording() -> None:
    form = Sample({"pain": "12"})
    form.is_valid()
    html = draw(form["pain"], 'scale=True ends_min="0 = never" ends_max="10 = always"')
    assert '<div class="field field-error">' in html
    assert 'aria-describedby="id_pain_helptext id_pain-ends id_pain_error"' in html
    assert '<p class="error-message" id="id_pain_error">' in html and "Select a valid" in html
    assert "<span>0 = never</span><span>10 = always</span>" in html


def test_checkbox_lists_lay_out_inline_and_a_single_checkbox_has_its_label_after_it() -> None:
    form = Sample()
    days = draw(form["days"], "inline=True")
    assert '<div class="radios radios-inline">' in days
    assert days.count('<div class="check"><input type="checkbox" name="days"') == 2
    assert '<fieldset class="fieldset">' in days  # no hint, no error: nothing to point to
    agree = draw(form["agree"])
    assert '<div class="check"><input type="checkbox" name="agree"' in agree
    assert agree.index('<label for="id_agree">I agree</label>') < agree.index('class="hint"')


def test_a_text_control_has_its_label_hint_and_error_before_it() -> None:
    form = Sample({"minutes": "-3"})
    form.is_valid()
    html = draw(form["minutes"])
    label, hint, error, control = (
        html.index('<label for="id_minutes">'),
        html.index('id="id_minutes_helptext"'),
        html.index('id="id_minutes_error"'),
        html.index('<input type="number" name="minutes" value="-3"'),
    )
    assert label < hint < error < control
    assert 'aria-invalid="true"' in html
