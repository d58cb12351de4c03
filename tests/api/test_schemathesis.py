"""The API fuzzed against its own OpenAPI schema, served live (schemathesis 4).

Every operation gets generated requests twice: once with generated path ids (mostly unknown ones)
and once with ids of real records, so success answers are checked against their schemas too. The
checks: no server error, no status the operation does not declare, the declared content type, and
bodies that match their schemas. Bounded (derandomised; 5 examples with generated ids, 10 with
real ones, per operation) so it stays well under a minute and a half.

Then object-level authorisation, twice over:

- schemathesis's own `object_level_authorization` check, with three peers that must never see
  each other's records (two patients of one clinic, and a token of another clinic): it learns
  who owns which ids from their own lists and reads, replays every successful read as the other
  peers and fails on any equivalent answer. A control run with a deliberately leaky patient
  lookup proves the check would notice.
- a walk over every GET in the schema with path ids: another patient, another clinic's token and
  another clinic's clinician ask for the first patient's records, and the first clinic's token,
  clinician and patient ask for a record of the other clinic; every answer is 404.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import make_token, seed_history
from tests.conftest import World, make_world

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


def other_clinic_world(world: World) -> World:
    """The same cast in the other clinic: its admin, its clinician and a patient with a full
    history, so the first clinic's people have records of the other clinic to probe."""
    from sitbone.accounts.services import account_create
    from sitbone.clinics.models import Membership
    from sitbone.patients.models import Patient

    admin = account_create(email="admin@hilltop.test", password="x" * 20, full_name="Bea B")
    Membership.objects.create(clinic=world.other_clinic, user=admin, role="admin")
    user = account_create(email="hill@hilltop.test", password="x" * 20, full_name="Hal Hill")
    hill = Patient.objects.create(
        clinic=world.other_clinic, user=user, full_name="Hal Hill", email=user.email
    )
    hill.assigned_clinicians.add(world.other_clinic_clinician)
    return World(
        clinic=world.other_clinic,
        other_clinic=world.clinic,
        admin=admin,
        clinician=world.other_clinic_clinician,
        unassigned_clinician=world.other_clinic_clinician,
        other_clinic_clinician=world.clinician,
        patient_user=user,
        patient=hill,
        other_patient_user=world.patient_user,
        other_patient=world.patient,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_one_user_reads_nothing_of_another_through_any_get(live_server: Any, settings: Any) -> None:
    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    settings.SITBONE_API_AUTH_FAILURE_LIMIT = "100000/60"
    world = make_world()
    hill = other_clinic_world(world)
    sides = [
        (
            real_ids(seed_history(world), world.patient),
            bearer(make_token(world.clinic, world.admin)[1]),
            {
                "patient B": session_headers(world.other_patient_user),
                "clinic B token": bearer(make_token(hill.clinic, hill.admin)[1]),
                "clinician B": session_headers(hill.clinician),
            },
        ),
        (
            real_ids(seed_history(hill), hill.patient),
            bearer(make_token(hill.clinic, hill.admin)[1]),
            {
                "clinic A token": bearer(make_token(world.clinic, world.admin)[1]),
                "clinician A": session_headers(world.clinician),
                "clinic A admin": session_headers(world.admin),
                "patient A": session_headers(world.patient_user),
            },
        ),
    ]
    schema = requests.get(
        f"{live_server.url}/api/openapi.json", headers=sides[0][1], timeout=30
    ).json()
    probed = 0
    for ids, owner, outsiders in sides:
        for path, item in schema["paths"].items():
            get = item.get("get")
            if get is None or "{" not in path:
                continue
            params = {**ids["*"], **ids.get(get["operationId"], {})}
            url = live_server.url + path.format(**params)
            assert requests.get(url, headers=owner, timeout=30).status_code == 200, url
            for who, headers in outsiders.items():
                response = requests.get(url, headers=headers, timeout=30)
                code = response.json()["error"]["code"]
                if who.startswith("patient") and code == "staff_only":
                    assert response.status_code == 403  # staff-only data, refused for any patient
                    continue
                assert response.status_code == 404, (who, url, response.text)
                assert code == "not_found"
                probed += 1
    assert probed >= 50


PEERS = ("patient_a", "patient_b", "clinic_b")


def run_object_level_check(live_server: Any, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """schemathesis's `object_level_authorization` over every GET, as three peers who must never
    see each other's records, through its command line (where peers are configured)."""
    world = make_world()
    seed_history(world)
    hill = other_clinic_world(world)
    seed_history(hill)
    own = bearer(make_token(world.clinic, world.admin)[1])
    schema = requests.get(f"{live_server.url}/api/openapi.json", headers=own, timeout=30)
    (tmp_path / "openapi.json").write_text(schema.text)
    identities = {
        "patient_a": session_headers(world.patient_user),
        "patient_b": session_headers(world.other_patient_user),
        "clinic_b": bearer(make_token(hill.clinic, hill.admin)[1]),
    }
    auth = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": k, "value": v} for k, v in headers.items()]}
            for name, headers in identities.items()
        ]
    }
    (tmp_path / "wfc.json").write_text(json.dumps(auth))
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f'[auth.wfc]\npath = "{tmp_path / "wfc.json"}"\npeers = {json.dumps(PEERS)}\n'
    )
    return subprocess.run(
        [
            *(sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config)),
            *("run", str(tmp_path / "openapi.json"), "--url", live_server.url),
            *("--checks", "object_level_authorization,not_a_server_error"),
            *("--include-method", "GET", "--phases", "fuzzing,stateful"),
            *("--max-examples", "10", "--seed", "20261126", "--workers", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,  # its cache directory goes there, not into the checkout
    )


def test_no_peer_reads_another_peers_records(
    live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    settings.SITBONE_API_AUTH_FAILURE_LIMIT = "100000/60"
    result = run_object_level_check(live_server, tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Object-level authorization bypass" not in result.stdout


@pytest.mark.sqlite  # proves the check's power; once is enough
def test_the_object_level_check_catches_a_leaky_patient_lookup(
    live_server: Any, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib
    import pkgutil

    import sitbone.api.routers
    from sitbone.api import scoping
    from sitbone.patients.models import Patient

    def leaky(principal: Any, patient_id: object, request: Any, what: str) -> Any:
        """The bug to catch: a patient reaches any patient by id."""
        found = Patient.objects.filter(public_id=str(patient_id)).first()
        if principal.staff is None and found is not None:
            return found
        return scoping.patient_for(principal, patient_id, request, what)

    for module in pkgutil.iter_modules(sitbone.api.routers.__path__):
        router = importlib.import_module(f"sitbone.api.routers.{module.name}")
        if hasattr(router, "patient_for"):
            monkeypatch.setattr(router, "patient_for", leaky)
    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    settings.SITBONE_API_AUTH_FAILURE_LIMIT = "100000/60"
    result = run_object_level_check(live_server, tmp_path)
    assert result.returncode != 0
    assert "`patient_b` received the `Patient` that `patient_a` owns" in result.stdout
