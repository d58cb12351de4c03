from decimal import Decimal

import pytest

from sitbone.engine import DEFAULT_THRESHOLDS, THRESHOLD_SPECS, EngineInputError, Thresholds


def test_defaults_follow_the_clinical_brief():
    t = DEFAULT_THRESHOLDS
    assert (t.red_pain, t.amber_pain, t.morning_red_rise, t.morning_amber_rise) == (6, 4, 2, 1)
    assert t.trend_rising == Decimal("1.0")
    assert t.gate_1_2_slb_pain_max == 3
    assert t.gate_lsi_min == Decimal("0.90")
    assert t.gate_3_4_drop_lunge_pain_max == 0
    assert t.gate_3_4_sl_rdl_pain_max == 3
    assert t.gate_4_5_sport_pain_max == 3
    assert t.run_days_between_steps == 2
    assert t.visa_h_mcid is None


def test_patient_settings_override_clinic_settings_which_override_defaults():
    t = Thresholds.from_mapping({"red_pain": 7, "amber_pain": 5}, {"red_pain": 8})
    assert (t.red_pain, t.amber_pain, t.morning_red_rise) == (8, 5, 2)


def test_ratios_from_json_floats_become_exact_decimals():
    assert Thresholds.from_mapping({"gate_lsi_min": 0.85}).gate_lsi_min == Decimal("0.85")


def test_empty_or_missing_layers_give_the_defaults():
    assert Thresholds.from_mapping() is DEFAULT_THRESHOLDS
    assert Thresholds.from_mapping({}, None) is DEFAULT_THRESHOLDS


@pytest.mark.parametrize(
    ("layer", "field"),
    [
        ({"red_pian": 6}, "thresholds.red_pian"),
        ({"red_pain": 11}, "thresholds.red_pain"),
        ({"red_pain": 0}, "thresholds.red_pain"),
        ({"red_pain": 6.5}, "thresholds.red_pain"),
        ({"red_pain": True}, "thresholds.red_pain"),
        ({"red_pain": "6"}, "thresholds.red_pain"),
        ({"gate_lsi_min": 1.6}, "thresholds.gate_lsi_min"),
        ({"gate_lsi_min": True}, "thresholds.gate_lsi_min"),
        ({"amber_pain": 6}, "thresholds.amber_pain"),
        ({"morning_amber_rise": 3}, "thresholds.morning_amber_rise"),
        ({"visa_h_mcid": 0}, "thresholds.visa_h_mcid"),
    ],
)
def test_unknown_or_out_of_range_settings_are_rejected_with_their_field(layer, field):
    with pytest.raises(EngineInputError) as raised:
        Thresholds.from_mapping(layer)
    assert raised.value.field == field


def test_a_layer_that_is_not_an_object_is_rejected():
    with pytest.raises(EngineInputError, match="JSON object"):
        Thresholds.from_mapping([("red_pain", 6)])  # type: ignore[arg-type]


def test_errors_can_name_the_layer_they_came_from():
    with pytest.raises(EngineInputError) as raised:
        Thresholds.from_mapping({"amber_pain": 7}, field="clinic.thresholds")
    assert raised.value.field == "clinic.thresholds.amber_pain"


def test_direct_construction_is_validated_too():
    with pytest.raises(EngineInputError):
        Thresholds(red_pain=12)
    with pytest.raises(EngineInputError):
        Thresholds(trend_rising=1.0)  # type: ignore[arg-type]


def test_every_setting_is_described_for_a_settings_page():
    assert {spec.name for spec in THRESHOLD_SPECS} == set(DEFAULT_THRESHOLDS.to_dict())
    assert all(spec.summary and spec.low <= spec.high for spec in THRESHOLD_SPECS)


def test_to_dict_renders_decimals_as_numbers():
    assert DEFAULT_THRESHOLDS.to_dict()["gate_lsi_min"] == 0.9
