"""Translate assessments into the engine's input documents.

- ``limb_symmetry``: painful side ÷ other side (clinical-brief §5.6, §6.1–6.2: prone-curl 10RM and
  single-leg bridge repetitions compared with the unaffected side). Exact Decimal arithmetic, then
  truncated (never rounded up) to three places, so rounding can never make a gate pass that the
  raw numbers would fail. The engine's gate decides whether the ratio is enough (default ≥ 0.90).
- ``gates_from_assessment`` and ``red_flags_from_assessment``: the `decide` command's ``gates``
  document and red flags from an assessment (§5.6). Measures not recorded are left out, so the
  engine says which test to do.
- ``post_test_input``: the `post-test` command's document from the stretch-test results (§2.3).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from sitbone.assessments.models import Assessment
from sitbone.assessments.selectors import examination_checklists

STRETCH_TESTS = ("modified_bent_knee", "bent_knee", "puranen_orava")
"""Assessment fields holding each stretch test's result; the names are the engine's test ids."""

GATE_PAIN_FIELDS = (
    "slb_short_lever_pain",
    "drop_lunge_pain",
    "single_leg_rdl_pain",
    "rest_pain",
    "sport_load_pain",
)
ENGINE_FIELDS = (
    *GATE_PAIN_FIELDS,
    "curl_10rm_left_kg",
    "curl_10rm_right_kg",
    "slb_reps_left",
    "slb_reps_right",
    "affected_side",
    "red_flags_present",
)
"""What `gates_from_assessment` and `red_flags_from_assessment` read: all an engine decision
needs of an assessment, which has some forty columns."""

SYMMETRY_CEILING = Decimal(2)
"""The largest ratio the engine's gate input accepts; a painful side more than twice as strong
as the other is passed as 2 (the gate is met either way)."""

_THOUSANDTH = Decimal("0.001")


def limb_symmetry(
    *, left: Decimal | int | None, right: Decimal | int | None, affected_side: str
) -> Decimal | None:
    """Painful side ÷ other side, or None when a side is missing, zero or both sides hurt."""
    if left is None or right is None or affected_side not in ("left", "right"):
        return None
    painful, other = (Decimal(left), Decimal(right))
    if affected_side == "right":
        painful, other = other, painful
    if other <= 0:
        return None
    ratio = (painful / other).quantize(_THOUSANDTH, rounding=ROUND_FLOOR)
    return min(ratio, SYMMETRY_CEILING)


def curl_symmetry(assessment: Assessment) -> Decimal | None:
    return limb_symmetry(
        left=assessment.curl_10rm_left_kg,
        right=assessment.curl_10rm_right_kg,
        affected_side=assessment.affected_side,
    )


def bridge_symmetry(assessment: Assessment) -> Decimal | None:
    return limb_symmetry(
        left=assessment.slb_reps_left,
        right=assessment.slb_reps_right,
        affected_side=assessment.affected_side,
    )


def gates_from_assessment(assessment: Assessment | None) -> dict[str, Any]:
    """The `gates` document for `decide`: only the measures the assessment recorded."""
    if assessment is None:
        return {}
    gates: dict[str, Any] = {
        name: getattr(assessment, name)
        for name in GATE_PAIN_FIELDS
        if getattr(assessment, name) is not None
    }
    for name, ratio in (
        ("curl_10rm_lsi", curl_symmetry(assessment)),
        ("slb_reps_lsi", bridge_symmetry(assessment)),
    ):
        if ratio is not None:
            gates[name] = ratio
    return gates


def red_flags_from_assessment(assessment: Assessment | None) -> list[str]:
    """Red flags the clinician found present at the assessment, in plain words.

    They reach the engine's `decide`, whose first rule stops the programme and refers.
    """
    if assessment is None or not assessment.red_flags_present:
        return []
    labels = {item["id"]: item["label"] for item in examination_checklists()["red_flags"]}
    return [labels.get(flag, flag) for flag in assessment.red_flags_present]


def post_test_input(*, pretest: Decimal, results: dict[str, str]) -> dict[str, Any] | None:
    """The `post-test` document for the tests performed; None when no test was done."""
    tests = [{"name": name, "result": results[name]} for name in STRETCH_TESTS if results.get(name)]
    if not tests:
        return None
    return {"pretest": pretest, "tests": tests}
