"""Exercise prescription: the catalogue, a starting programme per stage, and one-step changes.

Sources (clinical-brief): four-stage loading (§5.4, Goom et al. 2016): stage 1 isometrics with the
hip near neutral; stage 2 heavy slow resistance with little hip flexion; stage 3 adds hip flexion
(compression); stage 4 spring-like work and running. Doses (§5.5): isometrics about 5 × 45 s at
~70% effort, 2 min rest, several times a day (Rio et al. 2015; the dose itself is unverified,
``RX-STAGE-1-ISOMETRIC-DOSE``); heavy slow resistance from 15RM towards 8RM, 3 sessions a week,
3–4 sets (Goom, running-physio.com; ``RX-HSR-BANDS``), 6RM allowed from stage 3 (HSR template,
[S]); plyometrics 2–3 times a week, 48 h apart ([U], ``RX-PLYO-FREQUENCY``). Glute, trunk and
calf work alongside (§5.8, ``RX-KINETIC-CHAIN``). Irritable tendons get fewer exercises, a
lighter start and an isometric for pain relief (§5.5 [D], ``RX-HIGH-IRRITABILITY``).

Progression follows the brief's two-axis model (§1.3 [D]) and the green-zone rule (§5.3 [D]):
:func:`progress` moves exactly one variable — load band, volume, hip-flexion band or speed — one
step, for every exercise that can take it (``RX-ONE-VARIABLE``); :func:`regress` steps one
variable back (``RX-REGRESS-ONE-STEP``), undoing the last progression when there was one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from sitbone.engine.datafiles import load_data
from sitbone.engine.errors import EngineInputError, join_field
from sitbone.engine.rules import RULES, Reason
from sitbone.engine.values import (
    describe,
    reject_unknown_keys,
    require_bool,
    require_int,
    require_key,
    require_list,
    require_object,
    require_text,
)

FIRST_STAGE, LAST_PROGRAMME_STAGE = 1, 4


class ExerciseKind(StrEnum):
    ISOMETRIC = "isometric"
    ISOTONIC = "isotonic"
    PLYOMETRIC = "plyometric"
    RUNNING = "running"


class Focus(StrEnum):
    HAMSTRING = "hamstring"
    GLUTE = "glute"
    LUMBOPELVIC = "lumbopelvic"
    CALF = "calf"


class HipFlexion(StrEnum):
    NEUTRAL = "neutral"
    LT45 = "lt45"
    FROM_45_TO_90 = "45_90"
    GT90 = "gt90"


class LoadBand(StrEnum):
    EFFORT_50 = "50% effort"
    EFFORT_60 = "60% effort"
    EFFORT_70 = "70% effort"
    EFFORT_80 = "80% effort"
    RM_20 = "20RM"
    RM_15 = "15RM"
    RM_12 = "12RM"
    RM_10 = "10RM"
    RM_8 = "8RM"
    RM_6 = "6RM"
    LOW_INTENSITY = "low intensity"
    MODERATE_INTENSITY = "moderate intensity"
    HIGH_INTENSITY = "high intensity"
    BODYWEIGHT = "bodyweight"


class Speed(StrEnum):
    SLOW = "slow"
    MODERATE = "moderate"
    FAST = "fast"


class Irritability(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Variable(StrEnum):
    LOAD = "load"
    VOLUME = "volume"
    HIP_FLEXION = "hip_flexion"
    SPEED = "speed"


_HIP_ORDER = tuple(HipFlexion)
_LOAD_LADDERS: tuple[tuple[LoadBand, ...], ...] = (
    (LoadBand.EFFORT_50, LoadBand.EFFORT_60, LoadBand.EFFORT_70, LoadBand.EFFORT_80),
    (LoadBand.RM_20, LoadBand.RM_15, LoadBand.RM_12, LoadBand.RM_10, LoadBand.RM_8, LoadBand.RM_6),
    (LoadBand.LOW_INTENSITY, LoadBand.MODERATE_INTENSITY, LoadBand.HIGH_INTENSITY),
    (LoadBand.BODYWEIGHT,),
)
_LADDER_OF = {band: ladder for ladder in _LOAD_LADDERS for band in ladder}
_RM_REPS = {
    LoadBand.RM_20: 20,
    LoadBand.RM_15: 15,
    LoadBand.RM_12: 12,
    LoadBand.RM_10: 10,
    LoadBand.RM_8: 8,
    LoadBand.RM_6: 6,
}
# Stage 2 works from 15RM towards 8RM; the HSR template's 6RM comes only from stage 3 (§5.5).
_HEAVIEST_RM = {1: LoadBand.RM_8, 2: LoadBand.RM_8, 3: LoadBand.RM_6, 4: LoadBand.RM_6}
_START_RM = {2: LoadBand.RM_15, 3: LoadBand.RM_10, 4: LoadBand.RM_8}
# Stages 1–2 keep the hamstring out of deep, compressive hip flexion (§5.4).
_HIP_CAP = {1: HipFlexion.LT45, 2: HipFlexion.LT45, 3: HipFlexion.GT90, 4: HipFlexion.GT90}

_HOLD_VOLUME = ((3, 30), (4, 30), (5, 30), (5, 45))
_REPS_VOLUME = ((2, 6), (3, 6), (3, 8), (3, 10), (3, 12))
_PLYO_VOLUME = ((2, 6), (3, 6), (3, 8), (3, 10))
_RUN_VOLUME = ((1, 4), (1, 5), (1, 6), (1, 8))
_RM_SETS = (2, 3, 4)
_SPEEDS = {
    ExerciseKind.ISOMETRIC: (),
    ExerciseKind.ISOTONIC: (Speed.SLOW,),
    ExerciseKind.PLYOMETRIC: (Speed.SLOW, Speed.MODERATE, Speed.FAST),
    ExerciseKind.RUNNING: (Speed.SLOW, Speed.MODERATE, Speed.FAST),
}


@dataclass(frozen=True, slots=True)
class Dose:
    sets: int
    reps: int | None
    hold_seconds: int | None
    load: LoadBand
    rest_seconds: int
    speed: Speed | None


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    name: str
    family: str
    focus: Focus
    stages: tuple[int, ...]
    kind: ExerciseKind
    hip_flexion: HipFlexion
    hip_flexion_max: HipFlexion
    equipment: tuple[str, ...]
    default_dose: Dose
    cues: tuple[str, ...]
    easier: str | None
    harder: str | None
    description: str

    def to_dict(self) -> dict[str, Any]:
        dose = self.default_dose
        return {
            "id": self.id,
            "name": self.name,
            "family": self.family,
            "focus": self.focus.value,
            "stages": list(self.stages),
            "kind": self.kind.value,
            "hip_flexion": self.hip_flexion.value,
            "hip_flexion_max": self.hip_flexion_max.value,
            "equipment": list(self.equipment),
            "default_dose": {
                "sets": dose.sets,
                "reps": dose.reps,
                "hold_seconds": dose.hold_seconds,
                "load": dose.load.value,
                "rest_seconds": dose.rest_seconds,
                "speed": None if dose.speed is None else dose.speed.value,
            },
            "cues": list(self.cues),
            "easier": self.easier,
            "harder": self.harder,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class PrescribedExercise:
    exercise_id: str
    sets: int
    reps: int | None
    hold_seconds: int | None
    load: LoadBand
    rest_seconds: int
    speed: Speed | None
    hip_flexion: HipFlexion
    sessions_per_week: int
    times_per_day: int = 1
    dose_unverified: bool = False

    @property
    def exercise(self) -> Exercise:
        return EXERCISES[self.exercise_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise_id": self.exercise_id,
            "name": self.exercise.name,
            "sets": self.sets,
            "reps": self.reps,
            "hold_seconds": self.hold_seconds,
            "load": self.load.value,
            "rest_seconds": self.rest_seconds,
            "speed": None if self.speed is None else self.speed.value,
            "hip_flexion": self.hip_flexion.value,
            "sessions_per_week": self.sessions_per_week,
            "times_per_day": self.times_per_day,
            "dose_unverified": self.dose_unverified,
        }

    @classmethod
    def from_dict(cls, raw: object, *, field: str = "") -> PrescribedExercise:
        data = require_object(raw, field=field)
        reject_unknown_keys(data, _PRESCRIBED_KEYS, field=field)

        def get(key: str) -> Any:
            return require_key(data, key, field=field)

        def number(key: str, low: int, high: int) -> int:
            return require_int(get(key), field=join_field(field, key), low=low, high=high)

        def optional_number(key: str, low: int, high: int) -> int | None:
            return None if get(key) is None else number(key, low, high)

        exercise_id = require_text(
            get("exercise_id"), field=join_field(field, "exercise_id"), choices=EXERCISES
        )
        speed = get("speed")
        return cls(
            exercise_id=exercise_id,
            sets=number("sets", 1, 10),
            reps=optional_number("reps", 1, 50),
            hold_seconds=optional_number("hold_seconds", 5, 300),
            load=_enum(LoadBand, get("load"), join_field(field, "load")),
            rest_seconds=number("rest_seconds", 0, 600),
            speed=None if speed is None else _enum(Speed, speed, join_field(field, "speed")),
            hip_flexion=_enum(HipFlexion, get("hip_flexion"), join_field(field, "hip_flexion")),
            sessions_per_week=number("sessions_per_week", 1, 7),
            times_per_day=number("times_per_day", 1, 6),
            dose_unverified=require_bool(
                get("dose_unverified"), field=join_field(field, "dose_unverified")
            ),
        )


_PRESCRIBED_KEYS = (
    "exercise_id",
    "name",
    "sets",
    "reps",
    "hold_seconds",
    "load",
    "rest_seconds",
    "speed",
    "hip_flexion",
    "sessions_per_week",
    "times_per_day",
    "dose_unverified",
)


@dataclass(frozen=True, slots=True)
class Programme:
    stage: int
    irritability: Irritability
    equipment: tuple[str, ...]
    exercises: tuple[PrescribedExercise, ...]
    reasons: tuple[Reason, ...] = ()
    last_progressed: Variable | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "irritability": self.irritability.value,
            "equipment": list(self.equipment),
            "last_progressed": None if self.last_progressed is None else self.last_progressed.value,
            "exercises": [exercise.to_dict() for exercise in self.exercises],
            "reasons": [reason.to_dict() for reason in self.reasons],
        }

    @classmethod
    def from_dict(cls, raw: object, *, field: str = "") -> Programme:
        data = require_object(raw, field=field)
        reject_unknown_keys(data, _PROGRAMME_KEYS, field=field)

        def get(key: str) -> Any:
            return require_key(data, key, field=field)

        last = get("last_progressed")
        rows = require_list(get("exercises"), field=join_field(field, "exercises"))
        return cls(
            stage=_stage(get("stage"), join_field(field, "stage")),
            irritability=_enum(
                Irritability, get("irritability"), join_field(field, "irritability")
            ),
            equipment=parse_equipment(get("equipment"), field=join_field(field, "equipment")),
            exercises=tuple(
                PrescribedExercise.from_dict(row, field=join_field(field, f"exercises[{index}]"))
                for index, row in enumerate(rows)
            ),
            reasons=_parse_reasons(data.get("reasons", []), join_field(field, "reasons")),
            last_progressed=None
            if last is None
            else _enum(Variable, last, join_field(field, "last_progressed")),
        )


_PROGRAMME_KEYS = (
    "stage",
    "irritability",
    "equipment",
    "last_progressed",
    "exercises",
    "reasons",
)


@dataclass(frozen=True, slots=True)
class ExerciseChange:
    exercise_id: str
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        return {"exercise_id": self.exercise_id, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The result of :func:`progress` or :func:`regress`: which variable moved, and where."""

    programme: Programme
    variable: Variable | None
    changes: tuple[ExerciseChange, ...]
    reason: Reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "variable": None if self.variable is None else self.variable.value,
            "changes": [change.to_dict() for change in self.changes],
            "reason": self.reason.to_dict(),
            "programme": self.programme.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class _Slot:
    """A group of exercises in a stage's programme: what qualifies, how many, how often."""

    kinds: frozenset[ExerciseKind]
    focuses: frozenset[Focus]
    stages: frozenset[int]
    counts: Mapping[Irritability, int]
    sessions_per_week: int
    times_per_day: int = 1


def _counts(low: int, moderate: int, high: int) -> Mapping[Irritability, int]:
    return {Irritability.LOW: low, Irritability.MODERATE: moderate, Irritability.HIGH: high}


_ALL_FOCUS = frozenset(Focus)
_HAMSTRING = frozenset({Focus.HAMSTRING})
_SUPPORT = frozenset({Focus.GLUTE, Focus.LUMBOPELVIC, Focus.CALF})
_ISOMETRIC = frozenset({ExerciseKind.ISOMETRIC})
_ISOTONIC = frozenset({ExerciseKind.ISOTONIC})
_STRENGTH_OR_HOLD = frozenset({ExerciseKind.ISOMETRIC, ExerciseKind.ISOTONIC})
# Several short isometric sessions a day in stage 1 (§5.5, unverified); later an analgesic option.
_ANALGESIC = _Slot(_ISOMETRIC, _HAMSTRING, frozenset({1, 2}), _counts(0, 0, 1), 7)


def _support(stage: int) -> _Slot:
    return _Slot(_STRENGTH_OR_HOLD, _SUPPORT, frozenset({stage}), _counts(2, 2, 1), 3)


_POLICIES: Mapping[int, tuple[_Slot, ...]] = {
    1: (_Slot(_ISOMETRIC, _HAMSTRING, frozenset({1}), _counts(3, 3, 2), 7, 3), _support(1)),
    2: (
        _Slot(_ISOTONIC, _HAMSTRING, frozenset({2}), _counts(4, 3, 2), 3),
        _ANALGESIC,
        _support(2),
    ),
    3: (
        _Slot(_ISOTONIC, _HAMSTRING, frozenset({3}), _counts(4, 3, 2), 3),
        _ANALGESIC,
        _support(3),
    ),
    4: (
        _Slot(
            frozenset({ExerciseKind.PLYOMETRIC}), _ALL_FOCUS, frozenset({4}), _counts(2, 2, 1), 2
        ),
        _Slot(frozenset({ExerciseKind.RUNNING}), _ALL_FOCUS, frozenset({4}), _counts(1, 1, 0), 3),
        _Slot(_ISOTONIC, _HAMSTRING, frozenset({3, 4}), _counts(2, 2, 1), 2),
        _ANALGESIC,
        _support(4),
    ),
}


def prescribe(
    stage: int, equipment: Iterable[str] = (), irritability: Irritability = Irritability.MODERATE
) -> Programme:
    """A starting programme for ``stage`` (1–4) using only the equipment the patient has."""
    stage = _stage(stage, "stage")
    owned = parse_equipment(list(equipment), field="equipment")
    irritability = _enum(Irritability, irritability, "irritability")
    chosen: list[PrescribedExercise] = []
    short = False
    for slot in _POLICIES[stage]:
        wanted = slot.counts[irritability]
        picks = _pick(slot, stage, frozenset(owned), wanted, {p.exercise_id for p in chosen})
        short = short or len(picks) < wanted
        chosen.extend(_start_dose(exercise, slot, stage, irritability) for exercise in picks)
    return Programme(
        stage=stage,
        irritability=irritability,
        equipment=owned,
        exercises=tuple(chosen),
        reasons=_programme_reasons(stage, irritability, short),
    )


def _pick(
    slot: _Slot, stage: int, owned: frozenset[str], wanted: int, taken: set[str]
) -> list[Exercise]:
    candidates = [
        exercise
        for exercise in _CATALOGUE_ORDER
        if exercise.kind in slot.kinds
        and exercise.focus in slot.focuses
        and not slot.stages.isdisjoint(exercise.stages)
        and set(exercise.equipment) <= owned
        and exercise.id not in taken
        and _within_cap(exercise.hip_flexion, exercise, stage)
    ]
    # Exercises meant for this stage first (those introduced here before carry-overs), then
    # earlier-stage ones; one exercise per family before any family repeats.
    candidates.sort(key=lambda e: (stage not in e.stages, min(e.stages) != stage))
    families = {EXERCISES[exercise_id].family for exercise_id in taken}
    first_pass: list[Exercise] = []
    for exercise in candidates:
        if exercise.family not in families:
            families.add(exercise.family)
            first_pass.append(exercise)
    second_pass = [e for e in candidates if e not in first_pass]
    return (first_pass + second_pass)[:wanted]


def _start_dose(
    exercise: Exercise, slot: _Slot, stage: int, irritability: Irritability
) -> PrescribedExercise:
    dose = exercise.default_dose
    load = dose.load
    if exercise.focus is Focus.HAMSTRING and load in _RM_REPS and stage in _START_RM:
        load = _START_RM[stage]
    prescribed = PrescribedExercise(
        exercise_id=exercise.id,
        sets=dose.sets,
        reps=_RM_REPS.get(load, dose.reps),
        hold_seconds=dose.hold_seconds,
        load=load,
        rest_seconds=dose.rest_seconds,
        speed=dose.speed,
        hip_flexion=exercise.hip_flexion,
        sessions_per_week=slot.sessions_per_week,
        times_per_day=slot.times_per_day,
        dose_unverified=_dose_unverified(exercise),
    )
    if irritability is Irritability.HIGH:
        for variable in (Variable.LOAD, Variable.VOLUME):
            prescribed = _step(prescribed, variable, -1, stage) or prescribed
    return prescribed


def _dose_unverified(exercise: Exercise) -> bool:
    isometric_hamstring = (
        exercise.kind is ExerciseKind.ISOMETRIC and exercise.focus is Focus.HAMSTRING
    )
    return isometric_hamstring or exercise.kind is ExerciseKind.PLYOMETRIC


def _programme_reasons(stage: int, irritability: Irritability, short: bool) -> tuple[Reason, ...]:
    texts = {
        "RX-STAGE-1-ISOMETRIC-DOSE": "Hold each exercise about 45 seconds at roughly 70% effort, "
        "5 times with 2 minutes' rest, a few times a day. This common dose is not yet confirmed "
        "by research.",
        "RX-HSR-BANDS": "Strength work is slow and heavy: pick a weight you could lift only about "
        "the listed number of times (e.g. 15RM), 3 times a week.",
        "RX-STAGE-3-HIP-FLEXION": "This stage adds hip bend a step at a time, since deep hip bend "
        "presses the tendon on the bone.",
        "RX-PLYO-FREQUENCY": "Springy exercises twice a week with at least 48 hours between; this "
        "spacing is a cautious default, not a tested rule.",
        "RX-HIGH-IRRITABILITY": "The tendon is irritable, so the programme is shorter, one step "
        "lighter, and includes a hold you can use for pain relief.",
        "RX-KINETIC-CHAIN": "Buttock, trunk and calf exercises support the hamstring work.",
        "RX-EQUIPMENT-LIMITED": "Fewer exercises than usual fit the equipment you have; ask your "
        "physio about alternatives.",
    }
    wanted = {
        "RX-STAGE-1-ISOMETRIC-DOSE": stage == 1,
        "RX-HSR-BANDS": stage >= 2,
        "RX-STAGE-3-HIP-FLEXION": stage == 3,
        "RX-PLYO-FREQUENCY": stage == 4,
        "RX-HIGH-IRRITABILITY": irritability is Irritability.HIGH,
        "RX-KINETIC-CHAIN": True,
        "RX-EQUIPMENT-LIMITED": short,
    }
    return tuple(Reason(rule, texts[rule]) for rule, include in wanted.items() if include)


_PROGRESS_ORDER: Mapping[int, tuple[Variable, ...]] = {
    1: (Variable.VOLUME, Variable.LOAD),
    2: (Variable.LOAD, Variable.VOLUME),
    3: (Variable.HIP_FLEXION, Variable.LOAD, Variable.VOLUME),
    4: (Variable.VOLUME, Variable.SPEED, Variable.LOAD),
}
_REGRESS_ORDER = (Variable.HIP_FLEXION, Variable.LOAD, Variable.VOLUME, Variable.SPEED)


def progress(programme: Programme, variable: Variable | None = None) -> Adjustment:
    """Move one variable up one step for every exercise that can take it.

    Without ``variable``, the stage's usual order is tried (e.g. stage 2: load, then volume).
    """
    order = (variable,) if variable else _PROGRESS_ORDER[programme.stage]
    return _adjust(programme, order, +1)


def regress(programme: Programme, variable: Variable | None = None) -> Adjustment:
    """Move one variable down one step; by default undo the last progression, if any."""
    if variable:
        order: tuple[Variable, ...] = (variable,)
    else:
        last = programme.last_progressed
        order = ((last,) if last else ()) + tuple(v for v in _REGRESS_ORDER if v is not last)
    return _adjust(programme, order, -1)


def _adjust(programme: Programme, order: Sequence[Variable], direction: int) -> Adjustment:
    for variable in order:
        stepped = [_step(p, variable, direction, programme.stage) for p in programme.exercises]
        if any(stepped):
            exercises = tuple(
                new or old for new, old in zip(stepped, programme.exercises, strict=True)
            )
            changes = tuple(
                ExerciseChange(old.exercise_id, _describe(old, variable), _describe(new, variable))
                for new, old in zip(stepped, programme.exercises, strict=True)
                if new
            )
            updated = replace(
                programme,
                exercises=exercises,
                last_progressed=variable if direction > 0 else None,
            )
            return Adjustment(
                updated, variable, changes, _change_reason(variable, direction, changes)
            )
    text = (
        f"Nothing can move {'up' if direction > 0 else 'down'} another step within stage "
        f"{programme.stage}" + (": check the stage gate." if direction > 0 else ".")
    )
    return Adjustment(programme, None, (), Reason("RX-NOTHING-TO-CHANGE", text))


def _change_reason(variable: Variable, direction: int, changes: Sequence[ExerciseChange]) -> Reason:
    label = {
        Variable.LOAD: "load",
        Variable.VOLUME: "volume",
        Variable.HIP_FLEXION: "hip bend",
        Variable.SPEED: "speed",
    }[variable]
    listed = "; ".join(f"{EXERCISES[c.exercise_id].name} {c.before} → {c.after}" for c in changes)
    if direction > 0:
        return Reason("RX-ONE-VARIABLE", f"Only the {label} goes up one step: {listed}.")
    return Reason("RX-REGRESS-ONE-STEP", f"The {label} goes back one step: {listed}.")


def _step(
    prescribed: PrescribedExercise, variable: Variable, direction: int, stage: int
) -> PrescribedExercise | None:
    """The exercise with one variable moved one step, or None when it cannot move that way."""
    if variable is Variable.LOAD:
        return _step_load(prescribed, direction, stage)
    if variable is Variable.VOLUME:
        return _step_volume(prescribed, direction)
    if variable is Variable.HIP_FLEXION:
        return _step_hip_flexion(prescribed, direction, stage)
    return _step_speed(prescribed, direction)


def _step_load(
    prescribed: PrescribedExercise, direction: int, stage: int
) -> PrescribedExercise | None:
    ladder = _LADDER_OF[prescribed.load]
    if prescribed.load in _RM_REPS:
        ladder = ladder[: ladder.index(_HEAVIEST_RM[stage]) + 1]
    load = _neighbour(ladder, prescribed.load, direction)
    if load is None:
        return None
    return replace(prescribed, load=load, reps=_RM_REPS.get(load, prescribed.reps))


def _step_volume(prescribed: PrescribedExercise, direction: int) -> PrescribedExercise | None:
    amount = prescribed.hold_seconds if prescribed.hold_seconds is not None else prescribed.reps
    if amount is None:
        return None
    ladder = _volume_ladder(prescribed, amount)
    total = prescribed.sets * amount
    steps = [s for s in ladder if (s[0] * s[1] > total if direction > 0 else s[0] * s[1] < total)]
    if not steps:
        return None
    sets, amount = steps[0] if direction > 0 else steps[-1]
    if prescribed.hold_seconds is not None:
        return replace(prescribed, sets=sets, hold_seconds=amount)
    return replace(prescribed, sets=sets, reps=amount)


def _volume_ladder(prescribed: PrescribedExercise, amount: int) -> tuple[tuple[int, int], ...]:
    kind = prescribed.exercise.kind
    if kind is ExerciseKind.ISOMETRIC:
        return _HOLD_VOLUME
    if kind is ExerciseKind.PLYOMETRIC:
        return _PLYO_VOLUME
    if kind is ExerciseKind.RUNNING:
        return _RUN_VOLUME
    if prescribed.load in _RM_REPS:
        return tuple((sets, amount) for sets in _RM_SETS)
    return _REPS_VOLUME


def _step_hip_flexion(
    prescribed: PrescribedExercise, direction: int, stage: int
) -> PrescribedExercise | None:
    exercise = prescribed.exercise
    band = _neighbour(_HIP_ORDER, prescribed.hip_flexion, direction)
    if band is None or not _within_cap(band, exercise, stage):
        return None
    if _HIP_ORDER.index(band) < _HIP_ORDER.index(exercise.hip_flexion):
        return None
    return replace(prescribed, hip_flexion=band)


def _within_cap(band: HipFlexion, exercise: Exercise, stage: int) -> bool:
    cap = exercise.hip_flexion_max
    if exercise.focus is Focus.HAMSTRING:
        cap = min(cap, _HIP_CAP[stage], key=_HIP_ORDER.index)
    return _HIP_ORDER.index(band) <= _HIP_ORDER.index(cap)


def _step_speed(prescribed: PrescribedExercise, direction: int) -> PrescribedExercise | None:
    if prescribed.speed is None:
        return None
    speed = _neighbour(_SPEEDS[prescribed.exercise.kind], prescribed.speed, direction)
    return None if speed is None else replace(prescribed, speed=speed)


def _neighbour[T](ladder: Sequence[T], current: T, direction: int) -> T | None:
    if current not in ladder:
        return None
    index = ladder.index(current) + direction
    return ladder[index] if 0 <= index < len(ladder) else None


def _describe(prescribed: PrescribedExercise, variable: Variable) -> str:
    if variable is Variable.LOAD:
        return prescribed.load.value
    if variable is Variable.HIP_FLEXION:
        return _HIP_LABELS[prescribed.hip_flexion]
    if variable is Variable.SPEED:
        return str(prescribed.speed)
    if prescribed.hold_seconds is not None:
        return f"{prescribed.sets} × {prescribed.hold_seconds} s"
    return f"{prescribed.sets} × {prescribed.reps}"


_HIP_LABELS = {
    HipFlexion.NEUTRAL: "hip straight",
    HipFlexion.LT45: "hip bent under 45°",
    HipFlexion.FROM_45_TO_90: "hip bent 45–90°",
    HipFlexion.GT90: "hip bent past 90°",
}


def parse_equipment(raw: object, *, field: str = "equipment") -> tuple[str, ...]:
    items = require_list(raw, field=field)
    for index, item in enumerate(items):
        require_text(item, field=f"{field}[{index}]", choices=EQUIPMENT)
    return tuple(sorted(set(items)))


def _stage(raw: object, field: str) -> int:
    return require_int(raw, field=field, low=FIRST_STAGE, high=LAST_PROGRAMME_STAGE)


def _enum[E: StrEnum](kind: type[E], raw: object, field: str) -> E:
    if isinstance(raw, kind):
        return raw
    choices = [member.value for member in kind]
    if not isinstance(raw, str) or raw not in choices:
        options = ", ".join(f'"{choice}"' for choice in choices)
        raise EngineInputError(
            f"{field.rsplit('.', 1)[-1]} must be one of {options}; got {describe(raw)}", field
        )
    return kind(raw)


def _parse_reasons(raw: object, field: str) -> tuple[Reason, ...]:
    reasons = []
    for index, row in enumerate(require_list(raw, field=field)):
        where = f"{field}[{index}]"
        data = require_object(row, field=where)
        reject_unknown_keys(data, ("rule", "text"), field=where)
        rule = require_text(
            require_key(data, "rule", field=where), field=join_field(where, "rule"), choices=RULES
        )
        text = require_text(require_key(data, "text", field=where), field=join_field(where, "text"))
        reasons.append(Reason(rule, text))
    return tuple(reasons)


def _exercise_from_data(raw: Mapping[str, Any]) -> Exercise:
    dose = raw["default_dose"]
    return Exercise(
        id=raw["id"],
        name=raw["name"],
        family=raw["family"],
        focus=Focus(raw["focus"]),
        stages=tuple(raw["stages"]),
        kind=ExerciseKind(raw["kind"]),
        hip_flexion=HipFlexion(raw["hip_flexion"]),
        hip_flexion_max=HipFlexion(raw["hip_flexion_max"]),
        equipment=tuple(raw["equipment"]),
        default_dose=Dose(
            sets=dose["sets"],
            reps=dose["reps"],
            hold_seconds=dose["hold_seconds"],
            load=LoadBand(dose["load"]),
            rest_seconds=dose["rest_seconds"],
            speed=None if dose["speed"] is None else Speed(dose["speed"]),
        ),
        cues=tuple(raw["cues"]),
        easier=raw["easier"],
        harder=raw["harder"],
        description=raw["description"],
    )


_DATA = load_data("exercises.json")
EQUIPMENT: Mapping[str, str] = dict(_DATA["equipment"])
_CATALOGUE_ORDER = tuple(_exercise_from_data(raw) for raw in _DATA["exercises"])
EXERCISES: Mapping[str, Exercise] = {exercise.id: exercise for exercise in _CATALOGUE_ORDER}
