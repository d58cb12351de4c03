"""Web push test kit: a real push service on 127.0.0.1 and a subscription made the way a
browser makes one (its own P-256 key pair and a 16-byte auth secret)."""

from __future__ import annotations

import base64
import http.server
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.http import HttpResponse
from django.test import Client

from tests.patients.conftest import clock, patient_client, programme

__all__ = ["clock", "patient_client", "programme"]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Delivery:
    """One POST the push service received."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LocalPushService:
    """Answers each POST with the next queued status (201 when the queue is empty)."""

    origin: str
    received: list[Delivery] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/wpush/v2/{name}"


@pytest.fixture
def push_service() -> Iterator[LocalPushService]:
    service = LocalPushService(origin="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            service.received.append(
                Delivery(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if service.delay_seconds:
                time.sleep(service.delay_seconds)
            status = service.statuses.pop(0) if service.statuses else 201
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service.origin = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@dataclass
class BrowserSubscription:
    """What a browser's PushManager keeps: the private half stays in the browser."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def as_json(self) -> dict[str, Any]:
        """`PushSubscription.toJSON()`."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }


def browser_subscription(service: LocalPushService, name: str) -> BrowserSubscription:
    return BrowserSubscription(
        endpoint=service.endpoint(name),
        private_key=ec.generate_private_key(ec.SECP256R1()),
        auth_secret=os.urandom(16),
    )


@dataclass(frozen=True)
class VapidConfig:
    private_key: str
    public_key: str
    subject: str


@pytest.fixture
def vapid(settings: Any, push_service: LocalPushService) -> VapidConfig:
    """Push switched on with a fresh server key pair, sending only to the local push service."""
    from sitbone.push.vapid import vapid_key_pair_generate

    private, public = vapid_key_pair_generate()
    settings.SITBONE_VAPID_PRIVATE_KEY = private
    settings.SITBONE_VAPID_PUBLIC_KEY = public
    settings.SITBONE_VAPID_SUBJECT = "mailto:reminders@harbour.test"
    settings.SITBONE_PUSH_SERVICES = [push_service.origin]
    return VapidConfig(private, public, settings.SITBONE_VAPID_SUBJECT)


ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def signed_in(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client: Client) -> str:
    page = client.get("/me/reminders/")
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert found is not None
    return found.group(1).decode()


def post_subscription(client: Client, body: Any, *, raw: bytes | None = None) -> HttpResponse:
    """What static/push/devices.js does: POST the subscription JSON with the page's token."""
    response: HttpResponse = client.post(
        "/me/push/subscriptions/",
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
        HTTP_USER_AGENT=ANDROID_CHROME,
    )
    return response


def register(client: Client, browser: BrowserSubscription) -> Any:
    """Save the browser's subscription through the real view; the stored PushSubscription."""
    from sitbone.push.models import PushSubscription

    response = post_subscription(client, browser.as_json())
    assert response.status_code in (200, 201), response.content
    return PushSubscription.objects.get(public_id=response.json()["id"])
