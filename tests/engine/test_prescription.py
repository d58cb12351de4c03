import pytest

from sitbone.engine import (
    EQUIPMENT,
    EXERCISES,
    EngineInputError,
    Irritability,
    LoadBand,
    Programme,
    Variable,
    prescribe,
    progress,
    regress,
)

ALL_EQUIPMENT = list(EQUIPMENT)


def hamstring(programme):
    return [p for p in programme.exercises if p.exercise.focus.value == "hamstring"]


def test_stage_1_is_isometric_holds_five_times_45_seconds_at_70_percent_effort():
    programme = prescribe(1, [], Irritability.MODERATE)
    holds = hamstring(programme)
    assert holds
    for hold in holds:
        assert hold.exercise.kind.value == "isometric"
        assert (hold.sets, hold.hold_seconds, hold.load, hold.rest_seconds) == (
            5,
            45,
            LoadBand.EFFORT_70,
            120,
        )
        assert hold.times_per_day > 1
        assert hold.dose_unverified is True
    assert "RX-STAGE-1-ISOMETRIC-DOSE" in [r.rule for r in programme.reasons]


@pytest.mark.parametrize(("stage", "band"), [(2, LoadBand.RM_15), (3, LoadBand.RM_10)])
def test_stages_2_and_3_start_heavy_slow_resistance_three_times_a_week(stage, band):
    programme = prescribe(stage, ALL_EQUIPMENT)
    strength = [p for p in hamstring(programme) if p.load.value.endswith("RM")]
    assert strength
    for item in strength:
        assert item.load == band
        assert item.reps == int(band.value.removesuffix("RM"))
        assert 3 <= item.sets <= 4
        assert item.sessions_per_week == 3
    assert "RX-HSR-BANDS" in [r.rule for r in programme.reasons]


def test_stage_4_has_plyometrics_two_to_three_times_a_week_and_running():
    programme = prescribe(4, ALL_EQUIPMENT)
    kinds = {p.exercise.kind.value for p in programme.exercises}
    assert {"plyometric", "running", "isotonic"} <= kinds
    for item in programme.exercises:
        if item.exercise.kind.value == "plyometric":
            assert 2 <= item.sessions_per_week <= 3


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
@pytest.mark.parametrize("equipment", [[], ["dumbbells"], ALL_EQUIPMENT])
def test_programmes_use_only_owned_equipment_and_exercises_meant_for_nearby_stages(
    stage, equipment
):
    programme = prescribe(stage, equipment, Irritability.LOW)
    assert programme.exercises
    for item in programme.exercises:
        assert set(item.exercise.equipment) <= set(equipment)
        assert (
            stage in item.exercise.stages
            or item.exercise.kind.value == "isometric"
            or (stage == 4 and 3 in item.exercise.stages)
        )
    assert len({p.exercise_id for p in programme.exercises}) == len(programme.exercises)


def test_stages_1_and_2_keep_hamstring_work_out_of_deep_hip_flexion():
    for stage in (1, 2):
        for item in hamstring(prescribe(stage, ALL_EQUIPMENT)):
            assert item.hip_flexion.value in {"neutral", "lt45"}


def test_an_irritable_tendon_gets_fewer_lighter_exercises_and_an_isometric_for_pain_relief():
    calm = prescribe(2, ALL_EQUIPMENT, Irritability.MODERATE)
    irritable = prescribe(2, ALL_EQUIPMENT, Irritability.HIGH)
    assert len(irritable.exercises) < len(calm.exercises)
    assert any(p.exercise.kind.value == "isometric" for p in hamstring(irritable))
    assert irritable.exercises[0].load == LoadBand.RM_20
    assert "RX-HIGH-IRRITABILITY" in [r.rule for r in irritable.reasons]


def test_invalid_prescription_requests_are_rejected():
    with pytest.raises(EngineInputError) as raised:
        prescribe(5)
    assert raised.value.field == "stage"
    with pytest.raises(EngineInputError) as raised:
        prescribe(2, ["trampoline"])
    assert raised.value.field == "equipment[0]"
    with pytest.raises(EngineInputError) as raised:
        prescribe(2, [], "extreme")  # type: ignore[arg-type]
    assert raised.value.field == "irritability"


def test_progress_changes_one_variable_one_step_and_says_which():
    programme = prescribe(2, ["leg_curl_machine"])
    adjustment = progress(programme)
    assert adjustment.variable is Variable.LOAD
    assert adjustment.reason.rule == "RX-ONE-VARIABLE"
    before = {p.exercise_id: p for p in programme.exercises}
    for change in adjustment.changes:
        assert (change.before, change.after) == ("15RM", "12RM")
    for item in adjustment.programme.exercises:
        old = before[item.exercise_id]
        assert (item.sets, item.hip_flexion, item.speed) == (old.sets, old.hip_flexion, old.speed)


def test_stage_3_progresses_hip_flexion_first():
    adjustment = progress(prescribe(3, ["dumbbells"]))
    assert adjustment.variable is Variable.HIP_FLEXION
    assert "hip bent" in adjustment.reason.text


def test_stage_2_loads_stop_at_8rm():
    programme = prescribe(2, ["leg_curl_machine"])
    for _ in range(10):
        programme = progress(programme, Variable.LOAD).programme
    assert {p.load for p in programme.exercises if p.load.value.endswith("RM")} <= {LoadBand.RM_8}


def test_when_nothing_can_move_progress_says_so_and_changes_nothing():
    programme = prescribe(2, [])
    for _ in range(30):
        programme = progress(programme).programme
    final = progress(programme)
    assert final.variable is None and final.changes == ()
    assert final.programme == programme
    assert final.reason.rule == "RX-NOTHING-TO-CHANGE"


def test_regress_undoes_the_last_progression_first():
    programme = prescribe(3, ["dumbbells"])
    progressed = progress(programme)
    assert regress(progressed.programme).programme.exercises == programme.exercises


def test_regress_without_history_reduces_hip_flexion_then_load():
    programme = prescribe(2, ["leg_curl_machine"])
    adjustment = regress(programme)
    assert adjustment.variable is Variable.LOAD
    assert adjustment.reason.rule == "RX-REGRESS-ONE-STEP"
    assert {c.after for c in adjustment.changes} == {"20RM"}


def test_programmes_round_trip_through_plain_dicts():
    for stage in (1, 2, 3, 4):
        programme = progress(prescribe(stage, ALL_EQUIPMENT, Irritability.HIGH)).programme
        assert Programme.from_dict(programme.to_dict()) == programme


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(stage=0), "stage"),
        (lambda d: d["exercises"][0].update(exercise_id="moonwalk"), "exercises[0].exercise_id"),
        (lambda d: d["exercises"][0].update(sets=0), "exercises[0].sets"),
        (lambda d: d["exercises"][0].update(load="90% effort"), "exercises[0].load"),
        (lambda d: d["exercises"][0].update(colour="red"), "exercises[0].colour"),
        (lambda d: d.pop("exercises"), "exercises"),
    ],
)
def test_stored_programmes_are_validated_when_read_back(change, field):
    data = prescribe(2, []).to_dict()
    change(data)
    with pytest.raises(EngineInputError) as raised:
        Programme.from_dict(data)
    assert raised.value.field == field


def test_exercise_rows_carry_names_for_display():
    row = prescribe(1).to_dict()["exercises"][0]
    assert row["name"] == EXERCISES[row["exercise_id"]].name
