"""Signed-in pages print times in the clinic's time zone, whoever is signed in; the API and
anonymous pages stay in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from sitbone.web.middleware import ClinicTimeZoneMiddleware
from tests.api.conftest import make_token
from tests.conftest import World, signed_in

# 14:30 UTC on 1 March 2026 is 01:30 on 2 March in Sydney (daylight time, UTC+11).
AT = dt.datetime(2026, 3, 1, 14, 30, tzinfo=dt.UTC)


def in_sydney(world: World) -> None:
    world.clinic.time_zone = "Australia/Sydney"
    world.clinic.save(update_fields=["time_zone"])


def test_staff_see_when_a_token_was_last_used_in_the_clinics_zone(world: World) -> None:
    from sitbone.api.models import ApiToken

    in_sydney(world)
    token, _ = make_token(world.clinic, world.admin)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=AT)

    page = signed_in(world.admin).get("/clinic/api-tokens/").content.decode()

    assert "2 Mar 2026 01:30" in page
    assert "1 Mar 2026 14:30" not in page


def test_a_patient_sees_the_day_they_asked_in_their_clinics_zone(world: World) -> None:
    from sitbone.interop.models import ErasureRequest

    in_sydney(world)
    asked = ErasureRequest.objects.create(clinic=world.clinic, patient=world.patient)
    ErasureRequest.objects.filter(pk=asked.pk).update(requested_at=AT)

    page = signed_in(world.patient_user).get("/me/data/").content.decode()

    assert "You asked on 2 March 2026." in page
    assert "2 Mar 2026: " in page


def zone_seen(user: Any, path: str) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse()

    request = RequestFactory().get(path)
    request.user = user
    ClinicTimeZoneMiddleware(view)(request)
    return seen[0]


def test_the_zone_is_the_signed_in_persons_clinics_and_only_outside_the_api(
    world: World,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    in_sydney(world)
    world.other_clinic.time_zone = "America/Chicago"
    world.other_clinic.save(update_fields=["time_zone"])
    fresh = type(world.admin).objects.get

    assert zone_seen(fresh(pk=world.clinician.pk), "/clinic/") == "Australia/Sydney"
    assert zone_seen(fresh(pk=world.patient_user.pk), "/me/") == "Australia/Sydney"
    assert zone_seen(fresh(pk=world.other_clinic_clinician.pk), "/clinic/") == "America/Chicago"
    assert zone_seen(fresh(pk=world.clinician.pk), "/api/v1/patients") == "UTC"
    assert zone_seen(AnonymousUser(), "/") == "UTC"
    assert timezone.get_current_timezone_name() == "UTC"  # nothing stays active afterwards
