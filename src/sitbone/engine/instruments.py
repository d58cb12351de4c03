"""Outcome measures: definitions as data, and exact scoring with change against a previous score.

Sources (clinical-brief §4): LEFS — Binkley et al. 1999, 20 items 0–4, total 0–80, MCID 9 and
MDC 9 (``LEFS-MCID``, ``LEFS-MDC``); VISA-H — Cacchio et al. 2014, total 0–100, Q1–Q6 0–10,
Q7 0/4/7/10, Q8 0–30 from a branch and minutes; item wording and Q8 bands unverified (§4.1,
``VISA-H-UNVERIFIED``), no published MCID (``VISA-H-NO-MCID``) unless the clinic sets one
(``VISA-H-CLINIC-MCID``); NPRS 0–10 — Farrar et al. 2001, MCID 2 (``NPRS-MCID``); GROC −7..+7,
≥ +3 an important improvement (anchor of Hernández-Sánchez et al. 2014,
``GROC-IMPORTANT-IMPROVEMENT``);
Nirschl phase 1–7 (a different scale from NPRS, §0 and §4.7); sitting tolerance 0–60 minutes to
3/10 on a firm chair (§4.5, no validated protocol: ``SITTING-NO-VALIDATED-PROTOCOL``).

A change reaches the MCID or MDC when its size is at least the threshold, in either direction;
``direction`` says whether it was an improvement given which way the scale points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from sitbone.engine.datafiles import load_data
from sitbone.engine.errors import EngineInputError, join_field
from sitbone.engine.rules import Reason
from sitbone.engine.thresholds import DEFAULT_THRESHOLDS, Thresholds
from sitbone.engine.values import (
    describe,
    reject_unknown_keys,
    require_int,
    require_key,
    require_list,
    require_object,
    require_text,
)

_MAX_MINUTES = 24 * 60
_Q8_MAX_POINTS = 30


class ItemKind(StrEnum):
    CHOICE = "choice"
    SCALE = "scale"
    BRANCH_MINUTES = "branch_minutes"


class Direction(StrEnum):
    IMPROVED = "improved"
    WORSE = "worse"
    NO_CHANGE = "no change"


@dataclass(frozen=True, slots=True)
class Option:
    value: int | str
    label: str


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: ItemKind
    text: str
    options: tuple[Option, ...] = ()
    min: int = 0
    max: int = 0
    min_label: str | None = None
    max_label: str | None = None
    minutes_label: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind.value, "text": self.text}
        if self.kind is ItemKind.SCALE:
            data |= {"min": self.min, "max": self.max}
            data |= {"min_label": self.min_label, "max_label": self.max_label}
        else:
            data["options"] = [{"value": o.value, "label": o.label} for o in self.options]
        if self.kind is ItemKind.BRANCH_MINUTES:
            data |= {"minutes_label": self.minutes_label, "minutes_max": _MAX_MINUTES}
        return data


@dataclass(frozen=True, slots=True)
class PublishedThreshold:
    value: int
    source: str


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str
    verified: bool
    note: str


@dataclass(frozen=True, slots=True)
class Q8Band:
    up_to: int | None
    points: int


@dataclass(frozen=True, slots=True)
class Q8Bands:
    """VISA-H Q8 points by branch and minutes: the first band whose ``up_to`` covers the minutes."""

    by_branch: Mapping[str, tuple[Q8Band, ...]]

    @classmethod
    def from_mapping(cls, raw: object, *, field: str = "q8_bands") -> Q8Bands:
        bands = require_object(raw, field=field)
        reject_unknown_keys(bands, _Q8_BRANCHES, field=field)
        return cls(
            MappingProxyType(
                {
                    branch: _parse_bands(
                        require_key(bands, branch, field=field), join_field(field, branch)
                    )
                    for branch in _Q8_BRANCHES
                }
            )
        )

    def points(self, branch: str, minutes: int) -> int:
        return next(
            band.points
            for band in self.by_branch[branch]
            if band.up_to is None or minutes <= band.up_to
        )

    def to_dict(self) -> dict[str, list[dict[str, int | None]]]:
        return {
            branch: [{"up_to": band.up_to, "points": band.points} for band in bands]
            for branch, bands in self.by_branch.items()
        }


def _parse_bands(raw: object, field: str) -> tuple[Q8Band, ...]:
    rows = require_list(raw, field=field)
    bands: list[Q8Band] = []
    for index, row in enumerate(rows):
        where = f"{field}[{index}]"
        band = require_object(row, field=where)
        reject_unknown_keys(band, ("up_to", "points"), field=where)
        up_to = require_key(band, "up_to", field=where)
        last = index == len(rows) - 1
        if last != (up_to is None):
            raise EngineInputError(
                "only the last band is open-ended (up_to null)", join_field(where, "up_to")
            )
        if up_to is not None:
            low = bands[-1].up_to + 1 if bands and bands[-1].up_to is not None else 0
            require_int(up_to, field=join_field(where, "up_to"), low=low, high=_MAX_MINUTES)
        points = require_key(band, "points", field=where)
        require_int(points, field=join_field(where, "points"), low=0, high=_Q8_MAX_POINTS)
        bands.append(Q8Band(up_to, points))
    if not bands:
        raise EngineInputError("each branch needs at least one band", field)
    return tuple(bands)


@dataclass(frozen=True, slots=True)
class InstrumentDefinition:
    id: str
    name: str
    short_name: str
    min: int
    max: int
    higher_is_better: bool
    instructions: str
    items: tuple[Item, ...]
    mcid: PublishedThreshold | None
    mdc: PublishedThreshold | None
    important_improvement: PublishedThreshold | None
    provenance: Provenance
    q8_bands: Q8Bands | None = None

    def to_dict(self) -> dict[str, Any]:
        """Everything a form needs to render the questionnaire, and its provenance."""

        def published(threshold: PublishedThreshold | None) -> dict[str, Any] | None:
            return (
                None
                if threshold is None
                else {"value": threshold.value, "source": threshold.source}
            )

        return {
            "id": self.id,
            "name": self.name,
            "short_name": self.short_name,
            "min": self.min,
            "max": self.max,
            "higher_is_better": self.higher_is_better,
            "instructions": self.instructions,
            "items": [item.to_dict() for item in self.items],
            "mcid": published(self.mcid),
            "mdc": published(self.mdc),
            "important_improvement": published(self.important_improvement),
            "q8_bands": None if self.q8_bands is None else self.q8_bands.to_dict(),
            "provenance": {
                "source": self.provenance.source,
                "verified": self.provenance.verified,
                "note": self.provenance.note,
            },
        }


@dataclass(frozen=True, slots=True)
class Change:
    previous_total: int
    delta: int
    direction: Direction
    exceeds_mcid: bool | None
    exceeds_mdc: bool | None
    mcid: int | None
    mdc: int | None
    mcid_source: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_total": self.previous_total,
            "delta": self.delta,
            "direction": self.direction.value,
            "exceeds_mcid": self.exceeds_mcid,
            "exceeds_mdc": self.exceeds_mdc,
            "mcid": self.mcid,
            "mdc": self.mdc,
            "mcid_source": self.mcid_source,
        }


@dataclass(frozen=True, slots=True)
class ScoreResult:
    instrument: str
    total: int
    min: int
    max: int
    higher_is_better: bool
    item_points: Mapping[str, int]
    change: Change | None
    important_improvement: bool | None
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "min": self.min,
            "max": self.max,
            "higher_is_better": self.higher_is_better,
            "item_points": dict(self.item_points),
            "change": None if self.change is None else self.change.to_dict(),
            "important_improvement": self.important_improvement,
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


def instrument_definition(instrument_id: str) -> InstrumentDefinition:
    if instrument_id not in INSTRUMENTS:
        known = ", ".join(INSTRUMENTS)
        raise EngineInputError(
            f"unknown instrument {describe(instrument_id)}; known instruments: {known}",
            "instrument",
        )
    return INSTRUMENTS[instrument_id]


def score(
    instrument_id: str,
    answers: object,
    previous_total: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    q8_bands: Q8Bands | None = None,
) -> ScoreResult:
    """Score one completed questionnaire.

    ``answers`` is a list in item order, a mapping keyed by item id (VISA-H: ``q1``…``q8``), or a
    bare value for single-item instruments. ``q8_bands`` replaces the VISA-H Q8 table, for a
    clinic that has checked the official form.
    """
    definition = instrument_definition(instrument_id)
    raw = _answers_by_item(definition, answers)
    bands = q8_bands or definition.q8_bands
    points = {
        item.id: _item_points(item, raw[item.id], _answer_field(answers, index, item), bands)
        for index, item in enumerate(definition.items)
    }
    total = sum(points.values())
    change = None
    if previous_total is not None:
        require_int(previous_total, field="previous_total", low=definition.min, high=definition.max)
        change = _change(definition, total, previous_total, thresholds)
    improvement = _important_improvement(definition, total)
    return ScoreResult(
        instrument=definition.id,
        total=total,
        min=definition.min,
        max=definition.max,
        higher_is_better=definition.higher_is_better,
        item_points=MappingProxyType(points),
        change=change,
        important_improvement=improvement,
        reasons=_interpretation(definition, total, change, improvement),
    )


def score_lefs(answers: object, previous_total: int | None = None) -> ScoreResult:
    return score("lefs", answers, previous_total)


def score_visa_h(
    answers: object,
    previous_total: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    q8_bands: Q8Bands | None = None,
) -> ScoreResult:
    return score("visa_h", answers, previous_total, thresholds, q8_bands)


def score_nprs(answers: object, previous_total: int | None = None) -> ScoreResult:
    return score("nprs", answers, previous_total)


def score_groc(answers: object, previous_total: int | None = None) -> ScoreResult:
    return score("groc", answers, previous_total)


def score_nirschl(answers: object, previous_total: int | None = None) -> ScoreResult:
    return score("nirschl", answers, previous_total)


def score_sitting_tolerance(answers: object, previous_total: int | None = None) -> ScoreResult:
    return score("sitting_tolerance", answers, previous_total)


def _answers_by_item(definition: InstrumentDefinition, answers: object) -> dict[str, object]:
    items = definition.items
    needed = f"{definition.short_name} needs all {len(items)} answers"
    if isinstance(answers, Mapping):
        reject_unknown_keys(answers, [item.id for item in items], field="answers")
        for item in items:
            if item.id not in answers:
                raise EngineInputError(f"{needed}; {item.id} is missing", f"answers.{item.id}")
        return {item.id: answers[item.id] for item in items}
    if isinstance(answers, list | tuple):
        if len(answers) != len(items):
            raise EngineInputError(f"{needed}; got {len(answers)}", "answers")
        return {item.id: answer for item, answer in zip(items, answers, strict=True)}
    if len(items) == 1:
        return {items[0].id: answers}
    raise EngineInputError(
        f"answers must be a list or an object keyed {items[0].id}…{items[-1].id}; "
        f"got {describe(answers)}",
        "answers",
    )


def _answer_field(answers: object, index: int, item: Item) -> str:
    if isinstance(answers, Mapping):
        return f"answers.{item.id}"
    if isinstance(answers, list | tuple):
        return f"answers[{index}]"
    return "answers"


def _item_points(item: Item, raw: object, field: str, bands: Q8Bands | None) -> int:
    if item.kind is ItemKind.SCALE:
        return require_int(raw, field=field, low=item.min, high=item.max)
    if item.kind is ItemKind.CHOICE:
        allowed = [option.value for option in item.options]
        if type(raw) is not int or raw not in allowed:
            choices = ", ".join(str(value) for value in allowed)
            raise EngineInputError(
                f"{item.id} must be one of {choices}; got {describe(raw)}", field
            )
        return raw
    assert bands is not None  # noqa: S101 - only VISA-H has this item kind, and it has bands
    answer = require_object(raw, field=field)
    reject_unknown_keys(answer, ("branch", "minutes"), field=field)
    branch = require_text(
        require_key(answer, "branch", field=field),
        field=join_field(field, "branch"),
        choices=[str(option.value) for option in item.options],
    )
    minutes = require_int(
        require_key(answer, "minutes", field=field),
        field=join_field(field, "minutes"),
        low=0,
        high=_MAX_MINUTES,
    )
    return bands.points(branch, minutes)


def _change(
    definition: InstrumentDefinition, total: int, previous_total: int, thresholds: Thresholds
) -> Change:
    delta = total - previous_total
    better = delta if definition.higher_is_better else -delta
    direction = (
        Direction.IMPROVED if better > 0 else Direction.WORSE if better < 0 else Direction.NO_CHANGE
    )
    mcid, mcid_source = _mcid(definition, thresholds)
    mdc = None if definition.mdc is None else definition.mdc.value
    return Change(
        previous_total=previous_total,
        delta=delta,
        direction=direction,
        exceeds_mcid=None if mcid is None else abs(delta) >= mcid,
        exceeds_mdc=None if mdc is None else abs(delta) >= mdc,
        mcid=mcid,
        mdc=mdc,
        mcid_source=mcid_source,
    )


def _mcid(
    definition: InstrumentDefinition, thresholds: Thresholds
) -> tuple[int | None, str | None]:
    if definition.id == "visa_h" and thresholds.visa_h_mcid is not None:
        return thresholds.visa_h_mcid, "clinic threshold (no published VISA-H MCID)"
    if definition.mcid is None:
        return None, None
    return definition.mcid.value, definition.mcid.source


def _important_improvement(definition: InstrumentDefinition, total: int) -> bool | None:
    anchor = definition.important_improvement
    return None if anchor is None else total >= anchor.value


def _interpretation(
    definition: InstrumentDefinition, total: int, change: Change | None, improvement: bool | None
) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if definition.id == "visa_h":
        reasons.append(
            Reason(
                "VISA-H-UNVERIFIED",
                "The VISA-H wording and minute bands used here are provisional, not yet checked "
                "against the official form.",
            )
        )
    if definition.id == "sitting_tolerance":
        reasons.append(
            Reason(
                "SITTING-NO-VALIDATED-PROTOCOL",
                "Compare sitting times only when measured on the same chair and cushion.",
            )
        )
    if improvement is not None:
        verdict = "counts" if improvement else "does not yet count"
        reasons.append(
            Reason(
                "GROC-IMPORTANT-IMPROVEMENT",
                f"A rating of {total:+d} {verdict} as an important improvement (+3 or more does).",
            )
        )
    if change is not None:
        reasons.extend(_change_reasons(definition, change))
    return tuple(reasons)


def _change_reasons(definition: InstrumentDefinition, change: Change) -> list[Reason]:
    size = f"{definition.short_name} changed by {change.delta:+d} points ({change.direction.value})"
    if definition.id == "visa_h" and change.mcid is None:
        return [
            Reason(
                "VISA-H-NO-MCID",
                f"{size}. No clinically important change is published for VISA-H, so no verdict "
                "is given.",
            )
        ]
    reasons: list[Reason] = []
    rule = {"lefs": "LEFS-MCID", "nprs": "NPRS-MCID", "visa_h": "VISA-H-CLINIC-MCID"}.get(
        definition.id
    )
    if rule is not None and change.mcid is not None:
        whose = "the clinic's own threshold of " if rule == "VISA-H-CLINIC-MCID" else ""
        if change.exceeds_mcid:
            text = f"{size}: clinically important ({whose}{change.mcid} points or more)."
        else:
            text = f"{size}: less than {whose}{change.mcid} points, not clearly important."
        reasons.append(Reason(rule, text))
    if definition.id == "lefs" and change.mdc is not None:
        verdict = "larger than" if change.exceeds_mdc else "within"
        text = f"{size}: {verdict} measurement error (changes under {change.mdc} may be noise)."
        reasons.append(Reason("LEFS-MDC", text))
    return reasons


def _definition_from_data(
    raw: Mapping[str, Any], option_sets: Mapping[str, Any]
) -> InstrumentDefinition:
    def options(name: str) -> tuple[Option, ...]:
        return tuple(Option(o["value"], o["label"]) for o in option_sets[name])

    def published(entry: Mapping[str, Any] | None, key: str) -> PublishedThreshold | None:
        return None if entry is None else PublishedThreshold(entry[key], entry["source"])

    items = tuple(
        Item(
            id=item["id"],
            kind=ItemKind(item["kind"]),
            text=item["text"],
            options=options(item.get("options") or item.get("branch_options") or "")
            if item["kind"] != ItemKind.SCALE
            else (),
            min=item.get("min", 0),
            max=item.get("max", 0),
            min_label=item.get("min_label"),
            max_label=item.get("max_label"),
            minutes_label=item.get("minutes_label"),
        )
        for item in raw["items"]
    )
    return InstrumentDefinition(
        id=raw["id"],
        name=raw["name"],
        short_name=raw["short_name"],
        min=raw["min"],
        max=raw["max"],
        higher_is_better=raw["higher_is_better"],
        instructions=raw["instructions"],
        items=items,
        mcid=published(raw["mcid"], "value"),
        mdc=published(raw["mdc"], "value"),
        important_improvement=published(raw.get("important_improvement"), "at_least"),
        provenance=Provenance(**raw["provenance"]),
        q8_bands=Q8Bands.from_mapping(raw["q8_bands"]) if "q8_bands" in raw else None,
    )


_Q8_BRANCHES = ("no_pain", "pain_not_stopping", "pain_stopping")
_DATA = load_data("instruments.json")
INSTRUMENTS: Mapping[str, InstrumentDefinition] = MappingProxyType(
    {raw["id"]: _definition_from_data(raw, _DATA["option_sets"]) for raw in _DATA["instruments"]}
)
INSTRUMENT_IDS: Sequence[str] = tuple(INSTRUMENTS)
