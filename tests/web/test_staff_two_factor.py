"""Staff two-factor sign-in, enforced when the clinic requires it (issue 9, item 7; ASVS 6.3.3).

A staff member of such a clinic without an authenticator app is sent to set one up from every
route except the sign-in pages themselves, with every method, and reaches no patient data on the
way: no page, no API answer, no write, no read in the audit trail. Once an authenticator is set
up, the same person works as before; staff of a clinic that does not require it are unaffected.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sitbone.clinics.models import AuditEvent
from tests.conftest import World
from tests.processes import in_another_process
from tests.web.access_matrix import concrete_path, iter_routes
from tests.web.test_access_matrix import admin_object, params_for
from tests.web.test_foreign_key_injection import nothing_written

SET_UP = "/accounts/2fa/totp/activate/"
OPEN_TO_ALL = ("/accounts/", "/static/", "/healthz")
"""Signing in, signing out and setting up the authenticator must stay reachable."""


def add_authenticator(user: Any) -> None:
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


@pytest.mark.parametrize("role", ["assigned_clinician", "unassigned_clinician", "clinic_admin"])
def test_staff_without_an_authenticator_reach_nothing_but_the_set_up(
    world: World, role: str
) -> None:
    world.clinic.require_staff_mfa = True
    world.clinic.save()
    client = Client()
    client.force_login(world.user_for(role))
    params = params_for(world)
    paths = {
        key: concrete_path(pattern, {**params, **admin_object(world, pattern)})
        for key, pattern in iter_routes()
    }
    first_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    wrong = {}
    checked = 0
    with nothing_written():
        for key, path in paths.items():
            if path.startswith(OPEN_TO_ALL):
                continue
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                response = client.generic(method, path)
                checked += 1
                if response.status_code != 302 or response["Location"] != SET_UP:
                    wrong[f"{key} {method}"] = response.status_code
    assert wrong == {}
    assert checked >= 5 * 100
    assert not AuditEvent.objects.filter(id__gt=first_event, category="read").exists()


def test_with_an_authenticator_the_same_staff_member_works_as_before(world: World) -> None:
    world.clinic.require_staff_mfa = True
    world.clinic.save()
    add_authenticator(world.clinician)
    client = Client()
    client.force_login(world.clinician)
    assert client.get(f"/clinic/patients/{world.patient.public_id}/").status_code == 200
    assert client.get(f"/api/v1/patients/{world.patient.public_id}").status_code == 200


def test_the_rule_is_the_clinics_own(world: World) -> None:
    world.clinic.require_staff_mfa = True
    world.clinic.save()
    elsewhere = Client()
    elsewhere.force_login(world.other_clinic_clinician)  # Hilltop does not require it
    assert elsewhere.get("/clinic/").status_code == 200
    patient = Client()
    patient.force_login(world.patient_user)  # patients are not staff
    assert patient.get("/me/").status_code == 200


@pytest.mark.django_db(transaction=True)  # committed, so the other process sees the code used
def test_a_two_factor_code_used_on_one_server_process_is_refused_on_another(world: World) -> None:
    """Codes are single-use (ASVS 6.5.1): allauth marks a used code in the cache, which is the
    database, so every gunicorn worker sees the mark."""
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = generate_totp_secret()
    totp = TOTP.activate(world.clinician, secret)
    for _ in range(2):  # once more if the 30 s period turned while the other process started
        code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
        assert totp.validate_code(code)
        still_valid, accepted = in_another_process(
            "from allauth.mfa.models import Authenticator\n"
            "from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code\n"
            "totp = TOTP(Authenticator.objects.get(pk=args[0]))\n"
            "print(validate_totp_code(args[2], args[1]), totp.validate_code(args[1]))",
            str(totp.instance.pk),
            code,
            secret,
        )
        if still_valid == "True":
            break
    assert (still_valid, accepted) == ("True", "False")  # a good code, refused as used
