"""Sign-in events go to the audit trail (ASVS 16.2: all authentication events); signing out
ends the person's sessions everywhere."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from sitbone.accounts.services import sessions_end_everywhere
from sitbone.clinics.models import AuditCategory
from sitbone.clinics.services import audit_record


@receiver(user_logged_in)
def on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session["sitbone_auth_at"] = timezone.now().timestamp()
        request.session["sitbone_seen_at"] = timezone.now().timestamp()
    audit_record(
        category=AuditCategory.AUTH,
        action="sign_in",
        actor=user,
        clinic=None,
        patient=None,
        request=request,
    )


@receiver(user_logged_out)
def on_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    if not getattr(request, "sitbone_session_expired", False):
        # A deliberate sign-out (the person, or a password change) ends every other session too;
        # a timeout ends only the session that went idle.
        sessions_end_everywhere(user=user)
    audit_record(
        category=AuditCategory.AUTH,
        action="sign_out",
        actor=user,
        clinic=None,
        patient=None,
        request=request,
    )


@receiver(user_login_failed)
def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The email tried is deliberately not stored: it may be mistyped PHI or a password.
    audit_record(
        category=AuditCategory.AUTH,
        action="sign_in.failed",
        actor=None,
        clinic=None,
        patient=None,
        request=request,
    )
