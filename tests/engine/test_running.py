import datetime as dt

import pytest

from sitbone.engine import RUN_LADDER, EngineInputError, Session, run_step
from tests.engine.builders import DAY_ONE

GREEN, AMBER, RED = (1, 1, 1), (4, 1, 1), (7, 1, 1)


def day(n: int) -> dt.date:
    return DAY_ONE + dt.timedelta(days=n)


def step(current=2, changed=0, runs=(), ready=True, today=4, baseline=1):
    return run_step(
        current_step=current,
        last_step_change_date=None if changed is None else day(changed),
        runs=[Session(day(d), *pains) for d, pains in runs],
        running_ready=ready,
        baseline_morning_pain=baseline,
        today=day(today),
    )


def outcome(result):
    return result.step, result.step_change.value, [r.rule for r in result.reasons][-1]


def test_the_ladder_has_nine_steps_from_walk_run_to_fast_running():
    assert [s.step for s in RUN_LADDER] == list(range(1, 10))
    assert RUN_LADDER[0].repeats == 6 and RUN_LADDER[0].run_seconds == 60
    assert RUN_LADDER[4].continuous_minutes == 20


def test_a_ready_patient_starts_at_step_1():
    assert outcome(step(current=0, changed=None)) == (1, "advance", "RUN-STEP-START")


def test_nobody_starts_before_running_ready():
    assert outcome(step(current=0, changed=None, ready=False)) == (0, "stay", "RUN-STEP-NOT-READY")


def test_a_green_run_two_days_after_the_last_change_moves_up_one_step():
    result = step(runs=[(1, GREEN)], today=2)
    assert outcome(result) == (3, "advance", "RUN-STEP-ADVANCE-GREEN")
    assert result.session is not None and result.session.step == 3
    assert result.earliest_next_advance == day(4)


def test_at_most_one_step_every_two_days():
    result = step(runs=[(1, GREEN)], today=1)
    assert outcome(result) == (2, "stay", "RUN-STEP-WAIT-TWO-DAYS")
    assert result.earliest_next_advance == day(2)


@pytest.mark.parametrize(
    ("pains", "rule"), [(AMBER, "RUN-STEP-HOLD"), ((1, 1, None), "RUN-STEP-HOLD")]
)
def test_amber_or_pending_runs_repeat_the_step(pains, rule):
    assert outcome(step(runs=[(3, pains)])) == (2, "stay", rule)


def test_an_incomplete_green_run_repeats_the_step():
    result = run_step(
        current_step=2,
        last_step_change_date=day(0),
        runs=[Session(day(3), 1, 1, 1, False)],
        running_ready=True,
        baseline_morning_pain=1,
        today=day(4),
    )
    assert outcome(result) == (2, "stay", "RUN-STEP-HOLD")


def test_a_red_run_steps_back_one_even_if_no_longer_running_ready():
    assert outcome(step(runs=[(3, RED)], ready=False)) == (1, "step_back", "RUN-STEP-BACK-RED")


def test_next_morning_pain_two_above_baseline_is_a_red_run():
    assert step(runs=[(3, (1, 1, 3))], baseline=1).step_change.value == "step_back"


def test_a_red_run_at_step_1_pauses_running():
    result = step(current=1, runs=[(3, RED)])
    assert outcome(result) == (0, "step_back", "RUN-STEP-BACK-RED")
    assert result.session is None


def test_runs_before_the_last_change_belong_to_the_previous_step():
    assert outcome(step(changed=3, runs=[(3, GREEN)], today=6)) == (
        2,
        "stay",
        "RUN-STEP-NO-RUN-AT-STEP",
    )
    assert outcome(step(changed=3, runs=[(3, RED)], today=6)) == (
        2,
        "stay",
        "RUN-STEP-NO-RUN-AT-STEP",
    )


def test_losing_running_readiness_stops_moving_up():
    assert outcome(step(runs=[(3, GREEN)], ready=False)) == (2, "stay", "RUN-STEP-NOT-READY")


def test_step_9_is_the_top():
    assert outcome(step(current=9, runs=[(3, GREEN)])) == (9, "stay", "RUN-STEP-TOP")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"current": 10}, "current_step"),
        ({"current": -1}, "current_step"),
        ({"changed": 9}, "last_step_change_date"),
        ({"runs": [(5, GREEN)]}, "runs[0].date"),
        ({"runs": [(3, GREEN), (2, GREEN)]}, "runs[1].date"),
        ({"baseline": 11}, "baseline_morning_pain"),
    ],
)
def test_invalid_run_histories_are_rejected(kwargs, field):
    with pytest.raises(EngineInputError) as raised:
        step(**kwargs)
    assert raised.value.field == field
