"""Return to running: the nine-step walk–run ladder and when to move along it.

Sources: clinical-brief §5.7. Entry criteria (Goom, running-physio.com "PHT return to running"
[V]) are computed by :func:`~sitbone.engine.gates.evaluate_running_ready` (no rest pain,
pain-free drop lunge, prone-curl 10RM symmetry ≥ 0.90). The ladder itself is a generic walk–run
template, not a PHT trial ([D], sportsinjury.online / SSPC [S]). Rules, with their thresholds:

- not before running-ready (``RUN-STEP-NOT-READY``); step 0 means not running yet, and a ready
  patient starts at step 1 (``RUN-STEP-START``);
- a red run, by the same pain-monitoring zones as strength sessions (§5.3: during or after
  ≥ 6/10, next morning ≥ 6/10 or ≥ baseline + 2), sends the patient back one step
  (``RUN-STEP-BACK-RED``);
- move up one step only after a green, completed run at the current step
  (``RUN-STEP-ADVANCE-GREEN``) and at most once every two days (``RUN-STEP-WAIT-TWO-DAYS``);
- amber or pending runs repeat the step (``RUN-STEP-HOLD``); step 9 is the top
  (``RUN-STEP-TOP``).

A run counts for the current step when it is dated after the last step change, so the run that
caused a change is never counted twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sitbone.engine.datafiles import load_data
from sitbone.engine.errors import EngineInputError
from sitbone.engine.monitoring import Session, StageChange, Zone, check_sessions, classify_session
from sitbone.engine.rules import Reason
from sitbone.engine.thresholds import DEFAULT_THRESHOLDS, Thresholds
from sitbone.engine.values import require_bool, require_int

NOT_RUNNING = 0


@dataclass(frozen=True, slots=True)
class RunStep:
    step: int
    title: str
    repeats: int | None
    run_seconds: int | None
    walk_seconds: int | None
    continuous_minutes: int | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "title": self.title,
            "repeats": self.repeats,
            "run_seconds": self.run_seconds,
            "walk_seconds": self.walk_seconds,
            "continuous_minutes": self.continuous_minutes,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class RunStepDecision:
    step: int
    step_change: StageChange
    zone: Zone
    session: RunStep | None
    earliest_next_advance: dt.date
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "step_change": self.step_change.value,
            "zone": self.zone.value,
            "session": None if self.session is None else self.session.to_dict(),
            "warm_up": RUN_WARM_UP,
            "earliest_next_advance": self.earliest_next_advance.isoformat(),
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


def run_step(
    *,
    current_step: int,
    last_step_change_date: dt.date | None,
    runs: Sequence[Session],
    running_ready: bool,
    baseline_morning_pain: int,
    today: dt.date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> RunStepDecision:
    """Where on the walk–run ladder the patient runs next (runs oldest first)."""
    _check(current_step, last_step_change_date, runs, running_ready, baseline_morning_pain, today)
    wait = dt.timedelta(days=thresholds.run_days_between_steps)
    earliest = today if last_step_change_date is None else last_step_change_date + wait
    at_step = [
        run for run in runs if last_step_change_date is None or run.date > last_step_change_date
    ]
    latest = classify_session(at_step[-1], baseline_morning_pain, thresholds) if at_step else None
    zone = latest.zone if latest else Zone.PENDING

    def decision(change: StageChange, *reasons: Reason) -> RunStepDecision:
        step = current_step + {StageChange.ADVANCE: 1, StageChange.STEP_BACK: -1}.get(change, 0)
        zone_reasons = latest.reasons if latest else ()
        next_advance = today + wait if change is not StageChange.STAY else earliest
        return RunStepDecision(
            step,
            change,
            zone,
            RUN_STEPS.get(step),
            max(next_advance, today),
            (*zone_reasons, *reasons),
        )

    if latest and zone is Zone.RED and current_step > NOT_RUNNING:
        return decision(StageChange.STEP_BACK, _back_reason(current_step))
    if not running_ready:
        return decision(StageChange.STAY, _not_ready_reason(current_step))
    if current_step > NOT_RUNNING:
        hold = _hold_reason(current_step, at_step[-1] if at_step else None, zone)
        if hold:
            return decision(StageChange.STAY, hold)
    if today < earliest:
        text = f"Move up at most one step every {wait.days} days: the earliest is {earliest}."
        return decision(StageChange.STAY, Reason("RUN-STEP-WAIT-TWO-DAYS", text))
    if current_step == NOT_RUNNING:
        text = "You are ready to run: start with step 1 of the walk–run plan."
        return decision(StageChange.ADVANCE, Reason("RUN-STEP-START", text))
    text = f"A green run at step {current_step}: move up to step {current_step + 1}."
    return decision(StageChange.ADVANCE, Reason("RUN-STEP-ADVANCE-GREEN", text))


def _hold_reason(current_step: int, latest: Session | None, zone: Zone) -> Reason | None:
    """Why the patient repeats the current step whatever the date, or None to go on."""
    if latest is None:
        text = f"Do step {current_step} and log the pain before moving on."
        return Reason("RUN-STEP-NO-RUN-AT-STEP", text)
    if zone is not Zone.GREEN or not latest.completed:
        return Reason(
            "RUN-STEP-HOLD", f"Repeat step {current_step} until a run is green and completed."
        )
    if current_step == TOP_STEP:
        text = "You have reached the top of the plan: next is the return-to-sport check."
        return Reason("RUN-STEP-TOP", text)
    return None


def _back_reason(current_step: int) -> Reason:
    if current_step == 1:
        text = "A red run: pause running, keep the strength work, and talk to your physio."
    else:
        text = f"A red run: go back to step {current_step - 1}."
    return Reason("RUN-STEP-BACK-RED", text)


def _not_ready_reason(current_step: int) -> Reason:
    if current_step == NOT_RUNNING:
        text = "Not ready to start running yet: see the running checks."
    else:
        text = f"The running checks are not all met now: stay at step {current_step} for now."
    return Reason("RUN-STEP-NOT-READY", text)


def _check(
    current_step: int,
    last_step_change_date: dt.date | None,
    runs: Sequence[Session],
    running_ready: bool,
    baseline: int,
    today: dt.date,
) -> None:
    require_int(current_step, field="current_step", low=NOT_RUNNING, high=TOP_STEP)
    require_bool(running_ready, field="running_ready")
    require_int(baseline, field="baseline_morning_pain", low=0, high=10)
    if type(today) is not dt.date:
        raise EngineInputError("today must be a calendar date", "today")
    if last_step_change_date is not None and last_step_change_date > today:
        raise EngineInputError(
            "the last step change cannot be after today", "last_step_change_date"
        )
    check_sessions(runs, "runs")
    if runs and runs[-1].date > today:
        raise EngineInputError("a run cannot be dated after today", f"runs[{len(runs) - 1}].date")


_DATA = load_data("run_ladder.json")
RUN_WARM_UP: str = _DATA["warm_up"]
RUN_LADDER: tuple[RunStep, ...] = tuple(RunStep(**raw) for raw in _DATA["steps"])
RUN_STEPS = {step.step: step for step in RUN_LADDER}
TOP_STEP = RUN_LADDER[-1].step
