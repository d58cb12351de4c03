"""Clinic API tokens: stored hashed, shown once, scoped, expiring, revocable; the admin page."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api, make_token, seed_history
from tests.conftest import World


def test_only_a_hash_of_the_secret_is_stored(world: World) -> None:
    from sitbone.api.models import ApiToken

    token, secret = make_token(world.clinic, world.admin)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix) and len(secret) > 40
    assert secret not in str(ApiToken.objects.values().get(pk=token.pk))


@pytest.mark.parametrize(
    "header",
    ["Bearer sbt_not-a-token", "Bearer ", "Basic Zm9vOmJhcg==", "Bearer " + "sbt_" + "x" * 300],
)
def test_a_bad_token_is_unauthenticated(world: World, header: str) -> None:
    response = Client().get("/api/v1/patients", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": response.json()["error"]["message"],
            "field": None,
        }
    }


def test_an_expired_token_stops_working(world: World) -> None:
    from sitbone.api.models import ApiToken

    token, secret = make_token(world.clinic, world.admin)
    assert Api(Client(), secret).get("/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Api(Client(), secret).get("/me").status_code == 401


def test_a_revoked_token_stops_working_at_once(world: World) -> None:
    from sitbone.api.services import api_token_revoke

    token, secret = make_token(world.clinic, world.admin)
    assert Api(Client(), secret).get("/me").status_code == 200
    api_token_revoke(actor=world.admin, token=token)
    assert Api(Client(), secret).get("/me").status_code == 401


def test_use_is_recorded(world: World) -> None:
    from sitbone.api.models import ApiToken

    token, secret = make_token(world.clinic, world.admin)
    Api(Client(), secret).get("/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


@pytest.mark.parametrize(
    ("scopes", "method", "path", "allowed"),
    [
        (["engine"], "get", "/patients", False),
        (["patients:read"], "get", "/patients", True),
        (["patients:read"], "get", "/patients/{p}/sessions", False),
        (["clinical:read"], "get", "/patients/{p}/sessions", True),
        (["clinical:read"], "get", "/patients/{p}/fhir", False),
        (["clinical:read", "patients:read"], "get", "/patients/{p}/fhir", True),
        (["clinical:read"], "post", "/patients/{p}/measures", False),
        (["clinical:write"], "post", "/patients/{p}/measures", True),
        (["patients:read", "clinical:read", "clinical:write"], "post", "/engine/score", False),
        (["engine"], "post", "/engine/score", True),
    ],
)
def test_scopes_limit_what_a_token_may_do(
    world: World, scopes: list[str], method: str, path: str, allowed: bool
) -> None:
    seed_history(world)
    api = Api(Client(), make_token(world.clinic, world.admin, scopes)[1])
    path = path.replace("{p}", str(world.patient.public_id))
    if method == "get":
        response = api.get(path)
    elif "measures" in path:
        response = api.post(path, {"instrument": "nprs", "taken_on": "2026-11-01", "answers": 3})
    else:
        response = api.post(path, {"instrument": "nprs", "answers": 3})
    if allowed:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "insufficient_scope"


def test_a_token_never_acts_as_a_clinic_admin(world: World, api_a: Api) -> None:
    assert api_a.get("/me").json()["kind"] == "token"
    response = api_a.client.get(
        "/clinic/api-tokens/", headers={"Authorization": f"Bearer {api_a.token}"}
    )
    assert response.status_code == 302  # the admin pages need a signed-in admin, not a token


# The clinic admin's page


def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_the_admin_makes_a_token_and_sees_the_secret_once(world: World) -> None:
    from sitbone.api.models import ApiToken

    client = admin_client(world)
    response = client.post(
        "/clinic/api-tokens/",
        {"name": "Practice sync", "scopes": ["patients:read", "clinical:read"], "days": "30"},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Practice sync")
    secret = response.context["secret"]
    assert secret.encode() in response.content
    assert token.scopes == ["clinical:read", "patients:read"]
    assert token.clinic == world.clinic and token.created_by == world.admin
    assert response["Cache-Control"] == "no-store"
    assert secret.encode() not in client.get("/clinic/api-tokens/").content
    assert Api(Client(), secret).get("/patients").status_code == 200


def test_bad_token_form_input_changes_nothing(world: World) -> None:
    from sitbone.api.models import ApiToken

    client = admin_client(world)
    for data in (
        {"name": "", "scopes": ["engine"], "days": "30"},
        {"name": "x" * 81, "scopes": ["engine"], "days": "30"},
        {"name": "No scopes", "days": "30"},
        {"name": "Bad scope", "scopes": ["admin:everything"], "days": "30"},
        {"name": "Bad days", "scopes": ["engine"], "days": "9999"},
    ):
        response = client.post("/clinic/api-tokens/", data)
        assert response.status_code == 400, data
        assert b"There is a problem" in response.content
    assert ApiToken.objects.count() == 0


def test_the_admin_revokes_a_token(world: World) -> None:
    token, secret = make_token(world.clinic, world.admin)
    response = admin_client(world).post(f"/clinic/api-tokens/{token.public_id}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(Client(), secret).get("/me").status_code == 401


def test_another_clinics_admin_cannot_revoke_a_token(world: World, token_b: str) -> None:
    from sitbone.api.models import ApiToken

    token_a, secret = make_token(world.clinic, world.admin)
    other_admin = ApiToken.objects.exclude(pk=token_a.pk).get().created_by
    client = Client()
    client.force_login(other_admin)
    response = client.post(f"/clinic/api-tokens/{token_a.public_id}/revoke/")
    assert response.status_code == 404
    assert Api(Client(), secret).get("/me").status_code == 200


@pytest.mark.parametrize("role", ["clinician", "patient_user"])
def test_only_clinic_admins_reach_the_token_page(world: World, role: str) -> None:
    token, _ = make_token(world.clinic, world.admin)
    client = Client()
    client.force_login(getattr(world, role))
    assert client.get("/clinic/api-tokens/").status_code == 404
    assert client.post(f"/clinic/api-tokens/{token.public_id}/revoke/").status_code == 404
    assert (
        client.post(
            "/clinic/api-tokens/", {"name": "Sneaky", "scopes": ["engine"], "days": "30"}
        ).status_code
        == 404
    )


def test_making_and_revoking_tokens_is_audited(world: World) -> None:
    from sitbone.clinics.models import AuditEvent

    client = admin_client(world)
    client.post("/clinic/api-tokens/", {"name": "Sync", "scopes": ["engine"], "days": "30"})
    from sitbone.api.models import ApiToken

    token = ApiToken.objects.get()
    client.post(f"/clinic/api-tokens/{token.public_id}/revoke/")
    actions = list(AuditEvent.objects.filter(actor=world.admin).values_list("action", flat=True))
    assert "api_token.create" in actions and "api_token.revoke" in actions
