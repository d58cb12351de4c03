import pytest

from sitbone.engine import (
    DEFAULT_THRESHOLDS,
    INSTRUMENTS,
    EngineInputError,
    Q8Bands,
    Thresholds,
    instrument_definition,
    score,
    score_groc,
    score_lefs,
    score_nirschl,
    score_nprs,
    score_sitting_tolerance,
    score_visa_h,
)


def visa_h(q1_to_q6=5, q7=7, branch="no_pain", minutes=31):
    answers = {f"q{n}": q1_to_q6 for n in range(1, 7)}
    return answers | {"q7": q7, "q8": {"branch": branch, "minutes": minutes}}


# --- ranges: minimum, maximum and just outside, for every instrument ---------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "total"),
    [
        ("lefs", [0] * 20, 0),
        ("lefs", [4] * 20, 80),
        ("visa_h", visa_h(0, 0, "no_pain", 0), 0),
        ("visa_h", visa_h(10, 10, "no_pain", 31), 100),
        ("nprs", 0, 0),
        ("nprs", [10], 10),
        ("groc", -7, -7),
        ("groc", {"change": 7}, 7),
        ("nirschl", 1, 1),
        ("nirschl", 7, 7),
        ("sitting_tolerance", 0, 0),
        ("sitting_tolerance", {"minutes": 60}, 60),
    ],
)
def test_each_instrument_scores_its_minimum_and_maximum(instrument, answers, total):
    result = score(instrument, answers)
    assert result.total == total
    assert result.min <= total <= result.max


@pytest.mark.parametrize(
    ("instrument", "answers", "field"),
    [
        ("lefs", [5] + [4] * 19, "answers[0]"),
        ("lefs", [-1] + [4] * 19, "answers[0]"),
        ("visa_h", visa_h(11), "answers.q1"),
        ("visa_h", visa_h(-1), "answers.q1"),
        ("visa_h", visa_h(q7=5), "answers.q7"),
        ("visa_h", visa_h(minutes=-1), "answers.q8.minutes"),
        ("visa_h", visa_h(branch="sometimes"), "answers.q8.branch"),
        ("nprs", 11, "answers"),
        ("nprs", -1, "answers"),
        ("groc", 8, "answers"),
        ("groc", -8, "answers"),
        ("nirschl", 0, "answers"),
        ("nirschl", 8, "answers"),
        ("sitting_tolerance", 61, "answers"),
        ("sitting_tolerance", -1, "answers"),
    ],
)
def test_each_instrument_rejects_answers_just_outside_its_range(instrument, answers, field):
    with pytest.raises(EngineInputError) as raised:
        score(instrument, answers)
    assert raised.value.field == field


@pytest.mark.parametrize("bad", [True, 4.0, "4", None])
def test_answers_must_be_whole_numbers_not_booleans_floats_or_text(bad):
    with pytest.raises(EngineInputError, match="got"):
        score_nprs(bad)


def test_lefs_with_19_answers_is_rejected():
    with pytest.raises(EngineInputError, match="LEFS needs all 20 answers; got 19") as raised:
        score_lefs([4] * 19)
    assert raised.value.field == "answers"


def test_lefs_keyed_answers_need_every_item():
    answers = {f"q{n}": 3 for n in range(1, 20)}
    with pytest.raises(EngineInputError) as raised:
        score_lefs(answers)
    assert raised.value.field == "answers.q20"


def test_unknown_item_ids_are_rejected():
    with pytest.raises(EngineInputError) as raised:
        score_visa_h(visa_h() | {"q9": 3})
    assert raised.value.field == "answers.q9"


def test_unknown_instruments_are_rejected():
    with pytest.raises(EngineInputError) as raised:
        score("phat", [1])
    assert raised.value.field == "instrument"


def test_visa_h_q7_accepts_only_its_four_categories():
    for q7 in (0, 4, 7, 10):
        assert score_visa_h(visa_h(q7=q7)).item_points["q7"] == q7
    for q7 in (1, 5, 9):
        with pytest.raises(EngineInputError, match="one of 0, 4, 7, 10"):
            score_visa_h(visa_h(q7=q7))


# --- VISA-H Q8: every band edge of every branch ---------------------------------------------

Q8_EDGES = [
    ("no_pain", 0, 0),
    ("no_pain", 1, 7),
    ("no_pain", 10, 7),
    ("no_pain", 11, 14),
    ("no_pain", 20, 14),
    ("no_pain", 21, 21),
    ("no_pain", 30, 21),
    ("no_pain", 31, 30),
    ("pain_not_stopping", 0, 0),
    ("pain_not_stopping", 1, 4),
    ("pain_not_stopping", 10, 4),
    ("pain_not_stopping", 11, 10),
    ("pain_not_stopping", 20, 10),
    ("pain_not_stopping", 21, 14),
    ("pain_not_stopping", 30, 14),
    ("pain_not_stopping", 31, 20),
    ("pain_stopping", 0, 0),
    ("pain_stopping", 1, 2),
    ("pain_stopping", 10, 2),
    ("pain_stopping", 11, 5),
    ("pain_stopping", 20, 5),
    ("pain_stopping", 21, 7),
    ("pain_stopping", 30, 7),
    ("pain_stopping", 31, 10),
]


@pytest.mark.parametrize(("branch", "minutes", "points"), Q8_EDGES)
def test_visa_h_q8_points_at_every_band_edge(branch, minutes, points):
    result = score_visa_h(visa_h(0, 0, branch, minutes))
    assert result.item_points["q8"] == points
    assert result.total == points


def test_visa_h_q8_bands_can_be_replaced_by_a_clinic_checked_table():
    bands = Q8Bands.from_mapping(
        {
            branch: [
                {"up_to": 0, "points": 0},
                {"up_to": 100, "points": 15},
                {"up_to": None, "points": 30},
            ]
            for branch in ("no_pain", "pain_not_stopping", "pain_stopping")
        }
    )
    assert score_visa_h(visa_h(0, 0, "no_pain", 100), q8_bands=bands).total == 15
    assert score_visa_h(visa_h(0, 0, "no_pain", 101), q8_bands=bands).total == 30


@pytest.mark.parametrize(
    "bands",
    [
        {"no_pain": []},
        {"no_pain": [{"up_to": 10, "points": 31}, {"up_to": None, "points": 0}]},
        {
            "no_pain": [
                {"up_to": 10, "points": 1},
                {"up_to": 5, "points": 2},
                {"up_to": None, "points": 3},
            ]
        },
        {"no_pain": [{"up_to": 10, "points": 1}]},
        {"no_pain": [{"up_to": None, "points": 1}], "sometimes": []},
    ],
)
def test_malformed_q8_band_tables_are_rejected(bands):
    with pytest.raises(EngineInputError):
        Q8Bands.from_mapping(bands)


def test_visa_h_is_marked_unverified_in_its_definition_and_its_result():
    definition = instrument_definition("visa_h")
    assert definition.provenance.verified is False
    assert (
        "Item wording and Q8 bands unverified — clinical-brief §4.1" in definition.provenance.note
    )
    assert "VISA-H-UNVERIFIED" in [r.rule for r in score_visa_h(visa_h()).reasons]


# --- change against a previous score ---------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "delta", "direction", "important"),
    [
        (50, 10, "improved", True),
        (51, 9, "improved", True),
        (52, 8, "improved", False),
        (60, 0, "no change", False),
        (68, -8, "worse", False),
        (69, -9, "worse", True),
    ],
)
def test_lefs_change_reaches_mcid_and_mdc_from_nine_points_either_way(
    previous, delta, direction, important
):
    change = score_lefs([3] * 20, previous_total=previous).change
    assert change is not None
    assert (change.delta, change.direction.value) == (delta, direction)
    assert change.exceeds_mcid is important
    assert change.exceeds_mdc is important
    assert (change.mcid, change.mdc) == (9, 9)


@pytest.mark.parametrize(
    ("now", "previous", "direction", "important"),
    [
        (5, 7, "improved", True),
        (6, 7, "improved", False),
        (7, 7, "no change", False),
        (8, 7, "worse", False),
        (9, 7, "worse", True),
    ],
)
def test_lower_nprs_is_better_and_two_points_is_clinically_important(
    now, previous, direction, important
):
    change = score_nprs(now, previous_total=previous).change
    assert change is not None
    assert change.direction.value == direction
    assert change.exceeds_mcid is important
    assert change.exceeds_mdc is None
    assert "Farrar" in (change.mcid_source or "")


def test_visa_h_change_has_no_verdict_without_a_clinic_threshold():
    result = score_visa_h(visa_h(), previous_total=40)
    assert result.change is not None
    assert (result.change.delta, result.change.direction.value) == (27, "improved")
    assert result.change.exceeds_mcid is None
    assert result.change.mcid is None
    assert "VISA-H-NO-MCID" in [r.rule for r in result.reasons]


def test_visa_h_change_uses_the_clinic_threshold_and_says_so():
    thresholds = Thresholds.from_mapping({"visa_h_mcid": 10})
    at_edge = score_visa_h(visa_h(), previous_total=57, thresholds=thresholds).change
    below = score_visa_h(visa_h(), previous_total=58, thresholds=thresholds).change
    assert at_edge is not None and below is not None
    assert (at_edge.exceeds_mcid, below.exceeds_mcid) == (True, False)
    assert at_edge.mcid_source is not None and "clinic" in at_edge.mcid_source
    reasons = score_visa_h(visa_h(), previous_total=57, thresholds=thresholds).reasons
    assert "VISA-H-CLINIC-MCID" in [r.rule for r in reasons]


@pytest.mark.parametrize(("rating", "important"), [(2, False), (3, True), (7, True), (-3, False)])
def test_groc_of_three_or_more_is_an_important_improvement(rating, important):
    assert score_groc(rating).important_improvement is important


def test_nirschl_is_a_separate_seven_phase_scale_where_lower_is_better():
    assert instrument_definition("nirschl").higher_is_better is False
    change = score_nirschl(2, previous_total=5).change
    assert change is not None and change.direction.value == "improved"
    assert change.exceeds_mcid is None


def test_sitting_tolerance_change_is_reported_without_a_threshold():
    result = score_sitting_tolerance(45, previous_total=20)
    assert result.change is not None and result.change.direction.value == "improved"
    assert result.change.exceeds_mcid is None
    assert result.reasons[0].rule == "SITTING-NO-VALIDATED-PROTOCOL"


def test_previous_total_outside_the_range_is_rejected():
    with pytest.raises(EngineInputError) as raised:
        score_lefs([3] * 20, previous_total=81)
    assert raised.value.field == "previous_total"


# --- definitions as data, for forms ------------------------------------------------------------


def test_every_instrument_exposes_items_with_ids_text_and_options():
    assert set(INSTRUMENTS) == {"lefs", "visa_h", "nprs", "groc", "nirschl", "sitting_tolerance"}
    for definition in INSTRUMENTS.values():
        form = definition.to_dict()
        assert form["items"]
        for item in form["items"]:
            assert item["id"] and item["text"]
            assert item.get("options") or item["kind"] == "scale"
        assert form["provenance"]["source"]


def test_item_counts_match_the_published_instruments():
    assert len(instrument_definition("lefs").items) == 20
    assert len(instrument_definition("visa_h").items) == 8
    assert [o.value for o in instrument_definition("lefs").items[0].options] == [0, 1, 2, 3, 4]
    assert len(instrument_definition("groc").items[0].options) == 15
    assert len(instrument_definition("nirschl").items[0].options) == 7


def test_default_thresholds_are_used_when_none_are_given():
    assert score("visa_h", visa_h(), thresholds=DEFAULT_THRESHOLDS).total == 67
