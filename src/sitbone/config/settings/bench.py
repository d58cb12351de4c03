"""`make bench` only: the production configuration, served over plain HTTP on loopback.

Same as production where it matters for speed — DEBUG off, the same database settings
(SQLite with synchronous=FULL and IMMEDIATE transactions, or PostgreSQL from DATABASE_URL),
Argon2 as configured, every security middleware — but cookies without the Secure flag so a
load generator can talk HTTP to 127.0.0.1. Adds two things that exist under these settings
only: an ``X-Query-Count`` header on every response and the ``/bench/bare-insert`` reference
endpoint (see sitbone.bench.urls).
"""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import MIDDLEWARE

SECRET_KEY = os.environ.get(
    "SITBONE_SECRET_KEY", "sitbone-bench-key-not-secret-0123456789abcdefghijklmnopqrstuv"
)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "sitbone.bench.urls"
MIDDLEWARE = ["sitbone.bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
SITBONE_DEMO_ALLOWED = False
SITBONE_BENCH = True
