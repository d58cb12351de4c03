"""Properties of the decision rules that must hold for every history, not just the golden ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sitbone.engine import (
    EQUIPMENT,
    Action,
    Decision,
    GateMeasures,
    Irritability,
    PrescribedExercise,
    Programme,
    Session,
    Speed,
    StageChange,
    Variable,
    decide,
    prescribe,
    progress,
    regress,
)
from sitbone.engine.commands import run
from sitbone.engine.prescription import _HIP_ORDER, _LADDER_OF
from tests.engine.builders import DAY_ONE

PAIN = st.integers(0, 10)
RESTRICTIVENESS = {Action.PROGRESS: 0, Action.HOLD: 1, Action.REGRESS: 2, Action.REFER: 3}
CHANGE_RESTRICTIVENESS = {StageChange.ADVANCE: 0, StageChange.STAY: 1, StageChange.STEP_BACK: 2}


@st.composite
def sessions(draw: st.DrawFn) -> list[Session]:
    gaps = draw(st.lists(st.integers(0, 4), max_size=10))
    day, result = DAY_ONE, []
    for gap in gaps:
        day += dt.timedelta(days=gap)
        morning = draw(st.none() | PAIN)
        result.append(Session(day, draw(PAIN), draw(PAIN), morning, draw(st.booleans())))
    return result


RATIO = st.decimals(Decimal("0.5"), Decimal("1.2"), places=2)
gates = st.builds(
    GateMeasures,
    slb_short_lever_pain=st.none() | PAIN,
    curl_10rm_lsi=st.none() | RATIO,
    slb_reps_lsi=st.none() | RATIO,
    drop_lunge_pain=st.none() | PAIN,
    single_leg_rdl_pain=st.none() | PAIN,
    rest_pain=st.none() | PAIN,
    sport_load_pain=st.none() | PAIN,
)
histories = st.fixed_dictionaries(
    {
        "stage": st.integers(1, 5),
        "baseline_morning_pain": PAIN,
        "sessions": sessions(),
        "weekly_morning_pain": st.lists(st.decimals(0, 10, places=1), max_size=4),
        "gates": gates,
        "red_flags": st.lists(st.sampled_from(["saddle_numbness", "fever_or_unwell"]), max_size=1),
    }
)


def restrictiveness(decision: Decision) -> tuple[int, int]:
    return RESTRICTIVENESS[decision.action], CHANGE_RESTRICTIVENESS[decision.stage_change]


@settings(max_examples=300)
@given(histories, st.data())
def test_raising_any_session_pain_never_makes_the_decision_more_permissive(history, data):
    if not history["sessions"]:
        return
    before = decide(**history)
    index = data.draw(st.integers(0, len(history["sessions"]) - 1))
    field = data.draw(st.sampled_from(["pain_during", "pain_after", "next_morning_pain"]))
    chosen = history["sessions"][index]
    current = getattr(chosen, field)
    if current is None or current == 10:
        return
    raised = chosen._replace(**{field: data.draw(st.integers(current + 1, 10))})
    history["sessions"] = [raised if i == index else s for i, s in enumerate(history["sessions"])]
    after = decide(**history)
    assert restrictiveness(after) >= restrictiveness(before)


@settings(max_examples=200)
@given(histories, st.data())
def test_raising_any_test_pain_never_makes_the_decision_or_running_more_permissive(history, data):
    before = decide(**history)
    field = data.draw(
        st.sampled_from(
            [
                "slb_short_lever_pain",
                "drop_lunge_pain",
                "single_leg_rdl_pain",
                "rest_pain",
                "sport_load_pain",
            ]
        )
    )
    current = getattr(history["gates"], field)
    if current is None or current == 10:
        return
    values = {name: getattr(history["gates"], name) for name in GateMeasures.__dataclass_fields__}
    history["gates"] = GateMeasures(**(values | {field: data.draw(st.integers(current + 1, 10))}))
    after = decide(**history)
    assert restrictiveness(after) >= restrictiveness(before)
    assert after.running_ready <= before.running_ready


@settings(max_examples=200)
@given(histories)
def test_replaying_the_same_history_gives_the_same_decision(history):
    assert decide(**history) == decide(**history)


@settings(max_examples=200)
@given(histories)
def test_the_stage_moves_by_at_most_one_and_any_move_needs_approval(history):
    decision = decide(**history)
    moved = decision.stage - history["stage"]
    assert (
        moved
        == {StageChange.ADVANCE: 1, StageChange.STAY: 0, StageChange.STEP_BACK: -1}[
            decision.stage_change
        ]
    )
    assert 1 <= decision.stage <= 5
    assert decision.requires_approval is (moved != 0)
    assert decision.zone.value == "stop" or decision.action is not Action.REFER


@settings(max_examples=100)
@given(histories)
def test_the_json_command_gives_the_same_decision_as_the_python_call(history):
    document = {
        "stage": history["stage"],
        "baseline_morning_pain": history["baseline_morning_pain"],
        "sessions": [
            {
                "date": s.date.isoformat(),
                "pain_during": s.pain_during,
                "pain_after": s.pain_after,
                "next_morning_pain": s.next_morning_pain,
                "completed": s.completed,
            }
            for s in history["sessions"]
        ],
        "weekly_morning_pain": [float(w) for w in history["weekly_morning_pain"]],
        "gates": {
            name: float(value) if isinstance(value, Decimal) else value
            for name, value in vars_of(history["gates"]).items()
        },
        "red_flags": history["red_flags"],
    }
    assert run("decide", document) == decide(**history).to_dict()
    assert run("decide", [document, document]) == [decide(**history).to_dict()] * 2


def vars_of(measures: GateMeasures) -> dict[str, object]:
    return {name: getattr(measures, name) for name in GateMeasures.__dataclass_fields__}


# --- prescription --------------------------------------------------------------------------------

GROUPS = {
    Variable.LOAD: ("load", "reps"),
    Variable.VOLUME: ("sets", "reps", "hold_seconds"),
    Variable.HIP_FLEXION: ("hip_flexion",),
    Variable.SPEED: ("speed",),
}
DOSE_FIELDS = ("load", "reps", "sets", "hold_seconds", "hip_flexion", "speed")


def changed_fields(before: Programme, after: Programme) -> set[str]:
    return {
        name
        for old, new in zip(before.exercises, after.exercises, strict=True)
        for name in DOSE_FIELDS
        if getattr(old, name) != getattr(new, name)
    }


programmes = st.builds(
    prescribe,
    st.integers(1, 4),
    st.lists(st.sampled_from(sorted(EQUIPMENT)), unique=True),
    st.sampled_from(list(Irritability)),
)
steps = st.lists(
    st.tuples(
        st.sampled_from(["progress", "regress"]), st.none() | st.sampled_from(list(Variable))
    ),
    max_size=12,
)


@settings(max_examples=200)
@given(programmes, steps)
def test_every_adjustment_changes_exactly_one_variable_by_one_step(programme, moves):
    for move, variable in moves:
        adjustment = (progress if move == "progress" else regress)(programme, variable)
        changed = changed_fields(programme, adjustment.programme)
        if adjustment.variable is None:
            assert changed == set()
        else:
            assert changed and changed <= set(GROUPS[adjustment.variable])
            assert {c.exercise_id for c in adjustment.changes} == {
                old.exercise_id
                for old, new in zip(
                    programme.exercises, adjustment.programme.exercises, strict=True
                )
                if old != new
            }
        assert [p.exercise_id for p in adjustment.programme.exercises] == [
            p.exercise_id for p in programme.exercises
        ]
        assert Programme.from_dict(adjustment.programme.to_dict()) == adjustment.programme
        programme = adjustment.programme


def dose_level(item: PrescribedExercise, variable: Variable) -> int:
    """How far up its ladder one variable of an exercise is."""
    if variable is Variable.LOAD:
        return _LADDER_OF[item.load].index(item.load)
    if variable is Variable.HIP_FLEXION:
        return _HIP_ORDER.index(item.hip_flexion)
    if variable is Variable.SPEED:
        return 0 if item.speed is None else list(Speed).index(item.speed)
    return item.sets * (item.hold_seconds or item.reps or 0)


@settings(max_examples=100)
@given(programmes)
def test_regress_after_progress_steps_back_the_same_variable_and_only_downwards(programme):
    progressed = progress(programme)
    if progressed.variable is None:
        return
    regressed = regress(progressed.programme)
    variable = progressed.variable
    assert regressed.variable is variable
    for before, after in zip(
        progressed.programme.exercises, regressed.programme.exercises, strict=True
    ):
        assert dose_level(after, variable) <= dose_level(before, variable)
        assert (after == before) or dose_level(after, variable) < dose_level(before, variable)
