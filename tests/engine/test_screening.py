import pytest

from sitbone.engine import SCREEN_ITEMS, SCREEN_PAGES, EngineInputError, screen

SUPPORTING = [
    "sitting_pain_at_sit_bone",
    "stretch_pain",
    "uphill_or_fast_running_pain",
    "lunge_or_squat_pain",
    "warm_up_then_worse",
    "gradual_onset",
]


def yes(*items: str) -> dict[str, bool]:
    return dict.fromkeys(items, True)


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        (yes("bladder_bowel_change"), "SCREEN-CES-BLADDER-BOWEL"),
        (yes("saddle_numbness"), "SCREEN-CES-SADDLE"),
        (yes("bilateral_leg_symptoms", "progressive_weakness"), "SCREEN-CES-BILATERAL-WEAKNESS"),
    ],
)
def test_cauda_equina_signs_are_an_emergency(answers, rule):
    result = screen(answers | yes(*SUPPORTING))
    assert result.triage.value == "emergency"
    assert rule in [flag.rule for flag in result.flags]
    assert "emergency department now" in result.flags[0].action


def test_symptoms_in_both_legs_without_weakness_are_not_an_emergency():
    assert screen(yes("bilateral_leg_symptoms")).triage.value != "emergency"


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        (yes("sudden_onset_pop", "posterior_thigh_bruising"), "SCREEN-AVULSION"),
        (yes("sudden_onset_pop", "palpable_gap_or_weak_knee_bend"), "SCREEN-AVULSION"),
        (yes("progressive_weakness"), "SCREEN-PROGRESSIVE-WEAKNESS"),
        (yes("fever_or_unwell"), "SCREEN-SYSTEMIC-FEVER"),
        (yes("unexplained_weight_loss"), "SCREEN-SYSTEMIC-WEIGHT-LOSS"),
        (yes("cancer_history", "night_pain_unrelieved"), "SCREEN-SYSTEMIC-CANCER-NIGHT-PAIN"),
        (yes("age_under_18_sudden_pain"), "SCREEN-APOPHYSEAL"),
    ],
)
def test_red_flags_needing_review_within_48_hours_are_urgent(answers, rule):
    result = screen(answers)
    assert result.triage.value == "urgent"
    assert [flag.rule for flag in result.flags] == [rule]
    assert result.flags[0].text and result.flags[0].action


@pytest.mark.parametrize(
    "answers",
    [
        yes("sudden_onset_pop"),
        yes("posterior_thigh_bruising", "palpable_gap_or_weak_knee_bend"),
        yes("cancer_history"),
        yes("night_pain_unrelieved"),
    ],
)
def test_half_a_red_flag_pattern_is_not_a_flag(answers):
    result = screen(answers)
    assert result.flags == ()
    assert result.triage.value == "self_care_ok"


@pytest.mark.parametrize(
    ("item", "rule"),
    [
        ("pain_below_knee", "SCREEN-DIFF-RADICULAR"),
        ("pins_needles_or_numbness", "SCREEN-DIFF-RADICULAR"),
        ("cough_sneeze_worse", "SCREEN-DIFF-RADICULAR"),
        ("back_pain", "SCREEN-DIFF-LUMBAR"),
        ("long_stride_lateral_pain", "SCREEN-DIFF-ISCHIOFEMORAL"),
        ("training_spike_bone_pain_hop", "SCREEN-DIFF-STRESS-FRACTURE"),
    ],
)
def test_a_differential_alone_means_see_a_physio(item, rule):
    result = screen(yes(item))
    assert result.triage.value == "see_physio"
    assert [finding.rule for finding in result.differentials] == [rule]
    assert result.differentials[0].triage is None


@pytest.mark.parametrize(
    ("count", "with_differential", "likelihood", "triage"),
    [
        (0, False, "unlikely", "self_care_ok"),
        (1, False, "unlikely", "self_care_ok"),
        (2, False, "possible", "see_physio"),
        (3, False, "possible", "see_physio"),
        (4, False, "likely", "see_physio"),
        (6, False, "likely", "see_physio"),
        (0, True, "unlikely", "see_physio"),
        (1, True, "unlikely", "see_physio"),
        (2, True, "possible", "see_physio"),
        (3, True, "possible", "see_physio"),
        (4, True, "possible", "see_physio"),
        (6, True, "possible", "see_physio"),
    ],
)
def test_pht_likelihood_counts_supporting_items(count, with_differential, likelihood, triage):
    answers = yes(*SUPPORTING[:count]) | (yes("back_pain") if with_differential else {})
    result = screen(answers)
    assert result.supporting_count == count
    assert result.pht_likelihood.value == likelihood
    assert result.triage.value == triage


def test_emergency_outranks_urgent():
    result = screen(yes("saddle_numbness", "fever_or_unwell", "back_pain"))
    assert result.triage.value == "emergency"
    assert {flag.rule for flag in result.flags} == {"SCREEN-CES-SADDLE", "SCREEN-SYSTEMIC-FEVER"}


def test_missing_items_count_as_no_and_explicit_no_is_the_same():
    assert screen({}) == screen(dict.fromkeys(SCREEN_ITEMS, False))


def test_unknown_item_ids_are_rejected():
    with pytest.raises(EngineInputError) as raised:
        screen({"sitting_pain": True})
    assert raised.value.field == "answers.sitting_pain"


@pytest.mark.parametrize("bad", [1, 0, "yes", None])
def test_answers_must_be_true_or_false(bad):
    with pytest.raises(EngineInputError, match="true or false") as raised:
        screen({"back_pain": bad})
    assert raised.value.field == "answers.back_pain"


def test_the_result_explains_triage_and_likelihood_with_rule_ids():
    result = screen(yes(*SUPPORTING[:4]))
    assert [r.rule for r in result.reasons] == ["TRIAGE-SEE-PHYSIO", "SCREEN-PHT-LIKELY"]
    assert result.to_dict()["triage"] == "see_physio"


def test_items_are_data_with_plain_questions_grouped_into_pages():
    pages = {page.id for page in SCREEN_PAGES}
    assert len(SCREEN_ITEMS) == 24
    for item in SCREEN_ITEMS.values():
        assert item.page in pages
        assert item.question.endswith("?")
        assert item.kind.value in {"red_flag", "differential", "supporting"}
    assert sorted(i.id for i in SCREEN_ITEMS.values() if i.kind.value == "supporting") == sorted(
        SUPPORTING
    )
    assert SCREEN_PAGES[0].id == "emergency"
