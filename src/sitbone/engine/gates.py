"""Stage gates and readiness to run: objective checks that let a patient move on.

Source: clinical-brief §5.6 (gates, [D] unless tagged) and §5.7 (running entry criteria, Goom,
running-physio.com "PHT return to running" [V]). Default thresholds (see ``Thresholds``):

- 1→2 ``GATE-1-2-SLB``: three short-lever single-leg bridges at ≤ 3/10 pain (Goom 2016 via Pogo).
- 2→3 ``GATE-2-3-CURL-LSI`` / ``GATE-2-3-SLB-LSI``: prone-curl 10RM and single-leg bridge
  repetitions each ≥ 0.90 of the other side (90% symmetry is a convention [U]).
- 3→4 ``GATE-3-4-DROP-LUNGE`` / ``GATE-3-4-SL-RDL``: unweighted drop lunge pain 0/10 and
  single-leg Romanian deadlift ≤ 3/10.
- 4→5 ``GATE-4-5-SPORT`` plus both symmetries ≥ 0.90: back to sport.
- Running: rest pain 0, drop lunge pain 0, prone-curl 10RM symmetry ≥ 0.90.

A measure that was not recorded never counts as met; the reason then names the test to do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

from sitbone.engine.errors import EngineInputError
from sitbone.engine.rules import Reason
from sitbone.engine.thresholds import DEFAULT_THRESHOLDS, Thresholds
from sitbone.engine.values import require_decimal, require_int

LAST_STAGE = 5
_LSI_LOW, _LSI_HIGH = Decimal(0), Decimal(2)


@dataclass(frozen=True, slots=True)
class GateMeasures:
    """Test results from the latest assessment; None means not measured."""

    slb_short_lever_pain: int | None = None
    curl_10rm_lsi: Decimal | None = None
    slb_reps_lsi: Decimal | None = None
    drop_lunge_pain: int | None = None
    single_leg_rdl_pain: int | None = None
    rest_pain: int | None = None
    sport_load_pain: int | None = None

    def __post_init__(self) -> None:
        check_measure_values(measure_values(self))


MeasureValues = tuple[
    int | None, Decimal | None, Decimal | None, int | None, int | None, int | None, int | None
]
"""The fields of :class:`GateMeasures` as a plain tuple, in :data:`GATE_MEASURE_NAMES` order."""


def measure_values(measures: GateMeasures) -> MeasureValues:
    """The fields of ``measures`` as a plain tuple (read in C)."""
    values: MeasureValues = _measure_values(measures)
    return values


def check_measure_values(values: Sequence[Any]) -> MeasureValues:
    """Gate measures in :data:`GATE_MEASURE_NAMES` order, checked as :class:`GateMeasures` checks
    them, as a plain tuple. The JSON commands check a document's gates with this: the decision
    only reads the values, and building a GateMeasures costs more than checking them."""
    slb, curl, reps, drop, rdl, rest, sport = values
    for pain in (slb, drop, rdl, rest, sport):
        if pain is not None and not (type(pain) is int and 0 <= pain <= 10):
            _explain_invalid_measures(values)
    for ratio in (curl, reps):
        if ratio is not None and not (type(ratio) is Decimal and _LSI_LOW <= ratio <= _LSI_HIGH):
            _explain_invalid_measures(values)
    return (slb, curl, reps, drop, rdl, rest, sport)


def _explain_invalid_measures(values: Sequence[Any]) -> None:
    measures = dict(zip(GATE_MEASURE_NAMES, values, strict=True))
    for name in _PAIN_MEASURES:
        value = measures[name]
        if value is not None:
            require_int(value, field=f"gates.{name}", low=0, high=10)
    for name in _SYMMETRY_MEASURES:
        value = measures[name]
        if value is None:
            continue
        field = f"gates.{name}"
        if not isinstance(value, Decimal):
            raise EngineInputError(f"{name} must be an exact Decimal ratio; got {value!r}", field)
        require_decimal(value, field=field, low=_LSI_LOW, high=_LSI_HIGH)


_PAIN_MEASURES = (
    "slb_short_lever_pain",
    "drop_lunge_pain",
    "single_leg_rdl_pain",
    "rest_pain",
    "sport_load_pain",
)
_SYMMETRY_MEASURES = ("curl_10rm_lsi", "slb_reps_lsi")
GATE_MEASURE_NAMES = _PAIN_MEASURES[:1] + _SYMMETRY_MEASURES + _PAIN_MEASURES[1:]
_measure_values = attrgetter(*GATE_MEASURE_NAMES)
NO_MEASURES = GateMeasures()


@dataclass(frozen=True, slots=True)
class Check:
    """One criterion's outcome: met or not, with the reason that explains it."""

    met: bool
    reason: Reason


@dataclass(frozen=True, slots=True)
class GateResult:
    from_stage: int
    to_stage: int | None
    met: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class _Criterion:
    """A pain score that must stay at or below a limit, or a symmetry that must reach one."""

    rule: str
    measure: str
    test_name: str
    is_pain: bool
    limit: str  # the Thresholds field holding this criterion's limit


def _pain_at_most(rule: str, measure: str, test_name: str, limit: str) -> _Criterion:
    return _Criterion(rule, measure, test_name, True, limit)


def _symmetry_at_least(rule: str, measure: str, test_name: str, limit: str) -> _Criterion:
    return _Criterion(rule, measure, test_name, False, limit)


def _check(
    rule: str,
    test_name: str,
    is_pain: bool,
    value: int | Decimal | None,
    limit: int | Decimal,
    purpose: str,
) -> Check:
    if is_pain:
        needed = f"{'no pain' if limit == 0 else f'pain {limit}/10 or less'} {purpose}"
        result = None if value is None else f"{value}/10 pain"
        met = value is not None and value <= limit
    else:
        needed = f"at least {_percent(Decimal(limit))} {purpose}"
        result = (
            None if value is None else f"painful side {_percent(Decimal(value))} of the other side"
        )
        met = value is not None and value >= limit
    if result is None:
        return Check(
            False,
            Reason(
                rule, f"{test_name}: not recorded yet. Needed: {needed}. Please test and record it."
            ),
        )
    return Check(
        met,
        Reason(
            rule, f"{test_name}: {result}. Needed: {needed}. {'Met' if met else 'Not met yet'}."
        ),
    )


def _percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


_SLB = "Short-lever single-leg bridge, 3 repetitions"
_CURL = "Prone hamstring curl 10-rep max"
_SLB_REPS = "Single-leg bridge repetitions"
_DROP_LUNGE = "Unweighted drop lunge, painful leg forward"

_GATES: dict[int, tuple[_Criterion, ...]] = {
    1: (_pain_at_most("GATE-1-2-SLB", "slb_short_lever_pain", _SLB, "gate_1_2_slb_pain_max"),),
    2: (
        _symmetry_at_least("GATE-2-3-CURL-LSI", "curl_10rm_lsi", _CURL, "gate_lsi_min"),
        _symmetry_at_least("GATE-2-3-SLB-LSI", "slb_reps_lsi", _SLB_REPS, "gate_lsi_min"),
    ),
    3: (
        _pain_at_most(
            "GATE-3-4-DROP-LUNGE",
            "drop_lunge_pain",
            _DROP_LUNGE,
            "gate_3_4_drop_lunge_pain_max",
        ),
        _pain_at_most(
            "GATE-3-4-SL-RDL",
            "single_leg_rdl_pain",
            "Single-leg Romanian deadlift to your usual depth",
            "gate_3_4_sl_rdl_pain_max",
        ),
    ),
    4: (
        _pain_at_most(
            "GATE-4-5-SPORT",
            "sport_load_pain",
            "Sport-specific loading",
            "gate_4_5_sport_pain_max",
        ),
        _symmetry_at_least("GATE-4-5-CURL-LSI", "curl_10rm_lsi", _CURL, "gate_lsi_min"),
        _symmetry_at_least("GATE-4-5-SLB-LSI", "slb_reps_lsi", _SLB_REPS, "gate_lsi_min"),
    ),
}

_RUNNING = (
    _pain_at_most("RUN-READY-REST-PAIN", "rest_pain", "Pain at rest", "running_rest_pain_max"),
    _pain_at_most(
        "RUN-READY-DROP-LUNGE",
        "drop_lunge_pain",
        _DROP_LUNGE,
        "running_drop_lunge_pain_max",
    ),
    _symmetry_at_least("RUN-READY-CURL-LSI", "curl_10rm_lsi", _CURL, "running_curl_lsi_min"),
)


_RUNNING_GROUP = 0  # the key of _RUNNING beside the stage numbers of _GATES


def evaluate_stage_gate(
    stage: int, measures: GateMeasures = NO_MEASURES, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> GateResult:
    """Whether the patient meets every criterion to move from ``stage`` to the next one."""
    require_int(stage, field="stage", low=1, high=LAST_STAGE)
    met, reasons = stage_gate_from_values(stage, measure_values(measures), thresholds)
    return GateResult(stage, stage + 1 if stage < LAST_STAGE else None, met, reasons)


def stage_gate_from_values(
    stage: int, values: MeasureValues, thresholds: Thresholds
) -> tuple[bool, tuple[Reason, ...]]:
    """:func:`evaluate_stage_gate`'s outcome for a valid stage and checked measure values."""
    if stage == LAST_STAGE:
        return False, (_NO_STAGE_AFTER_LAST,)
    purpose = "before stage 5 (back to sport)" if stage == 4 else f"before stage {stage + 1}"
    return _evaluate(stage, values, thresholds, purpose)


_NO_STAGE_AFTER_LAST = Reason(
    "GATE-NONE-AFTER-5", "You are back to sport: there is no further stage."
)


def evaluate_running_ready(
    measures: GateMeasures = NO_MEASURES, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[bool, tuple[Reason, ...]]:
    """Whether the patient may start the walk–run ladder, with one reason per criterion."""
    return running_ready_from_values(measure_values(measures), thresholds)


def running_ready_from_values(
    values: MeasureValues, thresholds: Thresholds
) -> tuple[bool, tuple[Reason, ...]]:
    """:func:`evaluate_running_ready` for checked measure values."""
    return _evaluate(_RUNNING_GROUP, values, thresholds, "before running")


def _evaluate(
    group: int, values: MeasureValues, thresholds: Thresholds, purpose: str
) -> tuple[bool, tuple[Reason, ...]]:
    measured, limits = _GETTERS[group]
    return _explain_group(group, measured(values), limits(thresholds), purpose)


# A group's outcome depends only on a few measured values and limits, which repeat endlessly
# across patients; caching spares a batch from formatting the same sentences thousands of times.
@lru_cache(maxsize=16384)
def _explain_group(
    group: int,
    values: tuple[int | Decimal | None, ...],
    limits: tuple[int | Decimal, ...],
    purpose: str,
) -> tuple[bool, tuple[Reason, ...]]:
    checks = [
        _check(c.rule, c.test_name, c.is_pain, value, limit, purpose)
        for c, value, limit in zip(_CRITERIA[group], values, limits, strict=True)
    ]
    return all(c.met for c in checks), tuple(c.reason for c in checks)


_CRITERIA = {_RUNNING_GROUP: _RUNNING, **_GATES}


def _tuple_getter(get: Callable[[Any], Any], count: int) -> Callable[[Any], tuple[Any, ...]]:
    """Several items or attributes read as a tuple in C, on the hot path of every decision
    (itemgetter and attrgetter of a single key return the bare value)."""
    return get if count > 1 else lambda obj: (get(obj),)


_GETTERS = {
    group: (
        _tuple_getter(
            itemgetter(*(GATE_MEASURE_NAMES.index(c.measure) for c in criteria)), len(criteria)
        ),
        _tuple_getter(attrgetter(*(c.limit for c in criteria)), len(criteria)),
    )
    for group, criteria in _CRITERIA.items()
}


def gate_tests() -> dict[int, tuple[tuple[str, str, str], ...]]:
    """For each stage, the (rule id, measure field, test name) its gate needs — for forms."""
    return {
        stage: tuple((c.rule, c.measure, c.test_name) for c in criteria)
        for stage, criteria in _GATES.items()
    }
