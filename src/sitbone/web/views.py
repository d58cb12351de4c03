"""Public pages, the role-based home redirect, health check and error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sitbone.clinics.access import own_patient_record, staff_context


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "web/landing.html")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own starting page."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    if staff_context(request.user) is not None:
        return redirect("clinics:home")
    if own_patient_record(request.user) is not None:
        return redirect("patients:home")
    return render(request, "web/no_role.html", status=403)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure makes the service unhealthy
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)
