"""The exercise catalogue is data other parts of Sitbone rely on (pictures by id, forms)."""

import re
from collections import Counter

from sitbone.engine import EQUIPMENT, EXERCISES, ExerciseKind, HipFlexion
from sitbone.engine.prescription import _HIP_ORDER, _SPEEDS, PrescribedExercise, _volume_ladder


def test_there_are_at_least_30_exercises_covering_every_stage_and_kind():
    assert len(EXERCISES) >= 30
    stages = Counter(stage for e in EXERCISES.values() for stage in e.stages)
    assert all(stages[stage] >= 5 for stage in (1, 2, 3, 4))
    assert {e.kind for e in EXERCISES.values()} == set(ExerciseKind)
    assert {e.focus.value for e in EXERCISES.values()} == {
        "hamstring",
        "glute",
        "lumbopelvic",
        "calf",
    }


def test_ids_are_stable_snake_case():
    for exercise_id in EXERCISES:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", exercise_id)


def test_variants_point_at_real_other_exercises_without_cycles():
    for exercise in EXERCISES.values():
        for variant in (exercise.easier, exercise.harder):
            assert variant is None or (variant in EXERCISES and variant != exercise.id)
        seen, current = set(), exercise.id
        while current is not None:
            assert current not in seen
            seen.add(current)
            current = EXERCISES[current].harder


def test_every_exercise_has_cues_a_description_and_known_equipment():
    for exercise in EXERCISES.values():
        assert 2 <= len(exercise.cues) <= 4
        assert exercise.description and exercise.name
        assert set(exercise.equipment) <= EQUIPMENT.keys()


def test_hip_flexion_ranges_are_ordered():
    for exercise in EXERCISES.values():
        assert _HIP_ORDER.index(exercise.hip_flexion) <= _HIP_ORDER.index(exercise.hip_flexion_max)


def test_stage_1_and_2_hamstring_exercises_keep_the_hip_under_45_degrees():
    for exercise in EXERCISES.values():
        if exercise.focus.value == "hamstring" and min(exercise.stages) <= 2:
            assert exercise.hip_flexion in {HipFlexion.NEUTRAL, HipFlexion.LT45}, exercise.id


def test_every_default_dose_sits_on_its_ladders_so_it_can_progress_and_regress():
    for exercise in EXERCISES.values():
        dose = exercise.default_dose
        prescribed = PrescribedExercise(
            exercise.id,
            dose.sets,
            dose.reps,
            dose.hold_seconds,
            dose.load,
            dose.rest_seconds,
            dose.speed,
            exercise.hip_flexion,
            sessions_per_week=3,
        )
        amount = dose.hold_seconds if dose.hold_seconds is not None else dose.reps
        assert amount is not None, exercise.id
        assert (dose.sets, amount) in _volume_ladder(prescribed, amount), exercise.id
        if dose.load.value.endswith("RM"):
            assert dose.reps == int(dose.load.value.removesuffix("RM")), exercise.id
        assert (dose.speed is None) == (exercise.kind is ExerciseKind.ISOMETRIC), exercise.id
        assert dose.speed is None or dose.speed in _SPEEDS[exercise.kind], exercise.id


def test_the_catalogue_serialises_for_the_web_app():
    row = EXERCISES["bridge_hold_single_leg_short_lever"].to_dict()
    assert row["default_dose"] == {
        "sets": 5,
        "reps": None,
        "hold_seconds": 45,
        "load": "70% effort",
        "rest_seconds": 120,
        "speed": None,
    }
    assert row["kind"] == "isometric" and row["hip_flexion"] == "neutral"
