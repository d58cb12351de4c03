"""allauth hooks: no open sign-up page (patients join by invitation or from the symptom check),
and a mail server that is down never turns a finished action into an error page."""

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.http import HttpRequest

logger = logging.getLogger(__name__)

MAIL_FAILED = "sitbone_mail_failed"
"""Set on the request when one of its emails could not be sent (see `mail_failed`)."""


def mail_failed(request: HttpRequest) -> bool:
    """Whether an email this request tried to send through allauth could not be sent."""
    return bool(getattr(request, MAIL_FAILED, False))


class SitboneAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return "/home/"

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        # Keep the screen calm: only the messages people act on.
        if message_template and (
            "logged_in" in message_template or "logged_out" in message_template
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Send as allauth does; when the mail server cannot take it, log and mark the request
        instead of failing it: the password change or sign-in it tells of has happened, and the
        password reset page says itself that its email did not go (see `mail_failed`)."""
        try:
            super().send_mail(template_prefix, email, context)
        except OSError:  # smtplib's errors, a refused connection and the send timeout alike
            logger.exception("Could not send %s", template_prefix)
            if allauth_context.request is not None:
                setattr(allauth_context.request, MAIL_FAILED, True)
