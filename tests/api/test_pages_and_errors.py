"""Cursor pages, date filters, the one error shape, and what the OpenAPI schema promises."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import Api, seed_history, session_api
from tests.conftest import World

DAY = dt.date(2026, 10, 1)


def many_mornings(world: World, count: int) -> list[Any]:
    from sitbone.diary.models import MorningCheck

    return [
        MorningCheck.objects.create(
            clinic=world.clinic,
            patient=world.patient,
            checked_on=DAY + dt.timedelta(days=i),
            task="bridge_hold_single_leg_short_lever",
            pain=i % 10,
        )
        for i in range(count)
    ]


def test_cursor_pages_walk_every_item_once_newest_first(world: World, api_a: Api) -> None:
    checks = many_mornings(world, 7)
    path = f"/patients/{world.patient.public_id}/morning-checks"
    seen: list[str] = []
    sizes = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = api_a.get(path, **params).json()
        seen += [item["checked_on"] for item in body["items"]]
        sizes.append(len(body["items"]))
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert seen == sorted((c.checked_on.isoformat() for c in checks), reverse=True)


def test_rows_added_while_paging_do_not_shift_the_pages(world: World, api_a: Api) -> None:
    from sitbone.diary.models import MorningCheck

    many_mornings(world, 4)
    path = f"/patients/{world.patient.public_id}/morning-checks"
    first = api_a.get(path, limit=2).json()
    MorningCheck.objects.create(
        clinic=world.clinic, patient=world.patient, checked_on=DAY + dt.timedelta(days=30), pain=1
    )
    second = api_a.get(path, limit=2, cursor=first["next_cursor"]).json()
    assert [i["checked_on"] for i in second["items"]] == ["2026-10-02", "2026-10-01"]


def test_since_and_until_filter_inclusively(world: World, api_a: Api) -> None:
    many_mornings(world, 10)
    path = f"/patients/{world.patient.public_id}/morning-checks"
    body = api_a.get(path, since="2026-10-03", until="2026-10-05").json()
    assert [i["checked_on"] for i in body["items"]] == ["2026-10-05", "2026-10-04", "2026-10-03"]
    assert api_a.get(path, since="2026-10-11").json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
        ({"limit": "many"}, "query.limit"),
        ({"since": "yesterday"}, "query.since"),
        ({"since": "2026-10-05", "until": "2026-10-01"}, "query.since"),
        ({"cursor": "not-a-cursor"}, "query.cursor"),
    ],
)
def test_bad_list_parameters_get_422_naming_the_field(
    world: World, api_a: Api, params: dict[str, Any], field: str
) -> None:
    response = api_a.get(f"/patients/{world.patient.public_id}/morning-checks", **params)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]


def test_a_cursor_is_signed_and_only_fits_its_own_list(world: World, api_a: Api) -> None:
    seed_history(world)
    many_mornings(world, 3)
    pid = world.patient.public_id
    cursor = api_a.get(f"/patients/{pid}/morning-checks", limit=1).json()["next_cursor"]
    assert api_a.get(f"/patients/{pid}/sessions", cursor=cursor).status_code == 422
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert api_a.get(f"/patients/{pid}/morning-checks", cursor=tampered).status_code == 422


def test_every_list_is_paged_and_filtered(world: World, api_a: Api) -> None:
    seed_history(world)
    pid = world.patient.public_id
    for path in (
        "/patients",
        f"/patients/{pid}/programmes",
        f"/patients/{pid}/sessions",
        f"/patients/{pid}/morning-checks",
        f"/patients/{pid}/measures",
        f"/patients/{pid}/decisions",
    ):
        body = api_a.get(path, limit=1, since="2000-01-01", until="2100-01-01").json()
        assert len(body["items"]) == 1, path
        assert "next_cursor" in body
        assert api_a.get(path, since="2100-01-02").json()["items"] == [], path


def test_a_listed_session_is_the_same_as_the_session_read_alone(world: World, api_a: Api) -> None:
    from sitbone.diary.models import SessionEntry, SessionLog

    seed_history(world)
    newest = SessionLog.objects.filter(patient=world.patient).order_by("-performed_on").first()
    assert newest is not None
    for exercise in newest.programme.exercises.all()[1:3]:  # a second and third exercise
        SessionEntry.objects.create(
            session=newest, exercise_id=exercise.exercise_id, sets_done=2, pain_during=4
        )
    listed = api_a.get(f"/patients/{world.patient.public_id}/sessions").json()["items"]

    assert [len(item["entries"]) for item in listed] == [3, 1]  # newest first, each its own
    for item in listed:
        assert item == api_a.get(f"/sessions/{item['id']}").json()
    assert listed[0]["entries"][1]["sets_done"] == 2


# The error shape


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    if code:
        assert body["error"]["code"] == code
    return dict(body["error"])


def test_every_kind_of_failure_has_the_same_shape(world: World, api_a: Api) -> None:
    pid = world.patient.public_id
    assert_error(Client().get("/api/v1/patients"), 401, "unauthenticated")
    assert_error(api_a.get("/no/such/thing"), 404, "not_found")
    assert_error(Client().get("/api/"), 404, "not_found")
    assert_error(api_a.get(f"/patients/{world.other_patient.public_id}x"), 404, "not_found")
    assert_error(api_a.client.delete(f"/api/v1/patients/{pid}"), 405, "method_not_allowed")
    assert_error(api_a.client.get("/api/v1/engine/score"), 405, "method_not_allowed")
    bad_json = api_a.client.post(
        "/api/v1/engine/decide",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_a.token}"},
    )
    assert_error(bad_json, 400, "bad_request")
    error = assert_error(
        api_a.post(f"/patients/{pid}/measures", {"instrument": "lefs", "taken_on": "2026-11-01"}),
        422,
        "invalid",
    )
    assert error["field"] == "body.answers"
    error = assert_error(
        api_a.post(
            f"/patients/{pid}/measures",
            {"instrument": "lefs", "taken_on": "2026-11-01", "answers": [1] * 20, "total": 80},
        ),
        422,
    )
    assert error["field"] == "body.total"  # unknown fields are refused, never silently set


@pytest.mark.parametrize("notes", ["a\x00b", "\x1b[31mred", "\u202eright to left"])
def test_control_characters_are_refused_before_any_write(world: World, notes: str) -> None:
    """NUL (PostgreSQL cannot store it) and the control and formatting characters every form
    refuses: the API keeps the same rule as the forms."""
    from sitbone.diary.models import SessionLog

    seed_history(world)
    api = session_api(world.patient_user)
    count = SessionLog.objects.count()
    body = {"performed_on": "2026-11-01", "pain_during": 1, "pain_after": 1, "notes": notes}
    error = assert_error(api.post(f"/patients/{world.patient.public_id}/sessions", body), 422)
    assert error["field"] == "body.notes"
    assert "Remove the hidden character" in error["message"]
    assert SessionLog.objects.count() == count
    response = api.get(f"/patients/{world.patient.public_id}/measures", instrument="le\x00fs")
    assert_error(response, 422)


def test_a_session_write_needs_the_csrf_token(world: World) -> None:
    seed_history(world)
    api = session_api(world.patient_user, csrf=True)
    path = f"/api/v1/patients/{world.patient.public_id}/morning-checks"
    body = '{"checked_on": "2026-11-01", "pain": 2}'
    response = api.client.post(path, body, content_type="application/json")
    assert_error(response, 403, "csrf_failed")
    api.client.get("/me/data/")  # a page with a form hands out the CSRF token
    token = api.client.cookies["csrftoken"].value
    response = api.client.post(
        path, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content


def test_an_unhandled_error_is_a_500_in_the_same_shape(
    world: World, api_a: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitbone.api.routers import patients

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(patients, "patient_out", boom)
    error = assert_error(api_a.get(f"/patients/{world.patient.public_id}"), 500, "server_error")
    assert "boom" not in error["message"]


def test_every_operation_declares_its_errors_in_the_schema(world: World, api_a: Api) -> None:
    schema = api_a.client.get(
        "/api/openapi.json", headers={"Authorization": f"Bearer {api_a.token}"}
    ).json()
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert len(operations) >= 20
    for operation in operations:
        declared = set(operation["responses"])
        assert {"401", "403", "422", "429", "500"} <= declared, operation["operationId"]
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), operation["operationId"]
    assert schema["components"]["securitySchemes"].keys() == {"TokenAuth", "SessionAuth"}


def test_the_schema_is_for_signed_in_people_and_tokens(world: World, api_a: Api) -> None:
    assert_error(Client().get("/api/openapi.json"), 401, "unauthenticated")
    assert (
        Client().get("/api/openapi.json", headers={"Authorization": "Bearer sbt_x"}).status_code
        == 401
    )
    assert (
        api_a.client.get(
            "/api/openapi.json", headers={"Authorization": f"Bearer {api_a.token}"}
        ).status_code
        == 200
    )
    assert session_api(world.patient_user).client.get("/api/openapi.json").status_code == 200


def test_the_docs_page_is_for_staff_and_needs_no_cdn(world: World) -> None:
    assert Client().get("/api/docs").status_code == 302
    assert session_api(world.patient_user).client.get("/api/docs").status_code == 404
    response = session_api(world.clinician).client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/patients/{patient_id}/sessions" in html
    # every script and stylesheet comes from this server (a random CSRF token or nonce may
    # spell "cdn", so the page's text is not searched for it)
    assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    assert "<style" not in html and " style=" not in html
    scripts = [part for part in html.split("<script")[1:]]
    assert all("src=" in s.split(">")[0] and 'nonce="' in s.split(">")[0] for s in scripts)
    assert "script-src" in response["Content-Security-Policy"]


def test_response_shapes_check_plain_values_in_pydantic_alone() -> None:
    """A response shape built on django-ninja's Schema wraps every object of a page (a session
    and each of its exercises) in an attribute reader before checking it; on a page of 50
    sessions that cost more than reading the rows. The presenters hand over plain values, so
    every shape is a plain pydantic model (sitbone.api.schemas.Out)."""
    from ninja import Schema

    from sitbone.api import schemas

    shapes = [
        shape
        for shape in vars(schemas).values()
        if isinstance(shape, type)
        and shape.__module__ == schemas.__name__
        and shape.__name__.endswith("Out")
        and shape is not schemas.Out
    ]
    assert len(shapes) > 20
    assert [s.__name__ for s in shapes if not issubclass(s, schemas.Out)] == []
    assert [s.__name__ for s in shapes if issubclass(s, Schema)] == []
