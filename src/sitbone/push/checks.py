"""`check` refuses a push configuration that would fail at the first reminder.

No keys at all is a valid choice (push is then simply unavailable and the reminders page says
so); some keys, keys that do not form a pair, or a subject push services reject, is an error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from py_vapid import Vapid02, VapidException

from sitbone.push.vapid import vapid_public_key_for

VAPID_SETTINGS = ("SITBONE_VAPID_PRIVATE_KEY", "SITBONE_VAPID_PUBLIC_KEY", "SITBONE_VAPID_SUBJECT")


def vapid_settings_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    values = {name: str(getattr(settings, name, "") or "") for name in VAPID_SETTINGS}
    if not any(values.values()):
        return []
    missing = [name for name, value in values.items() if not value]
    if missing:
        return [
            Error(
                f"Web push needs all of {', '.join(VAPID_SETTINGS)}; missing: "
                f"{', '.join(missing)}.",
                hint="Set all three to turn push on, or none to leave it off.",
                id="sitbone.push.E001",
            )
        ]
    errors: list[CheckMessage] = []
    try:
        derived = vapid_public_key_for(values["SITBONE_VAPID_PRIVATE_KEY"])
    except ValueError:
        errors.append(
            Error(
                "SITBONE_VAPID_PRIVATE_KEY is not a base64url raw P-256 private key.",
                id="sitbone.push.E002",
            )
        )
    else:
        if derived != values["SITBONE_VAPID_PUBLIC_KEY"].strip().rstrip("="):
            errors.append(
                Error(
                    "SITBONE_VAPID_PUBLIC_KEY is not the public half of SITBONE_VAPID_PRIVATE_KEY.",
                    hint=f"The public key for this private key is {derived}",
                    id="sitbone.push.E003",
                )
            )
    if not _subject_accepted(values["SITBONE_VAPID_SUBJECT"]):
        errors.append(
            Error(
                "SITBONE_VAPID_SUBJECT must be a mailto: address or an https:// URL.",
                id="sitbone.push.E004",
            )
        )
    return errors


def _subject_accepted(subject: str) -> bool:
    """Whether the VAPID signer accepts the subject (it refuses what push services refuse)."""
    if not subject.startswith(("mailto:", "https://")):
        return False
    signer = Vapid02()
    signer.generate_keys()
    try:
        signer.sign({"sub": subject, "aud": "https://push.example"})
    except VapidException:
        return False
    return True
