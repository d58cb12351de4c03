"""Per-request settings for signed-in people: responses are never stored by browsers or proxies,
and dates and times are shown in the person's clinic's time zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sitbone.clinics.access import own_clinic

Handler = Callable[[HttpRequest], HttpResponse]


class NoStoreMiddleware:
    """Responses that can carry patient data are never stored (ASVS 14.3.2)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        if request.path == "/accounts/logout/" and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class ClinicTimeZoneMiddleware:
    """A signed-in person's pages show dates and times in their clinic's time zone, and the times
    they type into forms (when a breach was discovered) are read in it: staff their clinic's, a
    patient their own clinic's. Staff reach only their clinic's records and patients their own,
    so this is the zone of every record such a page shows; templates need not name it.

    Anyone else keeps UTC, and so does the API, whichever way it is signed in to: its ``since``
    and ``until`` dates mean the same for a token as for a browser session.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path_info.startswith("/api/"):
            return self.get_response(request)
        clinic = own_clinic(user)
        if clinic is None:
            return self.get_response(request)
        with timezone.override(clinic.time_zone):
            return self.get_response(request)
