"""The sign-in backend: allauth's, with the session's user loaded as access checks need it."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from sitbone.clinics.access import signed_in_user


class AuthenticationBackend(AllauthBackend):  # type: ignore[misc]
    """Signs in by email and password as allauth does; each request's user comes with their
    patient record and staff status in the same query (sitbone.clinics.access.signed_in_user)."""

    def get_user(self, user_id: Any) -> Any:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


SIGN_IN_BACKEND = f"{__name__}.{AuthenticationBackend.__qualname__}"
"""The path sessions record for a sign-in (settings.AUTHENTICATION_BACKENDS lists it)."""
