"""Writes for accounts."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import F

from sitbone.accounts.models import User


def account_create(*, email: str, password: str | None, full_name: str) -> User:
    """Create a person's account. The address counts as verified: it received the invitation link
    (or the clinic entered it), and two-factor set-up requires a verified address."""
    user = User.objects.create_user(email, password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sessions_end_everywhere(*, user: User) -> None:
    """Sign the person out on every device: each session signed in before now stops matching
    the user's session hash at its next request (the current one is flushed by the caller)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
