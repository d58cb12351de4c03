from decimal import Decimal
from fractions import Fraction

import pytest

from sitbone.engine import PROVOCATION_TESTS, EngineInputError, post_test_probability


def test_forty_percent_and_a_positive_modified_bent_knee_test_gives_87_percent():
    result = post_test_probability(Decimal("0.4"), [("modified_bent_knee", "positive")])
    assert result.posttest == Fraction(102, 117)
    assert result.to_dict()["posttest"] == 0.872


@pytest.mark.parametrize(
    ("name", "result", "lr"),
    [
        ("modified_bent_knee", "positive", "10.2"),
        ("modified_bent_knee", "negative", "0.12"),
        ("bent_knee", "positive", "6.5"),
        ("bent_knee", "negative", "0.18"),
        ("puranen_orava", "positive", "4.2"),
        ("puranen_orava", "negative", "0.29"),
    ],
)
def test_each_test_applies_its_published_likelihood_ratio(name, result, lr):
    outcome = post_test_probability(Fraction(1, 2), [(name, result)])
    odds = Fraction(Decimal(lr))
    assert outcome.posttest == odds / (1 + odds)
    assert outcome.used.likelihood_ratio == Decimal(lr)


def test_only_the_most_accurate_test_performed_is_applied():
    result = post_test_probability(
        Decimal("0.4"),
        [
            ("puranen_orava", "negative"),
            ("bent_knee", "negative"),
            ("modified_bent_knee", "positive"),
        ],
    )
    assert result.used.test.name == "modified_bent_knee"
    assert [t.test.name for t in result.all_tests] == [
        "modified_bent_knee",
        "bent_knee",
        "puranen_orava",
    ]
    assert result.to_dict()["posttest"] == 0.872
    assert [r.rule for r in result.reasons] == ["PTP-LIKELIHOOD-RATIO", "PTP-MOST-ACCURATE-ONLY"]
    assert [t["applied"] for t in result.to_dict()["all_tests"]] == [True, False, False]


def test_bent_knee_outranks_puranen_orava():
    result = post_test_probability(
        Decimal("0.4"), [("puranen_orava", "positive"), ("bent_knee", "negative")]
    )
    assert result.used.test.name == "bent_knee"


@pytest.mark.parametrize("pretest", [Decimal(0), Decimal(1), Decimal("-0.1"), Decimal("1.5")])
def test_pretest_must_be_strictly_between_zero_and_one(pretest):
    with pytest.raises(EngineInputError) as raised:
        post_test_probability(pretest, [("bent_knee", "positive")])
    assert raised.value.field == "pretest"


@pytest.mark.parametrize(
    ("tests", "field"),
    [
        ([], "tests"),
        ([("slump", "positive")], "tests[0].name"),
        ([("bent_knee", "maybe")], "tests[0].result"),
        ([("bent_knee", "positive"), ("bent_knee", "negative")], "tests[1].name"),
    ],
)
def test_invalid_test_lists_are_rejected(tests, field):
    with pytest.raises(EngineInputError) as raised:
        post_test_probability(Decimal("0.4"), tests)
    assert raised.value.field == field


def test_the_test_table_is_data_with_its_source():
    table = {name: test.to_dict() for name, test in PROVOCATION_TESTS.items()}
    assert table["modified_bent_knee"]["lr_positive"] == 10.2
    assert table["bent_knee"]["sensitivity"] == 0.84
    assert table["puranen_orava"]["specificity"] == 0.82
    assert all("Cacchio" in row["source"] for row in table.values())
    assert sorted(t.accuracy_rank for t in PROVOCATION_TESTS.values()) == [1, 2, 3]
