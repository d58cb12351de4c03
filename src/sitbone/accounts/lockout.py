"""django-axes glue: which account a sign-in attempt was for, and what a locked-out person sees."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def username_from_request(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """allauth authenticates with `email=`; its form posts `login`."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None and hasattr(request, "POST"):
        value = request.POST.get("login", "")
    return str(value or "").strip().lower()[:254]


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    body = render_to_string(
        "accounts/locked_out.html",
        {"minutes": minutes, "attempts": settings.AXES_FAILURE_LIMIT},
        request=request,
    )
    return HttpResponse(body, status=429, headers={"Retry-After": str(minutes * 60)})
