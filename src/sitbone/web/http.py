"""Request types for views behind `login_required` (django-stubs' documented pattern)."""

from __future__ import annotations

from django.http import HttpRequest

from sitbone.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
