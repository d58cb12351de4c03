"""The clinical engine over HTTP: the very functions `sitbone engine <command>` runs.

The body is read exactly as the command line reads it (decimals kept exact, NaN/Infinity and
repeated keys refused) and handed to the engine unchanged; the schemas below document the fields and
refuse what is plainly wrong before the engine sees it. Invalid input: 422 with the engine's
message and `field` (e.g. `body.sessions[0].pain_during`).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from pydantic import BaseModel, ConfigDict

from sitbone.api.auth import principal_of, require_staff_principal
from sitbone.api.errors import ApiError
from sitbone.api.models import Scope
from sitbone.api.routers import WRITE_ERRORS
from sitbone.api.schemas import ReasonOut, StrictIn
from sitbone.engine.commands import COMMANDS

router = Router(tags=["clinical engine"])


class EngineOut(BaseModel):
    """Engine answers carry more than the fields listed; all of them are returned (a plain
    pydantic model: ninja's Schema would drop the fields not listed)."""

    model_config = ConfigDict(extra="allow")


class ScoreIn(StrictIn):
    instrument: str = Field(description="lefs, visa_h, nprs, groc, nirschl, sitting_tolerance")
    answers: Any = Field(description="LEFS: 20 integers 0–4; VISA-H: {q1…q8}; others one item.")
    previous_total: int | None = None
    thresholds: dict[str, Any] | None = None
    q8_bands: dict[str, Any] | None = None


class ScoreOut(EngineOut):
    instrument: str
    total: int
    min: int
    max: int
    higher_is_better: bool
    reasons: list[ReasonOut]


class ScreenIn(StrictIn):
    answers: dict[str, Any] = Field(description="Screening item id → answer (booleans).")


class ScreenOut(EngineOut):
    triage: str
    pht_likelihood: str
    flags: list[dict[str, Any]]
    differentials: list[dict[str, Any]]


class PostTestItemIn(StrictIn):
    name: str = Field(description="puranen_orava, bent_knee or modified_bent_knee")
    result: str = Field(description="positive or negative")


class PostTestIn(StrictIn):
    pretest: float = Field(gt=0, lt=1, description="Pre-test probability, strictly 0–1.")
    tests: list[PostTestItemIn]


class PostTestOut(EngineOut):
    pretest: float
    posttest: float
    used: dict[str, Any] | None
    reasons: list[ReasonOut]


class HistorySessionIn(StrictIn):
    date: dt.date
    pain_during: int
    pain_after: int
    next_morning_pain: int | None = None
    completed: bool = True


class DecideIn(StrictIn):
    stage: int
    baseline_morning_pain: int
    sessions: list[HistorySessionIn] = Field(description="Oldest first.")
    weekly_morning_pain: list[float] = Field(default_factory=list)
    gates: dict[str, Any] | None = None
    red_flags: list[str] = Field(default_factory=list)
    thresholds: dict[str, Any] | None = None


class DecideOut(EngineOut):
    zone: str
    action: str
    stage: int
    stage_change: str
    requires_approval: bool
    running_ready: bool
    reasons: list[ReasonOut]


class PrescribeIn(StrictIn):
    stage: int
    equipment: list[str] = Field(default_factory=list)
    irritability: str = "moderate"


class PrescribeOut(EngineOut):
    stage: int
    exercises: list[dict[str, Any]]


class RunStepIn(StrictIn):
    current_step: int
    last_step_change_date: dt.date | None = None
    runs: list[HistorySessionIn]
    running_ready: bool
    baseline_morning_pain: int
    today: dt.date
    thresholds: dict[str, Any] | None = None


class RunStepOut(EngineOut):
    step: int
    step_change: str
    zone: str
    reasons: list[ReasonOut]


def _refuse_constant(name: str) -> Any:
    raise ApiError(400, "bad_request", f"{name} is not a number JSON allows.", field="body")


def _refuse_repeated(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ApiError(
                400, "bad_request", f"The key “{key}” appears twice in one object.", field="body"
            )
        data[key] = value
    return data


def engine_document(request: HttpRequest) -> Any:
    """The body parsed as `sitbone engine` parses its input."""
    try:
        return json.loads(
            request.body,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_refuse_repeated,
        )
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_request", "The request body is not valid JSON.") from None


def run_engine(request: HttpRequest, command: str) -> dict[str, Any]:
    require_staff_principal(principal_of(request), Scope.ENGINE)
    document = engine_document(request)
    if not isinstance(document, dict):
        raise ApiError(422, "invalid", "Send one JSON object.", field="body")
    return COMMANDS[command](document)


@router.post(
    "/engine/score",
    response={200: ScoreOut, **WRITE_ERRORS},
    summary="Score an outcome measure (as `sitbone engine score`)",
)
def engine_score(request: HttpRequest, payload: ScoreIn) -> dict[str, Any]:
    return run_engine(request, "score")


@router.post(
    "/engine/screen",
    response={200: ScreenOut, **WRITE_ERRORS},
    summary="Screen symptoms and triage (as `sitbone engine screen`)",
)
def engine_screen(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    return run_engine(request, "screen")


@router.post(
    "/engine/post-test",
    response={200: PostTestOut, **WRITE_ERRORS},
    summary="Post-test probability of PHT (as `sitbone engine post-test`)",
)
def engine_post_test(request: HttpRequest, payload: PostTestIn) -> dict[str, Any]:
    return run_engine(request, "post-test")


@router.post(
    "/engine/decide",
    response={200: DecideOut, **WRITE_ERRORS},
    summary="Pain-monitoring decision (as `sitbone engine decide`)",
)
def engine_decide(request: HttpRequest, payload: DecideIn) -> dict[str, Any]:
    return run_engine(request, "decide")


@router.post(
    "/engine/prescribe",
    response={200: PrescribeOut, **WRITE_ERRORS},
    summary="Prescribe a stage's programme (as `sitbone engine prescribe`)",
)
def engine_prescribe(request: HttpRequest, payload: PrescribeIn) -> dict[str, Any]:
    return run_engine(request, "prescribe")


@router.post(
    "/engine/run-step",
    response={200: RunStepOut, **WRITE_ERRORS},
    summary="Walk–run ladder step (as `sitbone engine run-step`)",
)
def engine_run_step(request: HttpRequest, payload: RunStepIn) -> dict[str, Any]:
    return run_engine(request, "run-step")
