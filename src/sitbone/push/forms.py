"""Reading a subscription the browser's PushManager produced (`PushSubscription.toJSON()`)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django import forms
from django.conf import settings

from sitbone.push.vapid import b64url_decode

DEFAULT_PORTS = {"https": 443, "http": 80}


class UnreadableSubscription(ValueError):
    """The request body is not a subscription object at all."""


def endpoint_allowed(endpoint: str, origins: list[str]) -> bool:
    """Whether the endpoint is at one of the push service origins (`*.` matches subdomains)."""
    url = urlsplit(endpoint)
    if url.username is not None or url.password is not None or not url.hostname:
        return False
    try:
        port = url.port or DEFAULT_PORTS.get(url.scheme)
    except ValueError:
        return False
    for origin in origins:
        allowed = urlsplit(origin)
        if allowed.scheme != url.scheme or not allowed.hostname:
            continue
        if (allowed.port or DEFAULT_PORTS.get(allowed.scheme)) != port:
            continue
        pattern = allowed.hostname
        if pattern.startswith("*."):
            if url.hostname.endswith(pattern[1:]) and len(url.hostname) > len(pattern) - 1:
                return True
        elif url.hostname == pattern:
            return True
    return False


class PushSubscriptionForm(forms.Form):
    endpoint = forms.URLField(
        max_length=2048,
        assume_scheme="https",
        error_messages={
            "required": "Your browser sent no push address.",
            "invalid": "Your browser sent a push address we cannot use.",
            "max_length": "Your browser sent a push address that is too long.",
        },
    )
    p256dh = forms.CharField(
        max_length=100,
        error_messages={"required": "Your browser sent no encryption key."},
    )
    auth = forms.CharField(
        max_length=32,
        error_messages={"required": "Your browser sent no authentication secret."},
    )

    def clean_endpoint(self) -> str:
        endpoint: str = self.cleaned_data["endpoint"]
        if not endpoint_allowed(endpoint, list(settings.SITBONE_PUSH_SERVICES)):
            raise forms.ValidationError(
                "Your browser's push service is not one Sitbone can send to."
            )
        return endpoint

    def clean_p256dh(self) -> str:
        text: str = self.cleaned_data["p256dh"].strip()
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(text))
        except ValueError:
            raise forms.ValidationError(
                "Your browser sent an encryption key we cannot use."
            ) from None
        return text

    def clean_auth(self) -> str:
        text: str = self.cleaned_data["auth"].strip()
        try:
            secret = b64url_decode(text)
        except ValueError:
            secret = b""
        if len(secret) != 16:
            raise forms.ValidationError("Your browser sent an authentication secret we cannot use.")
        return text

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return "Your browser sent a subscription we cannot use."


def subscription_form_from_json(body: bytes) -> PushSubscriptionForm:
    """The form bound to the fields of a `PushSubscription.toJSON()` body."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise UnreadableSubscription from None
    if not isinstance(data, dict) or not isinstance(data.get("keys", {}), dict):
        raise UnreadableSubscription
    keys = data.get("keys", {})
    fields = {
        "endpoint": data.get("endpoint"),
        "p256dh": keys.get("p256dh"),
        "auth": keys.get("auth"),
    }
    return PushSubscriptionForm(
        {name: value for name, value in fields.items() if isinstance(value, str)}
    )
