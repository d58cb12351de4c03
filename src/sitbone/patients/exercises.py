"""What the patient sees of each prescribed exercise: the engine catalogue's name, description,
cues and easier/harder variants (clinical-brief §5.4, §5.8), with its picture and dose.

Pictures are ``static/sitbone/exercises/<exercise_id>.svg``; a missing one falls back to
``_missing.svg`` so a new catalogue entry never breaks the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.contrib.staticfiles import finders

from sitbone.engine.prescription import EXERCISES
from sitbone.programmes.models import Programme, ProgrammeExercise

MISSING_PICTURE = "sitbone/exercises/_missing.svg"


@dataclass(frozen=True)
class Variant:
    id: str
    name: str


@dataclass(frozen=True)
class ExerciseCard:
    item: ProgrammeExercise
    name: str
    description: str
    cues: tuple[str, ...]
    kind: str
    picture: str
    easier: Variant | None
    harder: Variant | None

    @property
    def is_hold(self) -> bool:
        return bool(self.item.hold_seconds)

    @property
    def dose(self) -> str:
        item = self.item
        each = f"{item.hold_seconds}-second hold" if item.hold_seconds else f"{item.reps} reps"
        sets = "set" if item.sets == 1 else "sets"
        text = f"{item.sets} {sets} of {each}"
        if item.load:
            text += f" at {item.load}"
        return text

    @property
    def rest(self) -> str:
        seconds = self.item.rest_seconds
        if seconds >= 60 and seconds % 60 == 0:
            minutes = seconds // 60
            return f"{minutes} minute{'s' if minutes != 1 else ''}"
        return f"{seconds} seconds"


@lru_cache(maxsize=256)
def picture_for(exercise_id: str) -> str:
    candidate = f"sitbone/exercises/{exercise_id}.svg"
    return candidate if finders.find(candidate) else MISSING_PICTURE


def exercise_name(exercise_id: str) -> str:
    exercise = EXERCISES.get(exercise_id)
    return exercise.name if exercise else exercise_id.replace("_", " ").capitalize()


def _variant(exercise_id: str | None) -> Variant | None:
    if not exercise_id:
        return None
    return Variant(exercise_id, exercise_name(exercise_id))


def exercise_card(item: ProgrammeExercise) -> ExerciseCard:
    exercise = EXERCISES.get(item.exercise_id)
    return ExerciseCard(
        item=item,
        name=exercise_name(item.exercise_id),
        description=exercise.description if exercise else "",
        cues=tuple(exercise.cues) if exercise else (),
        kind=exercise.kind.value if exercise else "",
        picture=picture_for(item.exercise_id),
        easier=_variant(exercise.easier if exercise else None),
        harder=_variant(exercise.harder if exercise else None),
    )


def programme_cards(programme: Programme | None) -> list[ExerciseCard]:
    if programme is None:
        return []
    return [exercise_card(item) for item in programme.exercises.all()]


def names_for(programme: Programme | None) -> dict[str, str]:
    return {card.item.exercise_id: card.name for card in programme_cards(programme)}
