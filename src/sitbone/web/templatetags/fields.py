"""Form fields drawn in Python where Django would run templates per field and per option.

A 0–10 pain scale is eleven radio buttons; a session log has one per exercise, so the session
page drew some seventy option templates inside twenty field templates, and that was most of the
cost of the page. `{% form_field %}` writes a whole field, GOV.UK style, and `choice_input` one
option's `<input>` from the option's own data (type, name, value, id, checked, required, aria
attributes), as every other input is drawn (`sitbone.web.widgets`)."""

from __future__ import annotations

import uuid

from django import template
from django.forms import BoundField
from django.forms.boundfield import BoundWidget
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from sitbone.web.widgets import input_html

register = template.Library()


@register.filter
def choice_input(choice: BoundWidget) -> SafeString:
    """`{{ choice|choice_input }}` is `{{ choice.tag }}` without the template round trip: the
    same attributes in the same order (type, name, value, then the widget's own)."""
    return input_html(choice.data)


_CHOICE_WIDGETS = frozenset({"radioselect", "checkboxselectmultiple"})


def _errors(field: BoundField) -> SafeString:
    """All of a field's errors in the one element its `aria-describedby` names (an id is
    unique, so two errors cannot each have it)."""
    if not field.errors:
        return SafeString()
    return format_html(
        '<p class="error-message" id="{}_error"><span class="visually-hidden">Error:</span> {}</p>',
        field.auto_id,
        " ".join(str(error) for error in field.errors),
    )


def _hint(field: BoundField) -> SafeString:
    if not field.help_text:
        return SafeString()
    return format_html('<p class="hint" id="{}_helptext">{}</p>', field.auto_id, field.help_text)


def _choices(
    field: BoundField,
    *,
    scale: bool,
    inline: bool,
    large: bool,
    ends_min: str,
    ends_max: str,
) -> SafeString:
    """Radio groups and checkbox lists: a fieldset with a legend, one labelled input each."""
    described = " ".join(
        f"{field.auto_id}{suffix}"
        for suffix, cited in (
            ("_helptext", field.help_text),
            ("-ends", scale),
            ("_error", field.errors),
        )
        if cited
    )
    kind = "radio" if field.widget_type == "radioselect" else "check"
    ends = SafeString()
    if scale:
        ends = format_html(
            '\n    <p class="scale-ends" id="{}-ends"><span>{}</span><span>{}</span></p>',
            field.auto_id,
            ends_min or "0 = no pain",
            ends_max or "10 = worst pain you can imagine",
        )
    return format_html(
        '\n<div class="field{}">\n  <fieldset class="fieldset"{}>\n    <legend{}>{}</legend>'
        '\n    {}\n    {}\n    <div class="{}">{}\n    </div>{}\n  </fieldset>\n</div>\n',
        " field-error" if field.errors else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        SafeString(' class="legend-large"') if large else "",
        field.label,
        _hint(field),
        _errors(field),
        "scale" if scale else "radios radios-inline" if inline else "radios",
        format_html_join(
            "",
            '\n        <div class="{}">{}<label for="{}">{}</label></div>',
            ((kind, choice_input(c), c.id_for_label, c.choice_label) for c in field),
        ),
        ends,
    )


@register.simple_tag
def form_field(
    field: BoundField,
    *,
    scale: bool = False,
    inline: bool = False,
    large: bool = False,
    ends_min: str = "",
    ends_max: str = "",
) -> SafeString:
    """One form field, GOV.UK style: label or legend, hint, error, then the control. Radio groups
    and checkbox lists are fieldsets (`inline=True` lays them out in a row, `large=True` makes
    the legend a heading); `scale=True` draws a 0–10 pain scale with its two ends explained
    (`ends_min`, `ends_max` replace the pain wording)."""
    if field.widget_type in _CHOICE_WIDGETS:
        return _choices(
            field, scale=scale, inline=inline, large=large, ends_min=ends_min, ends_max=ends_max
        )
    error_class = " field-error" if field.errors else ""
    if field.widget_type == "checkbox":
        return format_html(
            '\n<div class="field{}">\n  {}\n  <div class="check">{}<label for="{}">{}</label></div>'
            "\n  {}\n</div>\n",
            error_class,
            _errors(field),
            str(field),
            field.id_for_label,
            field.label,
            _hint(field),
        )
    return format_html(
        '\n<div class="field{}">\n  <label for="{}">{}</label>\n  {}\n  {}\n  {}\n</div>\n',
        error_class,
        field.id_for_label,
        field.label,
        _hint(field),
        _errors(field),
        str(field),
    )


@register.simple_tag
def idempotency_field() -> SafeString:
    """`{% idempotency_field %}`: a fresh key for one form, so sending it twice stores it once
    (see `sitbone.web.idempotency`)."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)
