"""Form controls drawn in Python where Django would run a template per control.

Django draws every `<input>` and `<textarea>` through its widget templates: a template include,
an attribute loop and a filter per attribute. The session log alone has some twenty controls and
seventy pain-scale options, and drawing them was most of the cost of its page. The functions here
write the same markup from the same widget context, character for character
(tests/web/test_widgets.py compares them with Django's templates); anything else is still drawn
by the templates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# Django's widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "time",
        "datetime",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """`django/forms/widgets/attrs.html`: False leaves the attribute out, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        elif value is not False:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def input_html(widget: dict[str, Any]) -> SafeString:
    """`django/forms/widgets/input.html` for one widget (or one radio or checkbox option)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return mark_safe(  # nosec B308, B703 # every part is conditional_escape()d
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _textarea_html(widget: dict[str, Any]) -> SafeString:
    value = widget["value"]
    return mark_safe(  # nosec B308, B703 # every part is conditional_escape()d
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


class FormRenderer(DjangoTemplates):
    """Django's default form renderer, with inputs and text areas drawn in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and "attrs" in widget:
            if template_name in _INPUT_TEMPLATES:
                return input_html(widget)
            # a text area's value is text; anything else would be localised by the template
            if template_name == _TEXTAREA_TEMPLATE and isinstance(widget["value"], str | None):
                return _textarea_html(widget)
        return super().render(template_name, context, request)


class IsoDateInput(forms.DateInput):
    """The browser's date picker. It reads and sends only ISO dates (2026-03-11), so the value
    is written that way whatever the locale's date format: a form opened with a stored date
    shows it rather than an empty field that would clear it on saving."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
