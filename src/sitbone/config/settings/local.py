"""`make run`: the production server on loopback over plain HTTP, with the embedded database."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = os.environ.get("SITBONE_SECRET_KEY") or (VAR_DIR / "secret_key").read_text().strip()
