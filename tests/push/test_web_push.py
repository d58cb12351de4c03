"""Web push reminders end to end: a browser-made subscription saved through the real view, the
real cron command, and a real HTTP push service on 127.0.0.1 that checks the VAPID signature and
decrypts the payload with the browser's private key, as a browser's push service and the browser
itself would."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.core import mail
from django.test import Client

from sitbone.clinics.models import AuditEvent
from sitbone.diary.models import ReminderDelivery, ReminderPreference, SessionLog
from sitbone.push.models import PushSubscription
from tests.conftest import World
from tests.diary.test_reminders import SEVEN_THIRTY, run_command
from tests.push.conftest import (
    BrowserSubscription,
    Delivery,
    LocalPushService,
    VapidConfig,
    browser_subscription,
    csrf_token,
    post_subscription,
    register,
    signed_in,
)


@pytest.fixture
def preference(world: World) -> ReminderPreference:
    """An exercise reminder at 07:00 on Wednesdays; no check-in reminder unless a test sets one."""
    return ReminderPreference.objects.create(
        patient=world.patient,
        clinic=world.clinic,
        session_time=dt.time(7, 0),
        session_days=[3],
        checkin_time=None,
        email_enabled=True,
    )


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verified_vapid_claims(delivery: Delivery, vapid: VapidConfig) -> dict[str, Any]:
    """Check the Authorization header as a push service does (RFC 8292) and return its claims."""
    scheme, _, params = delivery.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.split("=", 1) for part in params.split(","))
    assert parts["k"] == vapid.public_key
    header, claims, signature = parts["t"].split(".")
    assert json.loads(b64url_decode(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = b64url_decode(signature)
    assert len(raw) == 64
    server_key = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), b64url_decode(vapid.public_key)
    )
    server_key.verify(  # raises InvalidSignature unless the configured key signed it
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{header}.{claims}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    decoded: dict[str, Any] = json.loads(b64url_decode(claims))
    return decoded


def decrypted(delivery: Delivery, browser: BrowserSubscription) -> dict[str, Any]:
    """Decrypt the aes128gcm body (RFC 8291) as the browser does, with its private key."""
    assert delivery.headers["content-encoding"] == "aes128gcm"
    plain = http_ece.decrypt(
        delivery.body,
        private_key=browser.private_key,
        auth_secret=browser.auth_secret,
        version="aes128gcm",
    )
    payload: dict[str, Any] = json.loads(plain)
    return payload


def test_a_due_reminder_reaches_the_device_signed_by_our_key_and_readable_only_by_the_browser(
    world: World, preference: ReminderPreference, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    browser = browser_subscription(push_service, "pat-phone")
    device = register(signed_in(world.patient_user), browser)
    assert device.device_label == "Chrome on Android"

    output = run_command(SEVEN_THIRTY)

    assert "sent 2" in output  # the email and the device
    assert len(mail.outbox) == 1
    [delivery] = push_service.received
    assert delivery.path == "/wpush/v2/pat-phone"
    claims = verified_vapid_claims(delivery, vapid)
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:reminders@harbour.test"
    assert 0 < claims["exp"] - SEVEN_THIRTY.timestamp() <= 24 * 60 * 60
    assert delivery.headers["ttl"] == "3600"
    payload = decrypted(delivery, browser)
    assert payload == {
        "title": "Time for your exercises",
        "body": "Open Sitbone to start today's session.",
        "url": "/me/",
        "tag": "sitbone-session",
    }
    text = json.dumps(payload)
    for personal in ("Pat", "Patient", world.patient_user.email, world.clinic.name):
        assert personal not in text
    rows = ReminderDelivery.objects.order_by("channel")
    assert [(r.channel, r.push_subscription_id, r.status) for r in rows] == [
        ("email", None, "sent"),
        ("push", device.pk, "sent"),
    ]
    device.refresh_from_db()
    assert device.last_success_at is not None and device.failure_count == 0


def test_a_rerun_sends_nothing_again_on_either_channel(
    world: World, preference: ReminderPreference, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    register(signed_in(world.patient_user), browser_subscription(push_service, "pat-phone"))
    run_command(SEVEN_THIRTY)
    again = run_command(SEVEN_THIRTY + dt.timedelta(minutes=10))
    assert "sent 0, already sent 2" in again
    assert len(mail.outbox) == 1
    assert len(push_service.received) == 1


def test_every_active_device_gets_its_own_reminder_and_email_off_still_pushes(
    world: World, preference: ReminderPreference, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    preference.email_enabled = False
    preference.save()
    client = signed_in(world.patient_user)
    phone = browser_subscription(push_service, "phone")
    laptop = browser_subscription(push_service, "laptop")
    register(client, phone)
    register(client, laptop)
    assert "sent 2" in run_command(SEVEN_THIRTY)
    assert mail.outbox == []
    by_path = {d.path: d for d in push_service.received}
    assert decrypted(by_path["/wpush/v2/phone"], phone)["tag"] == "sitbone-session"
    assert decrypted(by_path["/wpush/v2/laptop"], laptop)["tag"] == "sitbone-session"


def test_the_check_in_reminder_opens_the_check_in_page(
    world: World,
    preference: ReminderPreference,
    programme: Any,
    push_service: LocalPushService,
    vapid: VapidConfig,
) -> None:
    preference.session_time, preference.session_days = None, []
    preference.checkin_time = dt.time(7, 15)
    preference.save()
    SessionLog.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        programme=programme,
        performed_on=dt.date(2026, 11, 10),
        pain_during=6,
        pain_after=5,
    )
    browser = browser_subscription(push_service, "pat-phone")
    register(signed_in(world.patient_user), browser)
    run_command(SEVEN_THIRTY)
    payload = decrypted(push_service.received[0], browser)
    assert payload["url"] == "/me/morning/"
    assert payload["tag"] == "sitbone-checkin"
    assert not re.search(r"\d", json.dumps(payload)), "no scores or pain numbers in a push"


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_revoked(
    world: World,
    preference: ReminderPreference,
    push_service: LocalPushService,
    vapid: VapidConfig,
    status: int,
) -> None:
    device = register(signed_in(world.patient_user), browser_subscription(push_service, "old"))
    push_service.statuses = [status]
    output = run_command(SEVEN_THIRTY)
    assert "push devices gone 1" in output
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_because == "gone"
    push_row = ReminderDelivery.objects.get(channel="push")
    assert push_row.status == "failed"
    run_command(SEVEN_THIRTY + dt.timedelta(minutes=10))
    assert len(push_service.received) == 1, "nothing more goes to a revoked device"


def test_a_push_service_error_is_recorded_and_retried_by_the_next_run(
    world: World, preference: ReminderPreference, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    browser = browser_subscription(push_service, "pat-phone")
    device = register(signed_in(world.patient_user), browser)
    push_service.statuses = [500]

    first = run_command(SEVEN_THIRTY)

    assert "sent 1" in first and "failed 1" in first  # the email went; the push did not
    row = ReminderDelivery.objects.get(channel="push")
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "the push service did not accept it",
    )
    device.refresh_from_db()
    assert device.failure_count == 1 and device.last_failure_at is not None
    assert device.revoked_at is None

    second = run_command(SEVEN_THIRTY + dt.timedelta(minutes=10))

    assert "sent 1, already sent 1" in second  # the push retried; the email not re-sent
    assert len(mail.outbox) == 1
    assert len(push_service.received) == 2
    assert decrypted(push_service.received[1], browser)["tag"] == "sitbone-session"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    device.refresh_from_db()
    assert device.failure_count == 0 and device.last_success_at is not None


def test_a_push_service_that_does_not_answer_in_time_is_a_failure_not_a_hang(
    world: World,
    preference: ReminderPreference,
    push_service: LocalPushService,
    vapid: VapidConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sitbone.push.services.PUSH_TIMEOUT_SECONDS", 0.5)
    device = register(signed_in(world.patient_user), browser_subscription(push_service, "slow"))
    push_service.delay_seconds = 3
    assert "failed 1" in run_command(SEVEN_THIRTY)
    device.refresh_from_db()
    assert device.failure_count == 1
    assert ReminderDelivery.objects.get(channel="push").status == "failed"


def test_a_stopped_device_gets_nothing_more(
    world: World, preference: ReminderPreference, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    client = signed_in(world.patient_user)
    device = register(client, browser_subscription(push_service, "pat-phone"))
    response = client.post(
        f"/me/push/subscriptions/{device.public_id}/stop/",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )
    assert response.status_code == 302 and response["Location"] == "/me/reminders/"
    device.refresh_from_db()
    assert device.revoked_at is not None and device.revoked_because == "patient"
    run_command(SEVEN_THIRTY)
    assert push_service.received == []


@pytest.mark.parametrize("intruder", ["other_patient", "assigned_clinician", "clinic_admin"])
def test_nobody_else_can_see_or_stop_my_device(
    world: World, push_service: LocalPushService, vapid: VapidConfig, intruder: str
) -> None:
    device = register(signed_in(world.patient_user), browser_subscription(push_service, "mine"))
    client = Client()
    client.force_login(world.user_for(intruder))
    response = client.post(f"/me/push/subscriptions/{device.public_id}/stop/")
    assert response.status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None
    page = client.get("/me/reminders/")
    assert str(device.public_id) not in page.content.decode()
    assert AuditEvent.objects.filter(category="denied", action="record.probe").exists()


def test_saving_the_same_subscription_again_keeps_one_device(
    world: World, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    client = signed_in(world.patient_user)
    browser = browser_subscription(push_service, "pat-phone")
    assert post_subscription(client, browser.as_json()).status_code == 201
    again = post_subscription(client, browser.as_json())
    assert again.status_code == 200
    assert PushSubscription.objects.count() == 1


def test_one_account_turns_notifications_on_for_ten_devices_at_most(
    world: World, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    client = signed_in(world.patient_user)
    devices = [register(client, browser_subscription(push_service, f"d{n}")) for n in range(10)]
    eleventh = post_subscription(client, browser_subscription(push_service, "d10").as_json())
    assert eleventh.status_code == 422
    assert "Stop them on one you no longer use" in eleventh.json()["error"]
    assert post_subscription(client, same_device(devices[0])).status_code == 200
    assert PushSubscription.objects.filter(revoked_at__isnull=True).count() == 10


def same_device(device: PushSubscription) -> dict[str, Any]:
    """A device that is already on may still refresh its keys."""
    return {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}


def test_a_browser_another_patient_subscribes_stops_showing_my_reminders(
    world: World, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    shared_tablet = browser_subscription(push_service, "tablet")
    mine = register(signed_in(world.patient_user), shared_tablet)
    register(signed_in(world.other_patient_user), shared_tablet)
    mine.refresh_from_db()
    assert mine.revoked_at is not None and mine.revoked_because == "replaced"
    replaced = AuditEvent.objects.get(action="push.replaced")
    assert replaced.patient == world.patient
    assert replaced.actor is None and world.other_patient_user.email not in str(vars(replaced))


def test_saving_a_subscription_needs_the_pages_csrf_token(
    world: World, push_service: LocalPushService, vapid: VapidConfig
) -> None:
    client = signed_in(world.patient_user)
    response = client.post(
        "/me/push/subscriptions/",
        data=json.dumps(browser_subscription(push_service, "x").as_json()),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def bad_bodies(service: LocalPushService) -> list[tuple[str, bytes | dict[str, Any], int, str]]:
    good = browser_subscription(service, "x").as_json()
    not_on_curve = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).rstrip(b"=").decode()
    return [
        ("not JSON", b"{endpoint: nope", 400, "could not read"),
        ("a list", b"[1, 2]", 400, "could not read"),
        ("keys not an object", {**good, "keys": "p256dh"}, 400, "could not read"),
        ("no endpoint", {**good, "endpoint": None}, 422, "no push address"),
        ("no keys", {"endpoint": good["endpoint"]}, 422, "no encryption key"),
        (
            "another host",
            {**good, "endpoint": "https://attacker.example/wpush/x"},
            422,
            "not one Sitbone can send to",
        ),
        (
            "a cloud metadata address",
            {**good, "endpoint": "http://169.254.169.254/latest/meta-data/"},
            422,
            "not one Sitbone can send to",
        ),
        (
            "credentials in the address",
            {**good, "endpoint": good["endpoint"].replace("http://", "http://u:p@")},
            422,
            "not one Sitbone can send to",
        ),
        (
            "a key not on the curve",
            {**good, "keys": {**good["keys"], "p256dh": not_on_curve}},
            422,
            "encryption key we cannot use",
        ),
        (
            "a short auth secret",
            {**good, "keys": {**good["keys"], "auth": "AAAA"}},
            422,
            "authentication secret we cannot use",
        ),
        (
            "auth not base64url",
            {**good, "keys": {**good["keys"], "auth": "<script>alert(1)</script>"}},
            422,
            "cannot use",
        ),
    ]


@pytest.mark.parametrize("case", range(11))
def test_a_bad_subscription_is_refused_with_a_message_and_nothing_is_stored(
    world: World, push_service: LocalPushService, vapid: VapidConfig, case: int
) -> None:
    name, body, status, message = bad_bodies(push_service)[case]
    client = signed_in(world.patient_user)
    if isinstance(body, bytes):
        response = post_subscription(client, None, raw=body)
    else:
        response = post_subscription(client, body)
    assert response.status_code == status, name
    assert message in response.json()["error"], name
    assert not PushSubscription.objects.exists()


def test_without_server_keys_no_subscription_is_taken(
    world: World, push_service: LocalPushService
) -> None:
    client = signed_in(world.patient_user)
    response = post_subscription(client, browser_subscription(push_service, "x").as_json())
    assert response.status_code == 409
    assert not PushSubscription.objects.exists()


def test_the_service_worker_may_control_the_whole_patient_app(world: World) -> None:
    response = Client().get("/me/push/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/me/"
    assert "notificationclick" in response.content.decode()


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_erasing_the_record_removes_its_devices(
    world: World, push_service: LocalPushService, vapid: VapidConfig, mode: str
) -> None:
    register(signed_in(world.patient_user), browser_subscription(push_service, "pat-phone"))
    admin, patient = Client(), Client()
    admin.force_login(world.admin)
    patient.force_login(world.patient_user)
    assert admin.post("/clinic/data/", {"erasure_mode": mode}).status_code == 302
    assert patient.post("/me/data/erase/", {"understood": "on"}).status_code == 302
    from sitbone.interop.models import ErasureRequest

    request = ErasureRequest.objects.get(patient=world.patient)
    admin.post(f"/clinic/data/erasure/{request.public_id}/", {"decision": "confirm"})
    request.refresh_from_db()
    assert request.status == "completed"
    assert not PushSubscription.objects.exists()
