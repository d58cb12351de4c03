"""Session timeouts, the clinic's staff two-factor requirement, and even timing where an answer
could reveal whether an address has an account."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from sitbone.clinics.access import staff_context

Handler = Callable[[HttpRequest], HttpResponse]


class EvenTimingMiddleware:
    """A password-reset request and a sign-up are answered no sooner than
    `SITBONE_EVEN_TIMING_SECONDS` after they arrived, whether or not the address has an account
    (ASVS 6.3.8).

    The page and the status are already the same; the work is not: for a reset, a known address
    gets a token and a reset email, an unknown one a short "no account uses this address" email;
    a sign-up with a new address creates the account, its record and its programme, while a
    known address only gets an email. Waiting out a fixed floor hides that difference from
    anyone timing the answers.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.paths: frozenset[str] = frozenset()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.paths:
            self.paths = frozenset(
                (reverse("account_reset_password"), reverse("screening:register"))
            )
        if request.method != "POST" or request.path_info not in self.paths:
            return self.get_response(request)
        deadline = time.monotonic() + settings.SITBONE_EVEN_TIMING_SECONDS
        response = self.get_response(request)
        time.sleep(max(0.0, deadline - time.monotonic()))
        return response


class SessionTimeoutMiddleware:
    """Signs a person out after idle time (15 min staff, 30 min patients) or 12 h in all.

    Server-side: the session row is deleted, so an old cookie is worthless (HIPAA automatic logoff;
    ASVS 7.3.1/7.3.2).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            session = request.session
            auth_at = session.setdefault("sitbone_auth_at", now)
            seen_at = session.get("sitbone_seen_at", now)
            idle_limit = (
                settings.SITBONE_IDLE_TIMEOUT_STAFF
                if staff_context(user)
                else settings.SITBONE_IDLE_TIMEOUT_PATIENT
            )
            if now - seen_at > idle_limit or now - auth_at > settings.SITBONE_ABSOLUTE_TIMEOUT:
                request.sitbone_session_expired = True  # type: ignore[attr-defined]
                logout(request)
                messages.info(request, "You were signed out to keep your information safe.")
                return HttpResponseRedirect(f"{reverse('account_login')}?next={request.path}")
            request.sitbone_idle_seconds = idle_limit  # type: ignore[attr-defined]
            if now - seen_at > 60:  # one session write a minute, not one per request
                session["sitbone_seen_at"] = now
        return self.get_response(request)


class StaffMfaMiddleware:
    """When a clinic requires it, staff without a TOTP authenticator are sent to set one up."""

    allowed_prefixes = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.allowed_prefixes):
            staff = staff_context(user)
            if staff is not None and staff.clinic.require_staff_mfa and not has_totp(user):
                messages.warning(
                    request,
                    f"{staff.clinic.name} asks every staff member to use two-factor sign-in. "
                    "Set up an authenticator app to continue.",
                )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())
