"""Form controls drawn in Python where Django would run a template per option.

A 0–10 pain scale is eleven radio buttons; a session log has one per exercise, so the session
page drew some seventy option templates. `choice_input` writes the same `<input>` from the
option's own data (type, name, value, id, checked, required, aria attributes)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms.boundfield import BoundWidget
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def choice_input(choice: BoundWidget) -> SafeString:
    """`{{ choice|choice_input }}` is `{{ choice.tag }}` without the template round trip."""
    data: dict[str, Any] = choice.data
    attrs: dict[str, Any] = {"type": data["type"], "name": data["name"]}
    if data["value"] is not None:
        attrs["value"] = str(data["value"])
    attrs.update(data["attrs"])
    return format_html("<input{}>", flatatt(attrs))
