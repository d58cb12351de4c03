"""Settings shared by every environment.

Environment modules (local, test, prod) import everything from here and change only what differs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parents[2]
"""The `sitbone` package directory."""

VAR_DIR = Path(os.environ.get("SITBONE_VAR_DIR", Path.cwd() / "var")).resolve()
"""Where the embedded database, outgoing mail files and backups live."""

SECRET_KEY = os.environ.get("SITBONE_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "sitbone.web",  # first, so its templates override allauth's
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "sitbone.accounts",
    "sitbone.clinics",
    "sitbone.patients",
    "sitbone.programmes",
    "sitbone.diary",
    "sitbone.measures",
    "sitbone.api",
    "sitbone.interop",
    "sitbone.privacy",
    "sitbone.assessments",
    "sitbone.reports",
    "sitbone.appointments",
    "sitbone.screening",
    "sitbone.education",
    "sitbone.bench",
    "sitbone.push",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sitbone.accounts.middleware.EvenTimingMiddleware",
    "sitbone.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sitbone.accounts.middleware.StaffMfaMiddleware",
    "sitbone.web.middleware.ClinicTimeZoneMiddleware",
    "sitbone.web.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    "sitbone.web.idempotency.IdempotentPostMiddleware",
]

ROOT_URLCONF = "sitbone.config.urls"
WSGI_APPLICATION = "sitbone.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sitbone.web.context_processors.navigation",
            ],
        },
    },
]
# Inputs and text areas are drawn in Python; everything else by Django's widget templates.
FORM_RENDERER = "sitbone.web.widgets.FormRenderer"


def sqlite_database(path: Path) -> dict[str, object]:
    """The embedded database, tuned for durability and concurrent writers.

    WAL lets readers run beside one writer; synchronous=FULL makes every acknowledged commit
    survive a crash; IMMEDIATE transactions take the write lock up front, so read-then-write
    transactions wait for each other instead of failing with "database is locked".
    Connections are kept for ten minutes (a new one per request meant a cold page cache and the
    pragmas again each time) and read the file through a 256 MB memory map; neither changes
    what a commit guarantees. The engine is Django's, plus planner statistics kept up to date
    (`sitbone.config.sqlite`).
    """
    return {
        "ENGINE": "sitbone.config.sqlite",
        "NAME": str(path),
        "CONN_MAX_AGE": 600,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=10000;"
                "PRAGMA mmap_size=268435456;"
            ),
        },
    }


def database_from_environment(default_sqlite: Path) -> dict[str, object]:
    """`DATABASE_URL` selects PostgreSQL; otherwise the embedded SQLite file is used."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    return sqlite_database(default_sqlite)


DATABASES = {"default": database_from_environment(VAR_DIR / "sitbone.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# In the database, shared by every server process: allauth keeps its sign-in rate limits and
# the two-factor codes already used there, and a code used on one worker must be refused on the
# others. The table is made by a migration (sitbone/api/migrations/0002_rate_windows.py). Past
# MAX_ENTRIES the cache drops expired entries and then a third of the rest, live ones included
# (a used code among them): Django's 300 is far too few for that.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sitbone_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "sitbone.accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "sitbone.accounts.hashers.OwaspArgon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:landing"

# Accounts: email is the only identifier; no public sign-up page here (patients come by
# invitation, or later from the symptom check).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
# One address an account: the one the clinic invited (or the sign-up gave). Sign-in and password
# resets look an account up by any of its addresses, so a second one added from a signed-in
# session (someone else's phone left open) would let that person take the account over.
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_ADAPTER = "sitbone.accounts.adapters.SitboneAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sitbone] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sitbone"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# Lockout: five wrong passwords are answered as wrong; the sixth locks the account (from that
# address) for 15 minutes. axes counts the locking attempt itself, hence 6.
AXES_FAILURE_LIMIT = 6
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
"""Keyed on account and address together, so nobody can lock a patient out from elsewhere."""
AXES_USERNAME_CALLABLE = "sitbone.accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "sitbone.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Sessions: short-lived, ended on the server at sign-out (django.contrib.sessions in the DB).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SITBONE_IDLE_TIMEOUT_STAFF = 15 * 60
SITBONE_IDLE_TIMEOUT_PATIENT = 30 * 60
SITBONE_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SITBONE_INVITATION_DAYS = 7
SITBONE_UNCONFIRMED_SIGN_UP_DAYS = 30
"""A sign-up never confirmed is deleted by `sitbone purge-expired` this many days after its last
link was sent, if staff never started care (`privacy.selectors.unconfirmed_sign_ups_due`)."""
SITBONE_EVEN_TIMING_SECONDS = 0.25
"""Password-reset requests and sign-ups take at least this long, known address or not (no
enumeration)."""

CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail goes to files in var/mail unless SMTP is configured (Django 6.1 MAILERS).
MAILERS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}


def smtp_mailer(environ: Mapping[str, str]) -> dict[str, object]:
    """Mail by SMTP, from the ``SITBONE_SMTP_*`` variables.

    A mail server that stops answering fails the send after ``SITBONE_SMTP_TIMEOUT`` seconds
    (10 by default) instead of holding the request, and with it one of the server's few
    workers, until gunicorn ends it; what was being done is kept and the page says the email
    could not be sent (sitbone.web.mail).
    """
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": environ["SITBONE_SMTP_HOST"],
            "port": int(environ.get("SITBONE_SMTP_PORT", "587")),
            "username": environ.get("SITBONE_SMTP_USER", ""),
            "password": environ.get("SITBONE_SMTP_PASSWORD", ""),
            "use_tls": environ.get("SITBONE_SMTP_TLS", "1") == "1",
            "timeout": float(environ.get("SITBONE_SMTP_TIMEOUT", "10")),
        },
    }


if os.environ.get("SITBONE_SMTP_HOST"):
    MAILERS["default"] = smtp_mailer(os.environ)

DEFAULT_FROM_EMAIL = os.environ.get("SITBONE_FROM_EMAIL", "Sitbone <no-reply@sitbone.invalid>")

# Web push for patient reminders (sitbone.push). Push is available only when all three are set;
# `check` refuses a half-made or mismatched configuration.
SITBONE_VAPID_PRIVATE_KEY = os.environ.get("SITBONE_VAPID_PRIVATE_KEY", "")
"""Base64url raw P-256 private key (32 bytes)."""
SITBONE_VAPID_PUBLIC_KEY = os.environ.get("SITBONE_VAPID_PUBLIC_KEY", "")
"""Base64url uncompressed public key (65 bytes): the browser's `applicationServerKey`."""
SITBONE_VAPID_SUBJECT = os.environ.get("SITBONE_VAPID_SUBJECT", "")
"""How push services reach whoever runs this server: `mailto:…` or an `https:` URL."""
SITBONE_PUSH_SERVICES = [
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
]
"""Origins a subscription's endpoint may point at (`*.` matches subdomains). The server POSTs to
these addresses, so an endpoint anywhere else is refused rather than fetched."""

SITBONE_BACKUP_KEY = os.environ.get("SITBONE_BACKUP_KEY", "")
"""Encrypts every `sitbone backup` (32 bytes, URL-safe base64; `sitbone backup --new-key` makes
one). Keep a copy away from the backups: without it they cannot be restored."""

SITBONE_DEMO_ALLOWED = True
"""Whether `sitbone seed-demo` may run; production settings turn it off."""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"sitbone": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
