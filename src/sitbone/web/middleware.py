"""Responses that can carry patient data are never stored by browsers or proxies (ASVS 14.3.2)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        if request.path == "/accounts/logout/" and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
