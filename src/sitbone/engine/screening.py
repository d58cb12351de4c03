"""Symptom check: red flags, differentials, PHT likelihood and triage.

Source: clinical-brief §3.2 (red flags and their urgency: cauda equina syndrome per Greenhalgh
et al. 2018 and BMJ Best Practice; suspected avulsion per Subbu et al. 2015; systemic flags per
Greenwood et al. 1998), §3.1 (differentials) and §3.3 (the questionnaire, Sitbone-derived [D]).
Rules:

- ``emergency``: ``bladder_bowel_change``, ``saddle_numbness``, or ``bilateral_leg_symptoms``
  together with ``progressive_weakness`` (``SCREEN-CES-*``): go to an emergency department now.
- ``urgent`` (medical review within 24–48 h): ``sudden_onset_pop`` with bruising or a gap/weak knee
  bend (``SCREEN-AVULSION``), ``progressive_weakness``, ``fever_or_unwell``,
  ``unexplained_weight_loss``, ``cancer_history`` with ``night_pain_unrelieved``,
  ``age_under_18_sudden_pain``.
- ``see_physio`` when a differential is suggested (radicular, lumbar, ischiofemoral impingement,
  stress fracture) or PHT is likely or possible; ``self_care_ok`` only when nothing points anywhere.
- PHT likelihood from the six supporting items: likely ≥ 4 with no differential; possible 2–3, or
  ≥ 4 with a differential; unlikely 0–1.

Item ids are fixed; unknown ids are errors, and unanswered items count as "no".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sitbone.engine.datafiles import load_data
from sitbone.engine.rules import Reason
from sitbone.engine.values import reject_unknown_keys, require_bool, require_object

_LIKELY_AT, _POSSIBLE_AT = 4, 2


class Triage(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"
    SEE_PHYSIO = "see_physio"
    SELF_CARE_OK = "self_care_ok"


class Likelihood(StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"


class ScreenItemKind(StrEnum):
    RED_FLAG = "red_flag"
    DIFFERENTIAL = "differential"
    SUPPORTING = "supporting"


@dataclass(frozen=True, slots=True)
class ScreenPage:
    id: str
    title: str
    intro: str | None


@dataclass(frozen=True, slots=True)
class ScreenItem:
    id: str
    page: str
    kind: ScreenItemKind
    question: str
    hint: str | None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "page": self.page,
            "kind": self.kind.value,
            "question": self.question,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """A red flag or differential found in the answers, with what to do about it."""

    rule: str
    text: str
    action: str
    triage: Triage | None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "rule": self.rule,
            "text": self.text,
            "action": self.action,
            "triage": None if self.triage is None else self.triage.value,
        }


@dataclass(frozen=True, slots=True)
class ScreenResult:
    triage: Triage
    pht_likelihood: Likelihood
    supporting_count: int
    flags: tuple[Finding, ...]
    differentials: tuple[Finding, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "triage": self.triage.value,
            "pht_likelihood": self.pht_likelihood.value,
            "supporting_count": self.supporting_count,
            "flags": [flag.to_dict() for flag in self.flags],
            "differentials": [finding.to_dict() for finding in self.differentials],
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class _Pattern:
    """Matches when every ``all_of`` item and (if given) at least one ``any_of`` item is yes."""

    rule: str
    all_of: frozenset[str]
    any_of: frozenset[str]
    triage: Triage | None
    text: str
    action: str

    def matches(self, yes: frozenset[str]) -> bool:
        return self.all_of <= yes and (not self.any_of or not self.any_of.isdisjoint(yes))

    def finding(self) -> Finding:
        return Finding(self.rule, self.text, self.action, self.triage)


def _pattern(
    rule: str,
    triage: Triage | None,
    text: str,
    action: str,
    *,
    all_of: tuple[str, ...] = (),
    any_of: tuple[str, ...] = (),
) -> _Pattern:
    return _Pattern(rule, frozenset(all_of), frozenset(any_of), triage, text, action)


_EMERGENCY_ACTION = "Go to an emergency department now. Do not wait for a physio appointment."
_DOCTOR_ACTION = "See a doctor within 24–48 hours, before starting exercises for this pain."

_FLAGS = (
    _pattern(
        "SCREEN-CES-BLADDER-BOWEL",
        Triage.EMERGENCY,
        "New bladder or bowel changes can mean the nerves at the base of the spine are being "
        "squeezed (cauda equina syndrome).",
        _EMERGENCY_ACTION,
        all_of=("bladder_bowel_change",),
    ),
    _pattern(
        "SCREEN-CES-SADDLE",
        Triage.EMERGENCY,
        "New numbness between the legs can mean the nerves at the base of the spine are being "
        "squeezed (cauda equina syndrome).",
        _EMERGENCY_ACTION,
        all_of=("saddle_numbness",),
    ),
    _pattern(
        "SCREEN-CES-BILATERAL-WEAKNESS",
        Triage.EMERGENCY,
        "Symptoms in both legs with weakness that is getting worse can mean the nerves at the "
        "base of the spine are being squeezed (cauda equina syndrome).",
        _EMERGENCY_ACTION,
        all_of=("bilateral_leg_symptoms", "progressive_weakness"),
    ),
    _pattern(
        "SCREEN-AVULSION",
        Triage.URGENT,
        "A sudden pop followed by bruising, a dip or a weak knee bend can mean the hamstring "
        "tendon has pulled away from the bone.",
        "See a doctor or sports physician within 24–48 hours and ask about a scan: a torn tendon "
        "does best when it is repaired early.",
        all_of=("sudden_onset_pop",),
        any_of=("posterior_thigh_bruising", "palpable_gap_or_weak_knee_bend"),
    ),
    _pattern(
        "SCREEN-PROGRESSIVE-WEAKNESS",
        Triage.URGENT,
        "Weakness that keeps getting worse can mean a nerve is being pressed on.",
        _DOCTOR_ACTION,
        all_of=("progressive_weakness",),
    ),
    _pattern(
        "SCREEN-SYSTEMIC-FEVER",
        Triage.URGENT,
        "Fever or feeling unwell alongside the pain needs a check for infection.",
        _DOCTOR_ACTION,
        all_of=("fever_or_unwell",),
    ),
    _pattern(
        "SCREEN-SYSTEMIC-WEIGHT-LOSS",
        Triage.URGENT,
        "Losing weight without trying needs a doctor's check before treating this as a tendon "
        "problem.",
        _DOCTOR_ACTION,
        all_of=("unexplained_weight_loss",),
    ),
    _pattern(
        "SCREEN-SYSTEMIC-CANCER-NIGHT-PAIN",
        Triage.URGENT,
        "Night pain that no position eases, in someone who has had cancer, needs a doctor's check.",
        _DOCTOR_ACTION,
        all_of=("cancer_history", "night_pain_unrelieved"),
    ),
    _pattern(
        "SCREEN-APOPHYSEAL",
        Triage.URGENT,
        "In young people, sudden pain at the sitting bone can be an injury to the growth plate.",
        "See a doctor within 24–48 hours; an X-ray may be needed.",
        all_of=("age_under_18_sudden_pain",),
    ),
)

_DIFFERENTIALS = (
    _pattern(
        "SCREEN-DIFF-RADICULAR",
        None,
        "Pain below the knee, pins and needles, or pain on coughing can come from a nerve root "
        "in the back rather than the tendon.",
        "Tell your physio: they will check your back and leg nerves.",
        any_of=("pain_below_knee", "pins_needles_or_numbness", "cough_sneeze_worse"),
    ),
    _pattern(
        "SCREEN-DIFF-LUMBAR",
        None,
        "With back pain, the lower back may be causing or adding to the buttock pain.",
        "Tell your physio: they will check your lower back.",
        all_of=("back_pain",),
    ),
    _pattern(
        "SCREEN-DIFF-ISCHIOFEMORAL",
        None,
        "Outer-buttock pain on long strides that eases with short steps can be a pinch between "
        "the hip and pelvis bones (ischiofemoral impingement).",
        "Tell your physio: they will test for this, and a scan may be needed.",
        all_of=("long_stride_lateral_pain",),
    ),
    _pattern(
        "SCREEN-DIFF-STRESS-FRACTURE",
        None,
        "A big jump in training with sore bone and pain on hopping can be a stress fracture.",
        "Stop hopping and running until a physio or doctor has checked for a stress fracture.",
        all_of=("training_spike_bone_pain_hop",),
    ),
)

_TRIAGE_ORDER = (Triage.EMERGENCY, Triage.URGENT)

_TRIAGE_REASONS = {
    Triage.EMERGENCY: Reason(
        "TRIAGE-EMERGENCY",
        "Some answers can be a sign of a serious nerve problem: go to an emergency department now.",
    ),
    Triage.URGENT: Reason(
        "TRIAGE-URGENT",
        "Some answers need a doctor's check within 24–48 hours before you start treatment.",
    ),
    Triage.SEE_PHYSIO: Reason(
        "TRIAGE-SEE-PHYSIO",
        "Your answers fit PHT or another muscle, tendon or joint problem: book a physiotherapy "
        "assessment.",
    ),
    Triage.SELF_CARE_OK: Reason(
        "TRIAGE-SELF-CARE-OK",
        "Nothing in your answers points to PHT or a warning sign. Keep active, and book a physio "
        "if the pain stays or changes.",
    ),
}


def screen(answers: Mapping[str, bool]) -> ScreenResult:
    """Triage and PHT likelihood from yes/no answers keyed by item id (missing means no)."""
    require_object(answers, field="answers")
    reject_unknown_keys(answers, SCREEN_ITEMS, field="answers")
    yes = frozenset(
        item for item, value in answers.items() if require_bool(value, field=f"answers.{item}")
    )
    flags = tuple(p.finding() for p in _FLAGS if p.matches(yes))
    differentials = tuple(p.finding() for p in _DIFFERENTIALS if p.matches(yes))
    supporting = len(yes & _SUPPORTING)
    likelihood = _likelihood(supporting, bool(differentials))
    triage = _triage(flags, differentials, likelihood)
    return ScreenResult(
        triage=triage,
        pht_likelihood=likelihood,
        supporting_count=supporting,
        flags=flags,
        differentials=differentials,
        reasons=(_TRIAGE_REASONS[triage], _likelihood_reason(likelihood, supporting)),
    )


def _likelihood(supporting: int, has_differential: bool) -> Likelihood:
    if supporting >= _LIKELY_AT:
        return Likelihood.POSSIBLE if has_differential else Likelihood.LIKELY
    return Likelihood.POSSIBLE if supporting >= _POSSIBLE_AT else Likelihood.UNLIKELY


def _triage(
    flags: tuple[Finding, ...], differentials: tuple[Finding, ...], likelihood: Likelihood
) -> Triage:
    for level in _TRIAGE_ORDER:
        if any(flag.triage is level for flag in flags):
            return level
    if differentials or likelihood is not Likelihood.UNLIKELY:
        return Triage.SEE_PHYSIO
    return Triage.SELF_CARE_OK


def _likelihood_reason(likelihood: Likelihood, supporting: int) -> Reason:
    total = len(_SUPPORTING)
    counted = f"{supporting} of the {total} typical PHT features"
    if likelihood is Likelihood.LIKELY:
        return Reason("SCREEN-PHT-LIKELY", f"{counted}, and nothing pointing elsewhere.")
    if likelihood is Likelihood.POSSIBLE:
        return Reason("SCREEN-PHT-POSSIBLE", f"{counted}; PHT is possible.")
    return Reason("SCREEN-PHT-UNLIKELY", f"Only {counted}; PHT is unlikely.")


_DATA = load_data("screen_items.json")
SCREEN_PAGES: tuple[ScreenPage, ...] = tuple(
    ScreenPage(page["id"], page["title"], page.get("intro")) for page in _DATA["pages"]
)
SCREEN_ITEMS: Mapping[str, ScreenItem] = {
    item["id"]: ScreenItem(
        item["id"], item["page"], ScreenItemKind(item["kind"]), item["question"], item["hint"]
    )
    for item in _DATA["items"]
}
_SUPPORTING = frozenset(
    item.id for item in SCREEN_ITEMS.values() if item.kind is ScreenItemKind.SUPPORTING
)
