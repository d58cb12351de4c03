"""Test settings: same security and storage as local; a cheap hasher keeps the suite fast."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import database_from_environment

SECRET_KEY = "sitbone-test-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DATABASES = {
    "default": database_from_environment(Path(tempfile.gettempdir()) / "sitbone-test.sqlite3")
}
if "sqlite" in str(DATABASES["default"]["ENGINE"]):
    # A file, not memory, so that live-server and browser tests share the data.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "SITBONE_TEST_SQLITE",
            str(Path(tempfile.gettempdir()) / f"sitbone-test-db-{os.getpid()}.sqlite3"),
        )
    }
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
AXES_COOLOFF_TIME = 0.25
STATIC_ROOT = Path(tempfile.gettempdir()) / "sitbone-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
