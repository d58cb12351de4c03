from decimal import Decimal

import pytest

from sitbone.engine import (
    DEFAULT_THRESHOLDS,
    GATE_MEASURE_NAMES,
    EngineInputError,
    GateMeasures,
    evaluate_running_ready,
    evaluate_stage_gate,
)
from sitbone.engine.gates import (
    check_measure_values,
    measure_values,
    running_ready_from_values,
    stage_gate_from_values,
)

D = Decimal


@pytest.mark.parametrize(("pain", "met"), [(0, True), (3, True), (4, False), (None, False)])
def test_stage_1_to_2_needs_short_lever_bridges_at_3_or_less(pain, met):
    assert evaluate_stage_gate(1, GateMeasures(slb_short_lever_pain=pain)).met is met


@pytest.mark.parametrize(
    ("curl", "bridge", "met"),
    [
        (D("0.90"), D("0.90"), True),
        (D("1.10"), D("0.95"), True),
        (D("0.89"), D("0.95"), False),
        (D("0.95"), D("0.89"), False),
        (None, D("0.95"), False),
        (D("0.95"), None, False),
    ],
)
def test_stage_2_to_3_needs_both_symmetries_at_90_percent(curl, bridge, met):
    result = evaluate_stage_gate(2, GateMeasures(curl_10rm_lsi=curl, slb_reps_lsi=bridge))
    assert result.met is met
    assert [r.rule for r in result.reasons] == ["GATE-2-3-CURL-LSI", "GATE-2-3-SLB-LSI"]


@pytest.mark.parametrize(
    ("lunge", "rdl", "met"),
    [(0, 3, True), (0, 0, True), (1, 3, False), (0, 4, False), (None, 0, False), (0, None, False)],
)
def test_stage_3_to_4_needs_a_pain_free_drop_lunge_and_rdl_at_3_or_less(lunge, rdl, met):
    result = evaluate_stage_gate(3, GateMeasures(drop_lunge_pain=lunge, single_leg_rdl_pain=rdl))
    assert result.met is met


@pytest.mark.parametrize(
    ("sport", "curl", "bridge", "met"),
    [
        (3, D("0.90"), D("0.90"), True),
        (4, D("0.90"), D("0.90"), False),
        (3, D("0.89"), D("0.90"), False),
        (3, D("0.90"), D("0.89"), False),
        (None, D("1"), D("1"), False),
    ],
)
def test_return_to_sport_needs_sport_loads_at_3_or_less_and_both_symmetries(
    sport, curl, bridge, met
):
    measures = GateMeasures(sport_load_pain=sport, curl_10rm_lsi=curl, slb_reps_lsi=bridge)
    result = evaluate_stage_gate(4, measures)
    assert result.met is met
    assert result.to_stage == 5
    assert [r.rule for r in result.reasons] == [
        "GATE-4-5-SPORT",
        "GATE-4-5-CURL-LSI",
        "GATE-4-5-SLB-LSI",
    ]


@pytest.mark.parametrize(
    ("rest", "lunge", "curl", "ready"),
    [
        (0, 0, D("0.90"), True),
        (1, 0, D("0.90"), False),
        (0, 1, D("0.90"), False),
        (0, 0, D("0.89"), False),
        (None, 0, D("0.90"), False),
        (0, 0, None, False),
    ],
)
def test_running_readiness_needs_no_rest_pain_a_pain_free_drop_lunge_and_curl_symmetry(
    rest, lunge, curl, ready
):
    measures = GateMeasures(rest_pain=rest, drop_lunge_pain=lunge, curl_10rm_lsi=curl)
    assert evaluate_running_ready(measures)[0] is ready


def test_a_missing_measure_asks_for_that_test():
    result = evaluate_stage_gate(3, GateMeasures(single_leg_rdl_pain=2))
    lunge = result.reasons[0]
    assert lunge.rule == "GATE-3-4-DROP-LUNGE"
    assert "drop lunge" in lunge.text and "not recorded" in lunge.text


def test_gate_texts_show_the_result_and_what_is_needed():
    texts = [r.text for r in evaluate_stage_gate(2, GateMeasures(curl_10rm_lsi=D("0.875"))).reasons]
    assert texts[0] == (
        "Prone hamstring curl 10-rep max: painful side 87.5% of the other side. "
        "Needed: at least 90% before stage 3. Not met yet."
    )


@pytest.mark.parametrize(
    ("measures", "field"),
    [
        ({"rest_pain": 11}, "gates.rest_pain"),
        ({"rest_pain": True}, "gates.rest_pain"),
        ({"curl_10rm_lsi": D("93")}, "gates.curl_10rm_lsi"),
        ({"curl_10rm_lsi": 0.93}, "gates.curl_10rm_lsi"),
    ],
)
def test_gate_measures_are_checked(measures, field):
    with pytest.raises(EngineInputError) as raised:
        GateMeasures(**measures)
    assert raised.value.field == field


BAD_MEASURES = [
    {"rest_pain": 11},
    {"rest_pain": True, "curl_10rm_lsi": D("3")},
    {"drop_lunge_pain": 2.0},
    {"curl_10rm_lsi": D("2.01")},
    {"slb_reps_lsi": 0.9},
    {"slb_reps_lsi": D("-0.1"), "sport_load_pain": -1},
    {"single_leg_rdl_pain": "1"},
]


@pytest.mark.parametrize("measures", BAD_MEASURES)
def test_plain_measure_values_are_refused_word_for_word_as_gate_measures_are(measures):
    """The JSON commands check gates with check_measure_values instead of building GateMeasures."""
    values = tuple(measures.get(name) for name in GATE_MEASURE_NAMES)
    with pytest.raises(EngineInputError) as as_object:
        GateMeasures(**measures)
    with pytest.raises(EngineInputError) as as_values:
        check_measure_values(values)
    assert as_values.value.to_dict() == as_object.value.to_dict()


def test_checked_measure_values_evaluate_as_the_gate_measures_they_hold():
    measures = GateMeasures(slb_short_lever_pain=2, curl_10rm_lsi=D("0.95"), rest_pain=0)
    values = check_measure_values(measure_values(measures))
    assert values == measure_values(measures)
    assert running_ready_from_values(values, DEFAULT_THRESHOLDS) == evaluate_running_ready(measures)
    for stage in range(1, 6):
        gate = evaluate_stage_gate(stage, measures)
        assert stage_gate_from_values(stage, values, DEFAULT_THRESHOLDS) == (gate.met, gate.reasons)
