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
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from sitbone.web.widgets import input_html

register = template.Library()


@register.filter
def choice_input(choice: BoundWidget) -> SafeString:
    """`{{ choice|choice_input }}` is `{{ choice.tag }}` without the template round trip: the
    same attributes in the same order (type, name, value, then the widget's own)."""
    return input_html(choice.data)


_CHOICE_WIDGETS = frozenset({"radioselect", "checkboxselectmultiple"})


def _errors(field: BoundField) -> str:
    return "".join(
        format_html(
            '<p class="error-message" id="{}_error"><span class="visually-hidden">Error:</span>'
            " {}</p>",
            field.auto_id,
            error,
        )
        for error in field.errors
    )


def _hint(field: BoundField) -> str:
    if not field.help_text:
        return ""
    return format_html('<p class="hint" id="{}_helptext">{}</p>', field.auto_id, field.help_text)


def _choices(
    field: BoundField,
    *,
    scale: bool,
    inline: bool,
    large: bool,
    ends_min: str,
    ends_max: str,
) -> str:
    """Radio groups and checkbox lists: a fieldset with a legend, one labelled input each."""
    auto_id = conditional_escape(field.auto_id)
    described = [
        f"{auto_id}_helptext" if field.help_text else "",
        f" {auto_id}-ends" if scale else "",
        f" {auto_id}_error" if field.errors else "",
    ]
    describedby = f' aria-describedby="{"".join(described)}"' if any(described) else ""
    kind = "radio" if field.widget_type == "radioselect" else "check"
    group = "scale" if scale else "radios radios-inline" if inline else "radios"
    options = "".join(
        format_html(
            '\n        <div class="{}">{}<label for="{}">{}</label></div>',
            kind,
            choice_input(choice),
            choice.id_for_label,
            choice.choice_label,
        )
        for choice in field
    )
    ends = ""
    if scale:
        ends = format_html(
            '\n    <p class="scale-ends" id="{}-ends"><span>{}</span><span>{}</span></p>',
            field.auto_id,
            ends_min or "0 = no pain",
            ends_max or "10 = worst pain you can imagine",
        )
    return (
        f'\n<div class="field{" field-error" if field.errors else ""}">'
        f'\n  <fieldset class="fieldset"{describedby}>'
        f"\n    <legend{' class="legend-large"' if large else ''}>"
        f"{conditional_escape(field.label)}</legend>"
        f"\n    {_hint(field)}\n    {_errors(field)}"
        f'\n    <div class="{group}">{options}\n    </div>{ends}'
        "\n  </fieldset>\n</div>\n"
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
    error_class = " field-error" if field.errors else ""
    if field.widget_type in _CHOICE_WIDGETS:
        html = _choices(
            field, scale=scale, inline=inline, large=large, ends_min=ends_min, ends_max=ends_max
        )
    elif field.widget_type == "checkbox":
        html = (
            f'\n<div class="field{error_class}">\n  {_errors(field)}'
            f'\n  <div class="check">{field}'
            f'<label for="{conditional_escape(field.id_for_label)}">'
            f"{conditional_escape(field.label)}</label></div>\n  {_hint(field)}\n</div>\n"
        )
    else:
        html = (
            f'\n<div class="field{error_class}">'
            f'\n  <label for="{conditional_escape(field.id_for_label)}">'
            f"{conditional_escape(field.label)}</label>"
            f"\n  {_hint(field)}\n  {_errors(field)}\n  {field}\n</div>\n"
        )
    return mark_safe(html)  # nosec B308, B703 # every part is format_html()ed or escaped


@register.simple_tag
def idempotency_field() -> SafeString:
    """`{% idempotency_field %}`: a fresh key for one form, so sending it twice stores it once
    (see `sitbone.web.idempotency`)."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)
