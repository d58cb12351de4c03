"""Pain-monitoring zones for each loading session, and the decision that follows from them.

Source: the pain-monitoring model of Silbernagel et al. 2007 (Am J Sports Med 35:897–906,
Achilles tendinopathy), adapted to PHT with Goom's daily load test (Goom et al. 2016 via Pogo
Physio: 0–3/10 tolerated, ≥ 4/10 not adapting) — clinical-brief §5.3, the decision rules marked
[D] there, with stage gates from §5.6. Thresholds are data (:class:`Thresholds`); defaults:

Per session: D = pain during, A = pain after, M = next-morning load-test pain (may be missing),
B = baseline morning load-test pain at the current dose.

- red ``PMM-RED-*``: D ≥ 6, A ≥ 6, M ≥ 6, or M ≥ B + 2
- amber ``PMM-AMBER-*`` (not red): D ≥ 4, A ≥ 4, M ≥ 4, or M ≥ B + 1 (M above B)
- green ``PMM-GREEN``: otherwise, with M recorded; pending ``PMM-PENDING`` while M is missing

Across sessions, first match wins:

1. any red flag → refer, zone stop (``PMM-STOP-RED-FLAG``)
2. latest red (``PMM-REGRESS-LATEST-RED``), the last two sessions amber or worse
   (``PMM-AMBER-TWO-IN-A-ROW``), or weekly mean morning pain up by ≥ 1.0 (``PMM-TREND-RISING``)
   → regress; drop a stage (``PMM-STEP-BACK-TWO-RED-IN-WEEK``) when two or more red sessions fall
   on the latest session's date or the six days before, and the stage is above 1
3. the last two sessions green and completed, trend not rising → progress
   (``PMM-PROGRESS-TWO-GREEN``); advance a stage when the current stage's gate is met
4. otherwise hold (``PMM-HOLD``, ``PMM-HOLD-NO-SESSIONS``)

"Amber or worse" in rule 2 keeps the decision monotonic: making a session more painful never
makes the action more permissive. Stage changes always need a clinician's approval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, Self

from sitbone.engine.errors import EngineInputError
from sitbone.engine.gates import (
    LAST_STAGE,
    NO_MEASURES,
    GateMeasures,
    MeasureValues,
    measure_values,
    running_ready_from_values,
    stage_gate_from_values,
)
from sitbone.engine.rules import Reason
from sitbone.engine.thresholds import DEFAULT_THRESHOLDS, Thresholds
from sitbone.engine.values import require_bool, require_decimal, require_int, require_text

_PAIN_LOW, _PAIN_HIGH = Decimal(0), Decimal(10)


class Zone(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    PENDING = "pending"
    STOP = "stop"


class Action(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"
    REFER = "refer"


class StageChange(StrEnum):
    ADVANCE = "advance"
    STAY = "stay"
    STEP_BACK = "step_back"


class _SessionFields(NamedTuple):
    date: dt.date
    pain_during: int
    pain_after: int
    next_morning_pain: int | None
    completed: bool


SessionValues = tuple[dt.date, int, int, int | None, bool]
"""A session's values in :class:`Session`'s field order; every Session is one."""


class Session(_SessionFields):
    """One loading session (or run) and its pain scores, each a whole number 0–10.

    Immutable and checked on construction like a frozen dataclass, but built on a NamedTuple:
    a batch decide creates fourteen of these per history, and a frozen dataclass costs about
    three times as much to construct, which alone would use most of the throughput budget.
    """

    __slots__ = ()

    def __new__(
        cls,
        date: dt.date,
        pain_during: int,
        pain_after: int,
        next_morning_pain: int | None = None,
        completed: bool = True,
    ) -> Session:
        values = check_session_values(date, pain_during, pain_after, next_morning_pain, completed)
        return _tuple_new(cls, values)

    # NamedTuple's own _make and _replace would skip the checks in __new__.
    @classmethod
    def _make(cls, iterable: Iterable[Any]) -> Self:  # type: ignore[override]  # typeshed's odd _cls
        return cls(*iterable)

    def _replace(self, **changes: Any) -> Self:
        return type(self)(**(self._asdict() | changes))


def check_session_values(
    date: dt.date,
    pain_during: int,
    pain_after: int,
    next_morning_pain: int | None = None,
    completed: bool = True,
) -> SessionValues:
    """The values of a session, checked as :class:`Session` checks them, as a plain tuple.

    The JSON commands read a batch's sessions with this: the decision needs only the values, and
    building a Session object for each row would cost as much again as checking it.
    """
    if not (
        type(date) is dt.date
        and type(pain_during) is int
        and 0 <= pain_during <= 10
        and type(pain_after) is int
        and 0 <= pain_after <= 10
        and (
            next_morning_pain is None
            or (type(next_morning_pain) is int and 0 <= next_morning_pain <= 10)
        )
        and type(completed) is bool
    ):
        _explain_invalid_session(date, pain_during, pain_after, next_morning_pain, completed)
    return (date, pain_during, pain_after, next_morning_pain, completed)


def _explain_invalid_session(
    date: object, during: object, after: object, morning: object, completed: object
) -> None:
    if type(date) is not dt.date:
        raise EngineInputError("date must be a calendar date", "date")
    require_int(during, field="pain_during", low=0, high=10)
    require_int(after, field="pain_after", low=0, high=10)
    if morning is not None:
        require_int(morning, field="next_morning_pain", low=0, high=10)
    require_bool(completed, field="completed")


_tuple_new = tuple.__new__


@dataclass(frozen=True, slots=True)
class SessionZone:
    zone: Zone
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class _Level:
    zone: Zone
    during: str
    after: str
    morning: str
    above_baseline: str
    meaning: str


_RED = _Level(
    Zone.RED,
    "PMM-RED-DURING",
    "PMM-RED-AFTER",
    "PMM-RED-MORNING",
    "PMM-RED-MORNING-ABOVE-BASELINE",
    "too much for the tendon right now (red)",
)
_AMBER = _Level(
    Zone.AMBER,
    "PMM-AMBER-DURING",
    "PMM-AMBER-AFTER",
    "PMM-AMBER-MORNING",
    "PMM-AMBER-MORNING-ABOVE-BASELINE",
    "acceptable but at the top of the safe range (amber)",
)


def classify_session(
    session: Session, baseline_morning_pain: int, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> SessionZone:
    """The zone of one session and the rules that put it there."""
    require_int(baseline_morning_pain, field="baseline_morning_pain", low=0, high=10)
    return _classify(session, baseline_morning_pain, _zone_lines(thresholds))


_ZoneLines = tuple[int, int, int, int]


def _zone_lines(thresholds: Thresholds) -> _ZoneLines:
    t = thresholds
    return (t.red_pain, t.morning_red_rise, t.amber_pain, t.morning_amber_rise)


def _classify(session: SessionValues, baseline: int, lines: _ZoneLines) -> SessionZone:
    _, during, after, morning, _ = session
    return _zone_for_scores(during, after, morning, baseline, lines)


# Pain scores are small integers, so the same few thousand combinations recur across patients:
# caching the zone and its explanation keeps batch decide fast.
@lru_cache(maxsize=65536)
def _zone_for_scores(
    during: int, after: int, morning: int | None, baseline: int, lines: _ZoneLines
) -> SessionZone:
    red_line, red_rise, amber_line, amber_rise = lines
    scores = (during, after, morning, baseline)
    red = _level_reasons(_RED, red_line, red_rise, scores)
    if red:
        return SessionZone(Zone.RED, red)
    amber = _level_reasons(_AMBER, amber_line, amber_rise, scores)
    if amber:
        return SessionZone(Zone.AMBER, amber)
    if morning is None:
        text = "Pain during and after was fine; record tomorrow morning's test pain to finish."
        return SessionZone(Zone.PENDING, (Reason("PMM-PENDING", text),))
    text = (
        f"Pain stayed below {amber_line}/10 and next-morning test pain was at your usual "
        "level: the tendon coped well (green)."
    )
    return SessionZone(Zone.GREEN, (Reason("PMM-GREEN", text),))


def _level_reasons(
    level: _Level, line: int, rise: int, scores: tuple[int, int, int | None, int]
) -> tuple[Reason, ...]:
    during, after, morning, baseline = scores
    reasons = [
        Reason(rule, f"{label} was {pain}/10; from {line}/10 that is {level.meaning}.")
        for rule, label, pain in (
            (level.during, "Pain during the session", during),
            (level.after, "Pain after the session", after),
            (level.morning, "Next-morning test pain", morning),
        )
        if pain is not None and pain >= line
    ]
    if morning is not None and morning >= baseline + rise:
        reasons.append(
            Reason(
                level.above_baseline,
                f"Next-morning test pain was {morning}/10, {morning - baseline} above your usual "
                f"{baseline}/10: {level.meaning}.",
            )
        )
    return tuple(reasons)


def weekly_trend_rising(
    weekly_morning_pain: Sequence[Decimal], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Mean morning pain of the last week exceeds the week before by the rising threshold."""
    if len(weekly_morning_pain) < 2:
        return False
    return weekly_morning_pain[-1] - weekly_morning_pain[-2] >= thresholds.trend_rising


class Decision(NamedTuple):
    """What to do after the latest session, and why.

    Immutable like a frozen dataclass but built on a NamedTuple, as :class:`Session` is: one is
    built per decision of a batch, and a frozen dataclass's seven ``object.__setattr__`` calls
    cost about four times as much as the tuple.
    """

    zone: Zone
    action: Action
    stage: int
    stage_change: StageChange
    requires_approval: bool
    running_ready: bool
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        # str() of a StrEnum member is its plain value without Enum's Python-level descriptor;
        # this runs once per decision of a batch.
        return {
            "zone": str(self.zone),
            "action": str(self.action),
            "stage": self.stage,
            "stage_change": str(self.stage_change),
            "requires_approval": self.requires_approval,
            "running_ready": self.running_ready,
            "reasons": [{"rule": r.rule, "text": r.text} for r in self.reasons],
        }


def decide(
    *,
    stage: int,
    baseline_morning_pain: int,
    sessions: Sequence[Session] = (),
    weekly_morning_pain: Sequence[Decimal] = (),
    gates: GateMeasures = NO_MEASURES,
    red_flags: Sequence[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Decision:
    """Progress, hold, regress or refer after the latest session (sessions oldest first).

    ``stage`` in the result is the stage after the proposed change.
    """
    return decide_from_values(
        stage=stage,
        baseline_morning_pain=baseline_morning_pain,
        sessions=sessions,
        weekly_morning_pain=weekly_morning_pain,
        gates=measure_values(gates),
        red_flags=red_flags,
        thresholds=thresholds,
    )


def decide_from_values(
    *,
    stage: int,
    baseline_morning_pain: int,
    sessions: Sequence[SessionValues],
    weekly_morning_pain: Sequence[Decimal],
    gates: MeasureValues,
    red_flags: Sequence[str],
    thresholds: Thresholds,
) -> Decision:
    """:func:`decide` from plain values the caller has checked: each session with
    :func:`check_session_values` (a Session is checked already) and the gate measures with
    :func:`~sitbone.engine.gates.check_measure_values`. Stage, baseline, the order of the
    sessions, weekly means and red flags are checked here, as in :func:`decide`.

    The JSON commands call this: they check a document field by field in the order it is
    written, and a Session per row and a GateMeasures per document, built only to have their
    values read back, would cost a sixth of a batch decide.
    """
    _check_history(stage, baseline_morning_pain, sessions, weekly_morning_pain, red_flags)
    if red_flags:
        return _refer(stage, red_flags)
    running = running_ready_from_values(gates, thresholds)
    history = _History(sessions, baseline_morning_pain, thresholds)
    latest = history.zone_of(len(sessions) - 1) if sessions else None
    regress_reasons = _regress_reasons(latest, history, weekly_morning_pain, thresholds)
    if regress_reasons:
        step_back = _step_back_reason(stage, history, thresholds)
        if step_back:
            change, reasons = StageChange.STEP_BACK, (*regress_reasons, step_back)
        else:
            change, reasons = StageChange.STAY, regress_reasons
        return _decision(stage, latest, Action.REGRESS, change, reasons, running)
    if history.last_are(thresholds.green_sessions_to_progress, _GREEN, completed=True):
        gate_met, gate_reasons = stage_gate_from_values(stage, gates, thresholds)
        change = StageChange.ADVANCE if gate_met else StageChange.STAY
        reasons = (_progress_reason(stage, gate_met), *gate_reasons)
        return _decision(stage, latest, Action.PROGRESS, change, reasons, running)
    hold = _hold_reason(
        None if latest is None else latest.zone, thresholds.green_sessions_to_progress
    )
    return _decision(stage, latest, Action.HOLD, StageChange.STAY, (hold,), running)


def _decision(
    stage: int,
    latest: SessionZone | None,
    action: Action,
    change: StageChange,
    reasons: Sequence[Reason],
    running: tuple[bool, tuple[Reason, ...]],
) -> Decision:
    ready, running_reasons = running
    zone, zone_reasons = (latest.zone, latest.reasons) if latest else (Zone.PENDING, ())
    return Decision(
        zone,
        action,
        stage + _STAGE_STEP[change],
        change,
        change is not StageChange.STAY,
        ready,
        (*zone_reasons, *reasons, *running_reasons),
    )


_STAGE_STEP = {StageChange.ADVANCE: 1, StageChange.STAY: 0, StageChange.STEP_BACK: -1}


class _History:
    """Sessions whose zones are worked out once each, and only as far back as a rule looks."""

    __slots__ = ("_baseline", "_lines", "_sessions", "_zones")

    def __init__(
        self, sessions: Sequence[SessionValues], baseline: int, thresholds: Thresholds
    ) -> None:
        self._sessions = sessions
        self._baseline = baseline
        self._lines = _zone_lines(thresholds)
        self._zones: dict[int, SessionZone] = {}

    def zone_of(self, index: int) -> SessionZone:
        zone = self._zones.get(index)
        if zone is None:
            zone = _classify(self._sessions[index], self._baseline, self._lines)
            self._zones[index] = zone
        return zone

    def last_are(self, count: int, zones: frozenset[Zone], *, completed: bool = False) -> bool:
        """The last ``count`` sessions all have one of ``zones`` (and were completed, if asked)."""
        size = len(self._sessions)
        if size < count:
            return False
        for index in range(size - count, size):
            if self.zone_of(index).zone not in zones:
                return False
            if completed and not _completed_of(self._sessions[index]):
                return False
        return True

    def red_count_within(self, days: int) -> int:
        if not self._sessions:
            return 0
        first_day = _date_of(self._sessions[-1]) - dt.timedelta(days=days - 1)
        count = 0
        for index in range(len(self._sessions) - 1, -1, -1):
            if _date_of(self._sessions[index]) < first_day:
                break
            count += self.zone_of(index).zone is Zone.RED
        return count


_GREEN = frozenset({Zone.GREEN})
_AMBER_OR_WORSE = frozenset({Zone.AMBER, Zone.RED})


def _regress_reasons(
    latest: SessionZone | None,
    history: _History,
    weekly_morning_pain: Sequence[Decimal],
    thresholds: Thresholds,
) -> tuple[Reason, ...]:
    reasons = []
    if latest and latest.zone is Zone.RED:
        reasons.append(_LATEST_RED)
    count = thresholds.amber_sessions_to_regress
    if history.last_are(count, _AMBER_OR_WORSE):
        reasons.append(_amber_in_a_row_reason(count))
    if weekly_trend_rising(weekly_morning_pain, thresholds):
        before, last = weekly_morning_pain[-2], weekly_morning_pain[-1]
        text = (
            f"Average morning test pain rose from {before} to {last} over the last week "
            f"(a rise of {thresholds.trend_rising} or more counts), so the load steps back."
        )
        reasons.append(Reason("PMM-TREND-RISING", text))
    return tuple(reasons)


# Reasons are immutable, and most depend only on a few small numbers: each is built once and
# shared by every decision that gives it, instead of once per decision.
_LATEST_RED = Reason(
    "PMM-REGRESS-LATEST-RED",
    "The latest session was in the red zone, so the next sessions go one step lighter.",
)


@lru_cache(maxsize=64)
def _amber_in_a_row_reason(count: int) -> Reason:
    text = f"The last {count} sessions were all amber or worse, so the load steps back one step."
    return Reason("PMM-AMBER-TWO-IN-A-ROW", text)


def _step_back_reason(stage: int, history: _History, thresholds: Thresholds) -> Reason | None:
    if stage == 1:
        return None
    days = thresholds.step_back_window_days
    reds = history.red_count_within(days)
    if reds < thresholds.step_back_red_sessions:
        return None
    return _reds_in_window_reason(reds, days, stage)


@lru_cache(maxsize=256)
def _reds_in_window_reason(reds: int, days: int, stage: int) -> Reason:
    text = (
        f"There were {reds} red sessions in the {days} days up to the latest one, so going back "
        f"to stage {stage - 1} is proposed; your physio needs to approve it."
    )
    return Reason("PMM-STEP-BACK-TWO-RED-IN-WEEK", text)


@lru_cache(maxsize=16)
def _progress_reason(stage: int, gate_met: bool) -> Reason:
    if gate_met:
        target = "back to sport" if stage + 1 == LAST_STAGE else f"stage {stage + 1}"
        text = (
            f"Recent sessions were green and morning pain is not rising, and every check for "
            f"{target} is met: moving up is proposed; your physio needs to approve it."
        )
    else:
        text = (
            "Recent sessions were green and morning pain is not rising: move up one step "
            f"within stage {stage}."
        )
    return Reason("PMM-PROGRESS-TWO-GREEN", text)


@lru_cache(maxsize=64)
def _hold_reason(latest: Zone | None, green_sessions_to_progress: int) -> Reason:
    """Why the dose stays, from the latest session's zone (None: no sessions yet)."""
    if latest is None:
        return Reason(
            "PMM-HOLD-NO-SESSIONS", "No sessions logged yet: start with the current dose."
        )
    if latest is Zone.PENDING:
        return Reason("PMM-HOLD", "Keep the same dose until tomorrow morning's test pain is in.")
    if latest is Zone.AMBER:
        return Reason(
            "PMM-HOLD",
            "The latest session was amber: keep the same dose and see how the next goes.",
        )
    return Reason(
        "PMM-HOLD",
        f"Keep the same dose until {green_sessions_to_progress} completed sessions in a row are "
        "green.",
    )


def _refer(stage: int, red_flags: Sequence[str]) -> Decision:
    text = (
        f"A warning sign was recorded ({', '.join(red_flags)}): stop the exercises and running "
        "and get the medical check your physio advises before carrying on."
    )
    return Decision(
        Zone.STOP,
        Action.REFER,
        stage,
        StageChange.STAY,
        False,
        False,
        (Reason("PMM-STOP-RED-FLAG", text),),
    )


def check_sessions(sessions: Sequence[SessionValues], field: str) -> None:
    """Sessions listed oldest first (their values are checked already: see Session)."""
    # A stable sort by date leaves an oldest-first list as it is; done in C for every decision.
    if sorted(sessions, key=_date_of) == list(sessions):
        return
    dates = list(map(_date_of, sessions))
    index = next(i for i in range(1, len(dates)) if dates[i] < dates[i - 1])
    raise EngineInputError(f"{field} must be listed oldest first", f"{field}[{index}].date")


# SessionValues' fields, read in C (a Session's too).
_date_of = itemgetter(Session._fields.index("date"))
_completed_of = itemgetter(Session._fields.index("completed"))


def _check_history(
    stage: int,
    baseline: int,
    sessions: Sequence[SessionValues],
    weekly_morning_pain: Sequence[Decimal],
    red_flags: Sequence[str],
) -> None:
    require_int(stage, field="stage", low=1, high=LAST_STAGE)
    require_int(baseline, field="baseline_morning_pain", low=0, high=10)
    check_sessions(sessions, "sessions")
    for index, mean in enumerate(weekly_morning_pain):
        if not (isinstance(mean, Decimal) and _PAIN_LOW <= mean <= _PAIN_HIGH):
            field = f"weekly_morning_pain[{index}]"
            if not isinstance(mean, Decimal):
                raise EngineInputError("weekly mean morning pain must be a Decimal", field)
            require_decimal(mean, field=field, low=_PAIN_LOW, high=_PAIN_HIGH)
    for index, flag in enumerate(red_flags):
        require_text(flag, field=f"red_flags[{index}]")
