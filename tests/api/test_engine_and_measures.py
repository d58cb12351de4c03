"""The engine endpoints answer exactly what `sitbone engine` answers; measures are engine-scored."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.api.conftest import Api, seed_history, session_api
from tests.conftest import World

DOCUMENTS: list[tuple[str, dict[str, Any]]] = [
    ("score", {"instrument": "lefs", "answers": [1, 2, 3, 4] * 5}),
    (
        "score",
        {
            "instrument": "visa_h",
            "answers": {
                **{f"q{i}": 5 for i in range(1, 7)},
                "q7": 4,
                "q8": {"branch": "pain_not_stopping", "minutes": 25},
            },
            "previous_total": 40,
        },
    ),
    ("screen", {"answers": {"sitting_pain_at_sit_bone": True, "saddle_numbness": False}}),
    (
        "post-test",
        {"pretest": 0.4, "tests": [{"name": "modified_bent_knee", "result": "positive"}]},
    ),
    (
        "decide",
        {
            "stage": 2,
            "baseline_morning_pain": 2,
            "sessions": [
                {
                    "date": "2026-11-02",
                    "pain_during": 3,
                    "pain_after": 2,
                    "next_morning_pain": 2,
                    "completed": True,
                }
            ],
            "weekly_morning_pain": [2.0, 2.5],
        },
    ),
    ("prescribe", {"stage": 2, "equipment": ["resistance_band"], "irritability": "low"}),
    (
        "run-step",
        {
            "current_step": 1,
            "runs": [],
            "running_ready": True,
            "baseline_morning_pain": 1,
            "today": "2026-11-02",
        },
    ),
]


def cli_answer(command: str, document: dict[str, Any]) -> Any:
    """What `sitbone engine <command>` prints for the document."""
    from sitbone.engine.commands import COMMANDS

    parsed = json.loads(json.dumps(document), parse_float=Decimal)
    return json.loads(json.dumps(COMMANDS[command](parsed), default=str))


@pytest.mark.parametrize(("command", "document"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_each_engine_endpoint_answers_like_the_command(
    world: World, api_a: Api, command: str, document: dict[str, Any]
) -> None:
    response = api_a.post(f"/engine/{command}", document)
    assert response.status_code == 200, response.content
    assert response.json() == cli_answer(command, document)


def test_probabilities_stay_exact(world: World, api_a: Api) -> None:
    response = api_a.post(
        "/engine/post-test",
        {"pretest": 0.4, "tests": [{"name": "modified_bent_knee", "result": "positive"}]},
    )
    assert response.json()["posttest"] == 0.872


@pytest.mark.parametrize(
    ("command", "document", "field"),
    [
        ("score", {"instrument": "lefs", "answers": [1] * 19}, "body.answers"),
        ("score", {"instrument": "nope", "answers": [1]}, "body.instrument"),
        ("post-test", {"pretest": 1, "tests": []}, "body.pretest"),
        (
            "decide",
            {
                "stage": 2,
                "baseline_morning_pain": 2,
                "sessions": [{"date": "2026-11-02", "pain_during": 11, "pain_after": 2}],
            },
            "body.sessions[0].pain_during",
        ),
        ("screen", {"answers": {"not_an_item": True}}, "body.answers"),
        ("decide", {"stage": 2}, "body.baseline_morning_pain"),
    ],
)
def test_invalid_engine_input_gets_422_with_the_field(
    world: World, api_a: Api, command: str, document: dict[str, Any], field: str
) -> None:
    response = api_a.post(f"/engine/{command}", document)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["field"].startswith(field), error


@pytest.mark.parametrize(
    "body", ['{"pretest": NaN, "tests": []}', '{"pretest": 0.2, "pretest": 0.3}']
)
def test_json_the_engine_refuses_is_a_bad_request(world: World, api_a: Api, body: str) -> None:
    response = api_a.client.post(
        "/api/v1/engine/post-test",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_a.token}"},
    )
    assert response.status_code in (400, 422), response.content


def test_patients_do_not_call_the_engine_directly(world: World) -> None:
    response = session_api(world.patient_user).post("/engine/score", DOCUMENTS[0][1])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_staff_sessions_call_the_engine(world: World) -> None:
    assert session_api(world.clinician).post("/engine/score", DOCUMENTS[0][1]).status_code == 200


# Measures


def test_staff_record_a_measure_scored_by_the_engine(world: World, api_a: Api) -> None:
    from sitbone.clinics.models import AuditEvent
    from sitbone.measures.models import MeasureResult

    seed_history(world)
    response = api_a.post(
        f"/patients/{world.patient.public_id}/measures",
        {"instrument": "lefs", "taken_on": "2026-11-15", "answers": [3] * 20},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["measure"]["total"] == 60
    assert body["score"]["change"]["previous_total"] == 40
    stored = MeasureResult.objects.get(public_id=body["measure"]["id"])
    assert stored.total == 60 and stored.patient == world.patient
    assert AuditEvent.objects.filter(action="measure.lefs", patient=world.patient).exists()


def test_invalid_answers_store_nothing(world: World, api_a: Api) -> None:
    from sitbone.measures.models import MeasureResult

    count = MeasureResult.objects.count()
    response = api_a.post(
        f"/patients/{world.patient.public_id}/measures",
        {"instrument": "lefs", "taken_on": "2026-11-15", "answers": [3] * 19 + [7]},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"].startswith("body.answers")
    assert MeasureResult.objects.count() == count


def test_patients_cannot_record_measures(world: World) -> None:
    from sitbone.measures.models import MeasureResult

    response = session_api(world.patient_user).post(
        f"/patients/{world.patient.public_id}/measures",
        {"instrument": "nprs", "taken_on": "2026-11-15", "answers": 3},
    )
    assert response.status_code == 403
    assert MeasureResult.objects.count() == 0


def test_measures_filter_by_instrument(world: World, api_a: Api) -> None:
    seed_history(world)
    path = f"/patients/{world.patient.public_id}/measures"
    assert len(api_a.get(path, instrument="lefs").json()["items"]) == 1
    assert api_a.get(path, instrument="visa_h").json()["items"] == []
