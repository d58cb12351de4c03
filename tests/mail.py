"""A mail server that is down: the one thing outside the machine the tests fake."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class MailServerDown(BaseEmailBackend):
    """The clinic's SMTP server dropping the connection."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


MAIL_SERVER_DOWN = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}
"""`settings.MAILERS = MAIL_SERVER_DOWN` in a test."""
