"""`make run`: the production server on loopback over plain HTTP, with the embedded database."""

from __future__ import annotations

import os
from email.utils import parseaddr

from .base import *  # noqa: F403
from .base import DEFAULT_FROM_EMAIL, SITBONE_VAPID_PRIVATE_KEY, VAR_DIR

SECRET_KEY = os.environ.get("SITBONE_SECRET_KEY") or (VAR_DIR / "secret_key").read_text().strip()

# Web push works out of the box: `sitbone serve` keeps a generated VAPID key pair in var/.
if not SITBONE_VAPID_PRIVATE_KEY and (VAR_DIR / "vapid_private_key").exists():
    SITBONE_VAPID_PRIVATE_KEY = (VAR_DIR / "vapid_private_key").read_text().strip()
    SITBONE_VAPID_PUBLIC_KEY = (VAR_DIR / "vapid_public_key").read_text().strip()
    SITBONE_VAPID_SUBJECT = (
        os.environ.get("SITBONE_VAPID_SUBJECT") or f"mailto:{parseaddr(DEFAULT_FROM_EMAIL)[1]}"
    )
