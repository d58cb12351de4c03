"""The reminders page offers push, lists the patient's own devices and nobody else's, and says
plainly when push is not available (the script-driven states are tested in tests/browser)."""

from __future__ import annotations

import re

from tests.conftest import World
from tests.push.conftest import (
    LocalPushService,
    VapidConfig,
    browser_subscription,
    register,
    signed_in,
)


def test_my_reminders_page_lists_my_devices_only(
    world: World, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    mine = register(signed_in(world.patient_user), browser_subscription(push_service, "mine"))
    theirs = register(
        signed_in(world.other_patient_user), browser_subscription(push_service, "theirs")
    )
    page = signed_in(world.patient_user).get("/me/reminders/").content.decode()
    assert str(mine.public_id) in page and str(theirs.public_id) not in page
    assert "Chrome on Android" in page
    assert "wpush" not in page, "the endpoint is a capability URL and is never shown"


def test_without_javascript_the_page_says_push_is_not_available_here(
    world: World, vapid: VapidConfig
) -> None:
    page = signed_in(world.patient_user).get("/me/reminders/").content.decode()
    visible_by_default = re.search(r'<p data-push-state="unsupported">([^<]+)</p>', page)
    assert visible_by_default is not None
    assert "not available in this browser" in visible_by_default.group(1)
    assert "email reminders still work" in visible_by_default.group(1)
    assert re.search(r'<div data-push-state="off" hidden>', page)
    assert f'data-public-key="{vapid.public_key}"' in page


def test_without_server_keys_the_page_says_push_is_off_and_email_still_works(
    world: World,
) -> None:
    page = signed_in(world.patient_user).get("/me/reminders/").content.decode()
    assert "not switched on for this service" in page
    assert "Your email reminders still work" in page
    assert "Also notify this device" not in page
    assert "data-public-key" not in page


def test_a_stopped_device_leaves_the_list(
    world: World, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    client = signed_in(world.patient_user)
    device = register(client, browser_subscription(push_service, "pat-phone"))
    assert "Stop notifications on this device" in client.get("/me/reminders/").content.decode()
    page = client.get("/me/reminders/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        f"/me/push/subscriptions/{device.public_id}/stop/",
        {"csrfmiddlewaretoken": token.group(1)},
        follow=True,
    )
    text = response.content.decode()
    assert "Notifications stopped on Chrome on Android." in text
    assert "Stop notifications on this device" not in text
