"""Rate limits per token or user (429 with Retry-After) and on failed sign-ins per address."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import Api, make_token, session_api
from tests.conftest import World
from tests.processes import in_another_process


def test_a_token_over_its_limit_gets_429_with_retry_after(
    world: World, api_a: Api, settings: Any
) -> None:
    settings.SITBONE_API_RATE_LIMIT = "3/60"
    assert [api_a.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    response = api_a.get("/me")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "rate_limited"


def test_limits_are_per_token_and_per_user(world: World, api_a: Api, settings: Any) -> None:
    settings.SITBONE_API_RATE_LIMIT = "2/60"
    other = Api(Client(), make_token(world.clinic, world.admin)[1])
    patient = session_api(world.patient_user)
    for _ in range(3):
        api_a.get("/me")
    assert api_a.get("/me").status_code == 429
    assert other.get("/me").status_code == 200
    assert patient.get("/me").status_code == 200


def test_a_limited_request_does_nothing(world: World, settings: Any) -> None:
    from sitbone.diary.models import MorningCheck

    settings.SITBONE_API_RATE_LIMIT = "1/60"
    patient = session_api(world.patient_user)
    patient.get("/me")
    response = patient.post(
        f"/patients/{world.patient.public_id}/morning-checks",
        {"checked_on": "2026-11-01", "pain": 1},
    )
    assert response.status_code == 429
    assert MorningCheck.objects.count() == 0


def test_guessing_tokens_is_slowed_down_per_address(world: World, settings: Any) -> None:
    settings.SITBONE_API_AUTH_FAILURE_LIMIT = "3/60"
    client = Client()
    statuses = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer sbt_guess{i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer sbt_guess"})
    assert response["Retry-After"].isdigit()


@pytest.mark.parametrize("value", ["bogus", "0/0", "/"])
def test_a_malformed_setting_does_not_break_the_api(
    world: World, api_a: Api, settings: Any, value: str
) -> None:
    settings.SITBONE_API_RATE_LIMIT = value
    assert api_a.get("/me").status_code in (200, 429)


@pytest.mark.django_db(transaction=True)  # committed, so the other process sees the counts
def test_every_server_process_counts_against_the_same_allowance() -> None:
    from sitbone.api import ratelimit

    rate = "3/3600"
    for attempt in range(2):  # once more if the hour's window turned during the first try
        bucket, hour = f"shared-{attempt}", time.time() // 3600
        here = [ratelimit.hit(bucket, rate) for _ in range(2)]
        elsewhere = in_another_process(  # counts twice there
            "from sitbone.api import ratelimit\n"
            "print(*(ratelimit.hit(args[0], args[1]) for _ in range(2)))",
            bucket,
            rate,
        )
        back_here = ratelimit.hit(bucket, rate)
        if time.time() // 3600 == hour:
            break
    assert here == [None, None]
    assert elsewhere[0] == "None"  # the third request of three, counted by the other process
    assert elsewhere[1].isdigit()  # the fourth is over the limit
    assert back_here is not None


def test_the_count_keeps_no_address_or_email(world: World) -> None:
    from sitbone.api import ratelimit
    from sitbone.api.models import RateWindow

    ratelimit.hit("register-resend:someone@example.test", "3/60")
    ratelimit.hit("register-resend:someone@example.test", "3/60")
    window = RateWindow.objects.get()
    assert window.hits == 2
    assert "example" not in window.bucket
    assert len(window.bucket) == 64


def test_ended_windows_are_cleared_when_a_new_one_starts(world: World) -> None:
    from sitbone.api import ratelimit
    from sitbone.api.models import RateWindow

    RateWindow.objects.create(bucket="0" * 64, starts_at=60, ends_at=120, hits=5)
    ratelimit.hit("another", "3/60")
    assert list(RateWindow.objects.values_list("hits", flat=True)) == [1]
