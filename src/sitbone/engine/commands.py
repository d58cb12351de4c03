"""The JSON layer shared by the ``sitbone engine`` command line and the REST API.

Each command takes one parsed JSON document and returns a JSON-able dict; field names follow
issue 3 (e.g. ``decide`` reads ``stage``, ``baseline_morning_pain``, ``sessions``,
``weekly_morning_pain``, ``gates``, ``red_flags``, ``thresholds``). :func:`run` also takes a JSON
array of documents and returns an array (a batch). A batch is all-or-nothing: one invalid
element fails the whole batch, with the element's index leading the field path
(``[3].sessions[0].pain_during``), so nothing partial is ever returned. Invalid input raises
:class:`EngineInputError`.

Numbers arrive as int, float (from ``json.loads``) or Decimal (``parse_float=Decimal``); ratios and
probabilities become exact Decimals, and pain scores must be whole numbers. The clinical rules and
their sources live in the modules called here; this module only translates.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sitbone.engine.errors import EngineInputError, join_field
from sitbone.engine.gates import (
    GATE_MEASURE_NAMES,
    NO_MEASURES,
    MeasureValues,
    check_measure_values,
    measure_values,
)
from sitbone.engine.instruments import Q8Bands, score
from sitbone.engine.monitoring import (
    Session,
    SessionValues,
    check_session_values,
    decide_from_values,
)
from sitbone.engine.prescription import prescribe
from sitbone.engine.probability import post_test_probability
from sitbone.engine.running import run_step
from sitbone.engine.screening import screen
from sitbone.engine.thresholds import DEFAULT_THRESHOLDS, Thresholds
from sitbone.engine.values import (
    describe,
    parse_iso_date,
    reject_unknown_keys,
    require_bool,
    require_date,
    require_key,
    require_list,
    require_number,
    require_numbers,
    require_object,
    require_text,
)

Document = Mapping[str, Any]


def score_command(doc: object) -> dict[str, Any]:
    data = _document(doc, ("instrument", "answers", "previous_total", "thresholds", "q8_bands"))
    instrument = require_text(require_key(data, "instrument", field=""), field="instrument")
    bands = data.get("q8_bands")
    return score(
        instrument,
        require_key(data, "answers", field=""),
        previous_total=data.get("previous_total"),
        thresholds=_thresholds(data),
        q8_bands=None if bands is None else Q8Bands.from_mapping(bands),
    ).to_dict()


def screen_command(doc: object) -> dict[str, Any]:
    data = _document(doc, ("answers",))
    return screen(require_object(require_key(data, "answers", field=""), field="answers")).to_dict()


def post_test_command(doc: object) -> dict[str, Any]:
    data = _document(doc, ("pretest", "tests"))
    pretest = require_number(require_key(data, "pretest", field=""), field="pretest")
    rows = require_list(require_key(data, "tests", field=""), field="tests")
    return post_test_probability(
        pretest, [_test(row, f"tests[{i}]") for i, row in enumerate(rows)]
    ).to_dict()


def _test(raw: object, field: str) -> tuple[str, str]:
    row = require_object(raw, field=field)
    reject_unknown_keys(row, ("name", "result"), field=field)
    name = require_text(require_key(row, "name", field=field), field=join_field(field, "name"))
    result = require_text(
        require_key(row, "result", field=field), field=join_field(field, "result")
    )
    return name, result


def decide_command(doc: object) -> dict[str, Any]:
    data = _document(doc, _DECIDE_KEYS)
    return decide_from_values(
        stage=require_key(data, "stage", field=""),
        baseline_morning_pain=require_key(data, "baseline_morning_pain", field=""),
        sessions=_sessions(
            require_key(data, "sessions", field=""), "sessions", check_session_values
        ),
        weekly_morning_pain=_numbers(data.get("weekly_morning_pain", ()), "weekly_morning_pain"),
        gates=_gates(data.get("gates")),
        red_flags=_texts(data.get("red_flags", ()), "red_flags"),
        thresholds=_thresholds(data),
    ).to_dict()


_DECIDE_KEYS = frozenset(
    (
        "stage",
        "baseline_morning_pain",
        "sessions",
        "weekly_morning_pain",
        "gates",
        "red_flags",
        "thresholds",
    )
)
_SESSION_FIELDS = ("date", "pain_during", "pain_after", "next_morning_pain", "completed")
_SESSION_KEYS = frozenset(_SESSION_FIELDS)
_SESSION_FIELD_COUNT = len(_SESSION_FIELDS)


def _sessions[S: SessionValues](
    raw: object, field: str, make: Callable[[dt.date, Any, Any, Any, Any], S]
) -> list[S]:
    """Sessions (or runs) from JSON rows, each checked and built by ``make``: Session, or
    check_session_values where plain values will do. This is the hot path of a batch decide: a
    dict of exactly the five fields, dated YYYY-MM-DD, is read straight into ``make``; any other
    row, valid or not, goes through :func:`_session`, which also explains what is wrong."""
    sessions: list[S] = []
    for row in require_list(raw, field=field):
        if type(row) is dict and len(row) == _SESSION_FIELD_COUNT:
            try:
                session = make(
                    parse_iso_date(row["date"]),
                    row["pain_during"],
                    row["pain_after"],
                    row["next_morning_pain"],
                    row["completed"],
                )
            except (KeyError, ValueError, TypeError):
                pass  # an unknown key, a bad value or a date that is not text: see _session
            else:
                sessions.append(session)
                continue
        sessions.append(_session(row, f"{field}[{len(sessions)}]", make))
    return sessions


def _session[S: SessionValues](
    row: object, where: str, make: Callable[[dt.date, Any, Any, Any, Any], S]
) -> S:
    data = require_object(row, field=where)
    reject_unknown_keys(data, _SESSION_KEYS, field=where)
    day, during, after = (require_key(data, name, field=where) for name in _SESSION_FIELDS[:3])
    try:
        return make(
            require_date(day, field="date"),
            during,
            after,
            data.get("next_morning_pain"),
            data.get("completed", True),
        )
    except EngineInputError as error:
        raise error.within(where) from None


def _gates(raw: object) -> MeasureValues:
    if raw is None:
        return _NO_MEASURE_VALUES
    data = require_object(raw, field="gates")
    reject_unknown_keys(data, _GATE_KEYS, field="gates")
    values = list(map(data.get, GATE_MEASURE_NAMES))
    for index, field in _GATE_RATIOS:
        ratio = values[index]
        if ratio is not None:
            values[index] = require_number(ratio, field=field)
    return check_measure_values(values)


_NO_MEASURE_VALUES = measure_values(NO_MEASURES)
_GATE_KEYS = frozenset(GATE_MEASURE_NAMES)
# JSON ratios (floats) become exact Decimals here, checked in field order.
_GATE_RATIOS = tuple(
    (GATE_MEASURE_NAMES.index(name), f"gates.{name}") for name in ("curl_10rm_lsi", "slb_reps_lsi")
)


def prescribe_command(doc: object) -> dict[str, Any]:
    data = _document(doc, ("stage", "equipment", "irritability"))
    return prescribe(
        require_key(data, "stage", field=""),
        require_list(data.get("equipment", []), field="equipment"),
        data.get("irritability", "moderate"),
    ).to_dict()


def run_step_command(doc: object) -> dict[str, Any]:
    data = _document(doc, _RUN_STEP_KEYS)
    changed = data.get("last_step_change_date")
    return run_step(
        current_step=require_key(data, "current_step", field=""),
        last_step_change_date=None
        if changed is None
        else require_date(changed, field="last_step_change_date"),
        runs=_sessions(require_key(data, "runs", field=""), "runs", Session),
        running_ready=require_bool(
            require_key(data, "running_ready", field=""), field="running_ready"
        ),
        baseline_morning_pain=require_key(data, "baseline_morning_pain", field=""),
        today=require_date(require_key(data, "today", field=""), field="today"),
        thresholds=_thresholds(data),
    ).to_dict()


_RUN_STEP_KEYS = frozenset(
    (
        "current_step",
        "last_step_change_date",
        "runs",
        "running_ready",
        "baseline_morning_pain",
        "today",
        "thresholds",
    )
)

COMMANDS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "score": score_command,
    "screen": screen_command,
    "post-test": post_test_command,
    "decide": decide_command,
    "prescribe": prescribe_command,
    "run-step": run_step_command,
}


def handler_for(command: str) -> Callable[[Any], dict[str, Any]]:
    handler = COMMANDS.get(command)
    if handler is None:
        known = ", ".join(COMMANDS)
        raise EngineInputError(f"unknown command {describe(command)}; commands: {known}", "command")
    return handler


def run(command: str, doc: object) -> dict[str, Any] | list[dict[str, Any]]:
    """Run one command on a document, or on each document of a JSON array (a batch)."""
    handler = handler_for(command)
    if not isinstance(doc, list):
        return handler(doc)
    results = []
    with _collector_paused():
        for index, element in enumerate(doc):
            try:
                results.append(handler(element))
            except EngineInputError as error:
                raise error.within(f"[{index}]") from None
    return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A batch creates hundreds of thousands of acyclic containers that stay alive until it ends;
    the cyclic collector would rescan them again and again (measured: a third of batch time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _document(doc: object, allowed: Sequence[str] | frozenset[str]) -> Document:
    data = require_object(doc, field="")
    reject_unknown_keys(data, allowed, field="")
    return data


def _thresholds(data: Document) -> Thresholds:
    raw = data.get("thresholds")
    return DEFAULT_THRESHOLDS if raw is None or raw == {} else Thresholds.from_mapping(raw)


def _numbers(raw: object, field: str) -> list[Decimal]:
    return require_numbers(require_list(raw, field=field), field=field)


def _texts(raw: object, field: str) -> list[str]:
    values = require_list(raw, field=field)
    return [require_text(value, field=f"{field}[{i}]") for i, value in enumerate(values)]
