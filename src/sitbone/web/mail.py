"""Sending one email where a mail server that is down must not undo or hide what was done."""

from __future__ import annotations

import logging

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def mail_sent(*, to: str, subject: str, message: str, what: str) -> bool:
    """Send ``message`` to one address; False, logged as ``what``, when the mail server could
    not take it (a refused or dropped connection: smtplib's errors are OSErrors too)."""
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[to])
    except OSError:
        logger.exception("Could not send %s", what)
        return False
    return True
