"""What a subscription may say: only known push services, and a readable device name."""

from __future__ import annotations

from typing import Any

import pytest

from sitbone.push.forms import endpoint_allowed
from sitbone.push.services import device_label


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", True),
        ("https://web.push.apple.com/QO3x", True),
        ("https://wns2-par02p.notify.windows.com/w/?token=x", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/x", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://fcm.googleapis.com:8443/fcm/send/abc", False),
        ("https://push.apple.com/x", False),
        ("https://evilpush.apple.com.example/x", False),
        ("https://fcm.googleapis.com@evil.example/x", False),
        ("https://127.0.0.1/x", False),
    ],
)
def test_endpoints_must_be_at_a_known_push_service(
    settings: Any, endpoint: str, allowed: bool
) -> None:
    from sitbone.config.settings.base import SITBONE_PUSH_SERVICES

    assert endpoint_allowed(endpoint, SITBONE_PUSH_SERVICES) is allowed


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        ("", "A browser"),
    ],
)
def test_devices_get_a_short_recognisable_name(user_agent: str, label: str) -> None:
    assert device_label(user_agent) == label
