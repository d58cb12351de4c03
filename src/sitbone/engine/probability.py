"""Post-test probability of PHT after hamstring stretch provocation tests.

Source: Cacchio et al. 2012, Br J Sports Med 46:883–887, Table 4 (clinical-brief §2.3): LR+ / LR−
modified bent-knee 10.2 / 0.12, bent-knee 6.5 / 0.18, Puranen–Orava 4.2 / 0.29. Bayes with odds
(§2.3 [D], ``PTP-LIKELIHOOD-RATIO``): odds = p / (1 − p); post-odds = odds × LR;
post = post-odds / (1 + post-odds). The three stretch tests are correlated and no accuracy was
published for combinations, so only the most accurate test performed is applied
(``PTP-MOST-ACCURATE-ONLY``: modified bent-knee > bent-knee > Puranen–Orava).

Arithmetic is exact (Fraction); results are rounded only for display. The study's 50% prevalence
and healthy controls mean real-clinic accuracy is probably lower (spectrum bias, §2.3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from sitbone.engine.datafiles import load_data
from sitbone.engine.errors import EngineInputError
from sitbone.engine.rules import Reason
from sitbone.engine.values import display_number


class TestResult(StrEnum):
    __test__ = False  # a clinical test result, not a pytest class

    POSITIVE = "positive"
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class ProvocationTest:
    name: str
    label: str
    accuracy_rank: int
    lr_positive: Decimal
    lr_negative: Decimal
    sensitivity: Decimal
    specificity: Decimal
    procedure: str
    source: str

    def likelihood_ratio(self, result: TestResult) -> Decimal:
        return self.lr_positive if result is TestResult.POSITIVE else self.lr_negative

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "accuracy_rank": self.accuracy_rank,
            "lr_positive": display_number(self.lr_positive),
            "lr_negative": display_number(self.lr_negative),
            "sensitivity": display_number(self.sensitivity),
            "specificity": display_number(self.specificity),
            "procedure": self.procedure,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class PerformedTest:
    test: ProvocationTest
    result: TestResult

    @property
    def likelihood_ratio(self) -> Decimal:
        return self.test.likelihood_ratio(self.result)

    def to_dict(self, *, applied: bool) -> dict[str, Any]:
        return {
            "name": self.test.name,
            "label": self.test.label,
            "result": self.result.value,
            "likelihood_ratio": display_number(self.likelihood_ratio),
            "applied": applied,
        }


@dataclass(frozen=True, slots=True)
class PostTestResult:
    pretest: Fraction
    posttest: Fraction
    used: PerformedTest
    all_tests: tuple[PerformedTest, ...]
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "pretest": display_number(self.pretest),
            "posttest": display_number(self.posttest),
            "used": self.used.to_dict(applied=True),
            "all_tests": [t.to_dict(applied=t is self.used) for t in self.all_tests],
            "reasons": [reason.to_dict() for reason in self.reasons],
        }


def post_test_probability(
    pretest: Fraction | Decimal, results: Sequence[tuple[str, str]]
) -> PostTestResult:
    """Probability of PHT after the tests, given as (test name, "positive"/"negative") pairs."""
    prior = Fraction(pretest)
    if not 0 < prior < 1:
        raise EngineInputError(
            f"pretest must be a probability strictly between 0 and 1; got {pretest}", "pretest"
        )
    performed = _performed_tests(results)
    used = performed[0]
    odds = prior / (1 - prior) * Fraction(used.likelihood_ratio)
    posttest = odds / (1 + odds)
    return PostTestResult(prior, posttest, used, performed, _reasons(prior, posttest, performed))


def _performed_tests(results: Sequence[tuple[str, str]]) -> tuple[PerformedTest, ...]:
    if not results:
        raise EngineInputError("give at least one test result", "tests")
    performed: dict[str, PerformedTest] = {}
    for index, (name, result) in enumerate(results):
        if name not in PROVOCATION_TESTS:
            known = ", ".join(PROVOCATION_TESTS)
            raise EngineInputError(
                f'unknown test "{name}"; known tests: {known}', f"tests[{index}].name"
            )
        if name in performed:
            raise EngineInputError(f'test "{name}" is listed twice', f"tests[{index}].name")
        if result not in TestResult.__members__.values():
            raise EngineInputError(
                f'result must be "positive" or "negative"; got "{result}"',
                f"tests[{index}].result",
            )
        performed[name] = PerformedTest(PROVOCATION_TESTS[name], TestResult(result))
    return tuple(sorted(performed.values(), key=lambda p: p.test.accuracy_rank))


def _reasons(
    prior: Fraction, posttest: Fraction, performed: tuple[PerformedTest, ...]
) -> tuple[Reason, ...]:
    used = performed[0]
    reasons = [
        Reason(
            "PTP-LIKELIHOOD-RATIO",
            f"{used.test.label}: {used.result.value} (likelihood ratio {used.likelihood_ratio}). "
            f"This moves the estimated probability of PHT from {_percent(prior)} to "
            f"{_percent(posttest)}.",
        )
    ]
    if len(performed) > 1:
        others = ", ".join(p.test.label for p in performed[1:])
        reasons.append(
            Reason(
                "PTP-MOST-ACCURATE-ONLY",
                f"The stretch tests overlap, so only the most accurate one was applied; "
                f"not applied: {others}.",
            )
        )
    return tuple(reasons)


def _percent(probability: Fraction) -> str:
    return f"{display_number(probability * 100):.0f}%"


PROVOCATION_TESTS: Mapping[str, ProvocationTest] = {
    raw["name"]: ProvocationTest(
        name=raw["name"],
        label=raw["label"],
        accuracy_rank=raw["accuracy_rank"],
        lr_positive=Decimal(raw["lr_positive"]),
        lr_negative=Decimal(raw["lr_negative"]),
        sensitivity=Decimal(raw["sensitivity"]),
        specificity=Decimal(raw["specificity"]),
        procedure=raw["procedure"],
        source=raw["source"],
    )
    for raw in load_data("provocation_tests.json")["tests"]
}
