"""Form controls drawn in Python where Django would run a template per option.

A 0–10 pain scale is eleven radio buttons; a session log has one per exercise, so the session
page drew some seventy option templates. `choice_input` writes the same `<input>` from the
option's own data (type, name, value, id, checked, required, aria attributes)."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.forms.boundfield import BoundWidget
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def choice_input(choice: BoundWidget) -> SafeString:
    """`{{ choice|choice_input }}` is `{{ choice.tag }}` without the template round trip: the
    same attributes in the same order (type, name, value, then the widget's own)."""
    data: dict[str, Any] = choice.data
    parts = [format_html(' type="{}" name="{}"', data["type"], data["name"])]
    if data["value"] is not None:
        parts.append(format_html(' value="{}"', data["value"]))
    for name, value in data["attrs"].items():
        if value is True:
            parts.append(format_html(" {}", name))
        elif value is not False:
            parts.append(format_html(' {}="{}"', name, value))
    return format_html("<input{}>", format_html_join("", "{}", ((part,) for part in parts)))


@register.simple_tag
def idempotency_field() -> SafeString:
    """`{% idempotency_field %}`: a fresh key for one form, so sending it twice stores it once
    (see `sitbone.web.idempotency`)."""
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', uuid.uuid4().hex)
