"""The access matrix for every other HTTP method: each route × POST, PUT, PATCH, DELETE, HEAD and
OPTIONS × every role, against the outcomes in access_matrix_methods.txt (GET is in
test_access_matrix.py).

A row names a route, a method, and one outcome per role. `*` stands for every method the route
has no row of its own for, so each route needs at least its `*` row: a new route, or an old one
that starts to accept a new method, fails here until someone decides who may use it. Every
operation in the API's OpenAPI document must have a row of its own.

Requests carry no body: a row says who gets past the gates, not what valid input does (the
foreign-key and object tests send real input). Each request runs in a transaction that is rolled
back, and the client's cookies are put back afterwards, so no cell depends on another: a POST to
sign out or to cancel an appointment changes nothing for the next one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve

from tests.conftest import ROLES, World
from tests.web.access_matrix import concrete_path, iter_routes
from tests.web.test_access_matrix import admin_object, params_for

METHODS = ("POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
TABLE = Path(__file__).with_name("access_matrix_methods.txt")


def load_table() -> dict[str, dict[str, tuple[str, ...]]]:
    """{route: {method or "*": outcomes by role}} from the data file."""
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for number, line in enumerate(TABLE.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        route, method, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), f"line {number}: {len(outcomes)} outcomes"
        assert method == "*" or method in METHODS, f"line {number}: method {method}"
        assert method not in table.get(route, {}), f"line {number}: {route} {method} twice"
        table.setdefault(route, {})[method] = tuple(outcomes)
    return table


def expected(rows: dict[str, tuple[str, ...]], method: str) -> tuple[str, ...]:
    return rows.get(method, rows["*"])


def probe(client: Client, method: str, path: str) -> str:
    """One request whose effects are undone: the outcome, as the matrix writes it."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            response = client.generic(method, path)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    if response.status_code in (301, 302, 303):
        return "login" if "/login/" in response["Location"] else "redirect"
    return str(response.status_code)


def openapi_operations() -> Iterator[tuple[str, str, str]]:
    """(operationId, METHOD, a concrete path) for every operation in the schema."""
    from sitbone.api.main import api

    schema = api.get_openapi_schema()
    dummy = "00000000-0000-4000-8000-000000000000"
    for path, item in schema["paths"].items():
        concrete = path
        while "{" in concrete:
            start = concrete.index("{")
            concrete = concrete[:start] + dummy + concrete[concrete.index("}", start) + 1 :]
        for method, operation in item.items():
            yield operation["operationId"], method.upper(), concrete


def route_key(path: str) -> str:
    match = resolve(path)
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def suggested_rows(world: World, routes: list[str]) -> str:
    """What each role gets now, written as rows to check and paste into the data file."""
    patterns = dict(iter_routes())
    clients = [Client() for _ in ROLES]
    for client, role in zip(clients, ROLES, strict=True):
        user = world.user_for(role)
        if user is not None:
            client.force_login(user)
    params = params_for(world)
    lines = []
    for route in routes:
        path = concrete_path(patterns[route], {**params, **admin_object(world, patterns[route])})
        for method in METHODS:
            outcomes = [probe(client, method, path) for client in clients]
            lines.append(f"{route:<56} {method:<7} " + " ".join(f"{o:<6}" for o in outcomes))
    return "\n".join(lines)


def test_every_route_has_a_row_for_every_method(world: World) -> None:
    table = load_table()
    routes = [key for key, _ in iter_routes()]
    missing = [key for key in routes if "*" not in table.get(key, {})]
    assert missing == [], (
        "Decide who may use these routes with each method; what they answer now is:\n"
        + suggested_rows(world, missing)
    )
    assert set(table) - set(routes) == set(), "rows for routes that no longer exist"


def test_every_api_operation_has_a_row_of_its_own() -> None:
    table = load_table()
    operations = list(openapi_operations())
    assert len(operations) >= 20
    unclassified = [
        (name, method)
        for name, method, path in operations
        if method != "GET" and method not in table.get(route_key(path), {})
    ]
    assert unclassified == []
    # And no API route accepts a method the schema does not document. Two route names can share
    # one address (a list and its create), so compare addresses.
    pattern = dict(iter_routes())
    documented = {(pattern[route_key(path)], method) for _, method, path in operations}
    undocumented = [
        (route, method)
        for route, rows in table.items()
        if route.startswith("api:")
        for method in rows
        if method != "*" and (pattern[route], method) not in documented
    ]
    assert undocumented == []


@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
def test_each_role_gets_exactly_the_expected_outcome_for_every_method(
    world: World, settings: Any, role_index: int, role: str
) -> None:
    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    settings.SITBONE_API_AUTH_FAILURE_LIMIT = "100000/60"
    table = load_table()
    user: Any = world.user_for(role)
    client = Client()
    if user is not None:
        client.force_login(user)
    params = params_for(world)
    wrong = {}
    checked = 0
    for key, pattern in iter_routes():
        path = concrete_path(pattern, {**params, **admin_object(world, pattern)})
        for method in METHODS:
            want = expected(table[key], method)[role_index]
            got = probe(client, method, path)
            checked += 1
            if got != want:
                wrong[f"{key} {method}"] = (got, want)
    assert wrong == {}, f"{role}: route method → (got, expected): {wrong}"
    assert checked >= 6 * 150
