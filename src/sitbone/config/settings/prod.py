"""Production: HTTPS only, secrets from the environment, no demo data."""

from __future__ import annotations

import os

from . import base
from .base import *  # noqa: F403

SECRET_KEY = os.environ["SITBONE_SECRET_KEY"]
ALLOWED_HOSTS = [h for h in os.environ.get("SITBONE_ALLOWED_HOSTS", "").split(",") if h]
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

SECURE_SSL_REDIRECT = os.environ.get("SITBONE_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

SITBONE_DEMO_ALLOWED = False

# Production sends real mail: SMTP from the SITBONE_SMTP_* variables (localhost:25 by default).
if base.MAILERS["default"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "localhost", "port": 25},
        }
    }
