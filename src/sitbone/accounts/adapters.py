"""allauth hooks: no open sign-up page (patients join by invitation or from the symptom check)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


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
