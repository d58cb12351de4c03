"""The API fuzzed against its own OpenAPI schema, served live (schemathesis 4).

Every operation gets generated requests twice: once with generated path ids (mostly unknown ones)
and once with ids of real records, so success answers are checked against their schemas too. The
checks: no server error, no status the operation does not declare, the declared content type, and
bodies that match their schemas. Bounded (derandomised; 5 examples with generated ids, 10 with
real ones, per operation) so it stays well under a minute and a half.

Then a two-user check walks every GET in the schema: one patient's session and another clinic's
token ask for the first patient's records and get 404 each time.
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import make_token, seed_history
from tests.conftest import make_world

pytestmark = pytest.mark.django_db(transaction=True)


def checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def session_headers(user: Any) -> dict[str, str]:
    """Cookie and CSRF headers of a signed-in browser session, usable from outside the app."""
    client = Client()
    client.force_login(user)
    csrf = secrets.token_urlsafe(24)[:32].ljust(32, "a")
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


def real_ids(history: dict[str, Any], patient: Any) -> dict[str, dict[str, str]]:
    """Path parameters of real records, by operation id."""
    one = {
        "programme_detail": history["programme"],
        "decision_detail": history["decision"],
        "session_detail": history["sessions"][0],
        "morning_check_detail": history["morning"],
        "measure_detail": history["measure"],
        "assessment_detail": history.get("assessment"),
        "appointment_detail": history.get("appointment"),
    }
    ids = {name: {"id": str(row.public_id)} for name, row in one.items() if row is not None}
    return {"*": {"patient_id": str(patient.public_id)}, **ids}


def fuzz(
    operation: Any,
    *,
    base_url: str,
    headers: dict[str, str],
    path_parameters: Any,
    examples: int,
) -> None:
    strategy = operation.as_strategy(path_parameters=path_parameters)
    selected = checks()

    @given(case=strategy)
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=selected)

    run()


def test_the_api_keeps_to_its_own_schema(live_server: Any, settings: Any) -> None:
    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    world = make_world()
    history = seed_history(world)
    token = make_token(world.clinic, world.admin)[1]
    token_headers = {"Authorization": f"Bearer {token}"}
    patient_headers = session_headers(world.patient_user)
    schema = schemathesis.openapi.from_url(
        f"{live_server.url}/api/openapi.json", headers=token_headers, timeout=30
    )
    ids = real_ids(history, world.patient)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        name = operation.definition.raw["operationId"]
        names = {p.name for p in operation.path_parameters}
        known = {
            key: value for key, value in {**ids["*"], **ids.get(name, {})}.items() if key in names
        }
        diary_write = operation.method.upper() == "POST" and name.endswith(
            ("session_create", "morning_check_create")
        )
        headers = patient_headers if diary_write else token_headers
        base = live_server.url
        fuzz(operation, base_url=base, headers=headers, path_parameters=None, examples=5)
        if known:
            fuzz(operation, base_url=base, headers=headers, path_parameters=known, examples=10)


def test_one_user_reads_nothing_of_another_through_any_get(live_server: Any, settings: Any) -> None:
    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    world = make_world()
    history = seed_history(world)
    patient_b = session_headers(world.other_patient_user)
    from sitbone.accounts.services import account_create
    from sitbone.clinics.models import Membership

    admin_b = account_create(email="admin@hilltop.test", password="x" * 20, full_name="Bea B")
    Membership.objects.create(clinic=world.other_clinic, user=admin_b, role="admin")
    token_b = {"Authorization": f"Bearer {make_token(world.other_clinic, admin_b)[1]}"}
    own_token = {"Authorization": f"Bearer {make_token(world.clinic, world.admin)[1]}"}
    schema = requests.get(f"{live_server.url}/api/openapi.json", headers=own_token, timeout=30)
    ids = real_ids(history, world.patient)
    probed = 0
    for path, item in schema.json()["paths"].items():
        get = item.get("get")
        if get is None or "{" not in path:
            continue
        params = {**ids["*"], **ids.get(get["operationId"], {})}
        url = live_server.url + path.format(**params)
        assert requests.get(url, headers=own_token, timeout=30).status_code == 200, url
        for who, headers in (("patient B", patient_b), ("clinic B token", token_b)):
            response = requests.get(url, headers=headers, timeout=30)
            code = response.json()["error"]["code"]
            if who == "patient B" and code == "staff_only":
                assert response.status_code == 403  # staff-only data, refused for any patient
                continue
            assert response.status_code == 404, (who, url, response.text)
            assert code == "not_found"
        probed += 1
    assert probed >= 10
