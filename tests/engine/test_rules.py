"""The rule registry and the rule ids cited in engine code must agree, both ways."""

import re
from pathlib import Path

from sitbone.engine import RULES

ENGINE = Path(__file__).parents[2] / "src" / "sitbone" / "engine"
RULE_ID = re.compile(
    r'"((?:PMM|GATE|RUN|SCREEN|TRIAGE|PTP|LEFS|NPRS|VISA-H|GROC|SITTING|RX)-[A-Z0-9-]+)"'
)


def cited_rule_ids() -> set[str]:
    return {
        match
        for path in ENGINE.glob("*.py")
        if path.name != "rules.py"
        for match in RULE_ID.findall(path.read_text(encoding="utf-8"))
    }


def test_every_rule_cited_in_code_is_registered():
    assert cited_rule_ids() - RULES.keys() == set()


def test_every_registered_rule_is_cited_in_code():
    assert RULES.keys() - cited_rule_ids() == set()


def test_every_rule_has_a_summary_and_a_source():
    for rule in RULES.values():
        assert rule.summary.endswith(".")
        assert "§" in rule.source


def test_the_rule_ids_named_in_the_brief_exist():
    for rule_id in (
        "PMM-RED-DURING",
        "PMM-RED-MORNING-ABOVE-BASELINE",
        "PMM-AMBER-TWO-IN-A-ROW",
        "PMM-TREND-RISING",
        "GATE-1-2-SLB",
        "GATE-2-3-CURL-LSI",
        "GATE-2-3-SLB-LSI",
        "GATE-3-4-DROP-LUNGE",
        "GATE-3-4-SL-RDL",
        "GATE-4-5-SPORT",
        "SCREEN-AVULSION",
        "VISA-H-NO-MCID",
        "LEFS-MCID",
    ):
        assert rule_id in RULES
