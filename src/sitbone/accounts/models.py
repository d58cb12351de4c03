"""People who sign in to Sitbone: patients and clinic staff alike, identified by email."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    """The id that leaves the server; the integer key never does."""

    email = models.EmailField(unique=True, max_length=254)
    """Sign-in name, stored lower-case."""

    full_name = models.CharField(max_length=150)
    """How Sitbone addresses the person."""

    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    """Django's own flag: platform operators only. Clinic roles live in clinics.Membership."""

    date_joined = models.DateTimeField(default=timezone.now)

    session_epoch = models.PositiveIntegerField(default=0)
    """Raised when the person signs out: every session signed in before then stops working, on
    every device (ASVS 7.4.1). Changing the password does the same through the password hash."""

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        """What a session must still match to stay signed in: password and sign-out count."""
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback)

    def _session_hash(self, *, secret: str | bytes | None) -> str:
        return salted_hmac(
            "sitbone.accounts.User.session_auth_hash",
            f"{self.password}|{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
