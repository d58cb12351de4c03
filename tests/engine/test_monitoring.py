import datetime as dt
from decimal import Decimal

import pytest

from sitbone.engine import (
    EngineInputError,
    GateMeasures,
    Session,
    Thresholds,
    classify_session,
    decide,
    weekly_trend_rising,
)
from sitbone.engine.gates import measure_values
from sitbone.engine.monitoring import check_session_values, decide_from_values
from tests.engine.builders import DAY_ONE, session

# --- zones for one session ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "zone"),
    [(0, "green"), (3, "green"), (4, "amber"), (5, "amber"), (6, "red"), (10, "red")],
)
def test_pain_during_sets_the_zone_at_4_and_6(pain, zone):
    assert classify_session(session(during=pain, after=0, morning=0), 0).zone.value == zone


@pytest.mark.parametrize(("pain", "zone"), [(3, "green"), (4, "amber"), (5, "amber"), (6, "red")])
def test_pain_after_sets_the_zone_at_4_and_6(pain, zone):
    assert classify_session(session(during=0, after=pain, morning=0), 0).zone.value == zone


@pytest.mark.parametrize(("pain", "zone"), [(3, "green"), (4, "amber"), (5, "amber"), (6, "red")])
def test_next_morning_pain_sets_the_zone_at_4_and_6_even_at_baseline(pain, zone):
    assert classify_session(session(during=0, after=0, morning=pain), pain).zone.value == zone


@pytest.mark.parametrize(
    ("morning", "zone", "rule"),
    [
        (0, "green", "PMM-GREEN"),
        (1, "green", "PMM-GREEN"),
        (2, "amber", "PMM-AMBER-MORNING-ABOVE-BASELINE"),
        (3, "red", "PMM-RED-MORNING-ABOVE-BASELINE"),
    ],
)
def test_next_morning_pain_against_baseline_one_equal_plus_one_plus_two(morning, zone, rule):
    result = classify_session(session(during=0, after=0, morning=morning), 1)
    assert result.zone.value == zone
    assert [r.rule for r in result.reasons] == [rule]


@pytest.mark.parametrize(
    ("during", "after", "zone", "rules"),
    [
        (3, 3, "pending", ["PMM-PENDING"]),
        (4, 0, "amber", ["PMM-AMBER-DURING"]),
        (0, 6, "red", ["PMM-RED-AFTER"]),
    ],
)
def test_missing_morning_pain_is_pending_unless_during_or_after_decide(during, after, zone, rules):
    result = classify_session(session(during=during, after=after, morning=None), 2)
    assert result.zone.value == zone
    assert [r.rule for r in result.reasons] == rules


def test_a_red_session_lists_every_red_rule_it_breaks_and_no_amber_ones():
    result = classify_session(session(during=7, after=6, morning=6), 2)
    assert [r.rule for r in result.reasons] == [
        "PMM-RED-DURING",
        "PMM-RED-AFTER",
        "PMM-RED-MORNING",
        "PMM-RED-MORNING-ABOVE-BASELINE",
    ]
    assert all("/10" in r.text for r in result.reasons)


def test_zone_lines_are_thresholds_a_clinic_can_move():
    strict = Thresholds.from_mapping({"amber_pain": 3, "red_pain": 5})
    assert classify_session(session(during=3, morning=0), 0, strict).zone.value == "amber"
    assert classify_session(session(during=5, morning=0), 0, strict).zone.value == "red"


@pytest.mark.parametrize("bad", [11, -1, True, 3.0, "3", None])
def test_a_session_rejects_pain_that_is_not_a_whole_number_0_to_10(bad):
    with pytest.raises(EngineInputError) as raised:
        Session(DAY_ONE, bad, 0, None, True)
    assert raised.value.field == "pain_during"


def test_a_session_rejects_a_datetime_or_text_date_and_a_numeric_completed_flag():
    with pytest.raises(EngineInputError):
        Session(dt.datetime(2026, 11, 2, tzinfo=dt.UTC), 1, 1)  # type: ignore[arg-type]
    with pytest.raises(EngineInputError):
        Session("2026-11-02", 1, 1)  # type: ignore[arg-type]
    with pytest.raises(EngineInputError) as raised:
        Session(DAY_ONE, 1, 1, 1, 1)  # type: ignore[arg-type]
    assert raised.value.field == "completed"


def test_sessions_stay_checked_when_copied_with_a_change():
    with pytest.raises(EngineInputError):
        session()._replace(pain_after=12)


# --- weekly trend -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "rising"),
    [
        ([], False),
        (["3.0"], False),
        (["2.0", "3.0"], True),
        (["2.0", "2.9"], False),
        (["2.5", "3.5"], True),
        (["4.0", "1.0", "2.0"], True),
        (["1.0", "2.0", "2.5"], False),
    ],
)
def test_weekly_morning_pain_rises_when_the_last_week_is_up_by_one_or_more(weeks, rising):
    assert weekly_trend_rising([Decimal(w) for w in weeks]) is rising


# --- the decision, first match wins ---------------------------------------------------------------

GREEN, AMBER, RED = (0, 0, 2), (4, 2, 2), (7, 2, 2)
GATE_1_MET = GateMeasures(slb_short_lever_pain=3)


def history(*pains: tuple[int, int, int | None], spacing: int = 2) -> list[Session]:
    return [session(i * spacing, d, a, m) for i, (d, a, m) in enumerate(pains)]


def decision(stage=2, sessions=(), weekly=(), gates=None, red_flags=(), baseline=2):
    return decide(
        stage=stage,
        baseline_morning_pain=baseline,
        sessions=list(sessions),
        weekly_morning_pain=[Decimal(w) for w in weekly],
        gates=gates or GateMeasures(),
        red_flags=list(red_flags),
    )


def summary(result):
    return (result.zone.value, result.action.value, result.stage, result.stage_change.value)


def test_any_red_flag_refers_and_stops_everything():
    result = decision(sessions=history(GREEN, GREEN), red_flags=["saddle_numbness"])
    assert summary(result) == ("stop", "refer", 2, "stay")
    assert result.running_ready is False
    assert result.requires_approval is False
    assert [r.rule for r in result.reasons] == ["PMM-STOP-RED-FLAG"]


@pytest.mark.parametrize(
    ("pains", "expected", "rule"),
    [
        ((GREEN, RED), ("red", "regress", 2, "stay"), "PMM-REGRESS-LATEST-RED"),
        ((AMBER, AMBER), ("amber", "regress", 2, "stay"), "PMM-AMBER-TWO-IN-A-ROW"),
        ((RED, AMBER), ("amber", "regress", 2, "stay"), "PMM-AMBER-TWO-IN-A-ROW"),
        ((GREEN, AMBER), ("amber", "hold", 2, "stay"), "PMM-HOLD"),
        ((AMBER, GREEN), ("green", "hold", 2, "stay"), "PMM-HOLD"),
        ((GREEN, GREEN), ("green", "progress", 2, "stay"), "PMM-PROGRESS-TWO-GREEN"),
        ((GREEN,), ("green", "hold", 2, "stay"), "PMM-HOLD"),
        ((GREEN, (0, 0, None)), ("pending", "hold", 2, "stay"), "PMM-HOLD"),
    ],
)
def test_decision_table(pains, expected, rule):
    result = decision(sessions=history(*pains))
    assert summary(result) == expected
    assert rule in [r.rule for r in result.reasons]
    assert result.requires_approval is False


def test_no_sessions_yet_holds_with_zone_pending():
    result = decision()
    assert summary(result) == ("pending", "hold", 2, "stay")
    assert result.reasons[0].rule == "PMM-HOLD-NO-SESSIONS"


def test_a_rising_weekly_trend_regresses_even_after_green_sessions():
    result = decision(sessions=history(GREEN, GREEN), weekly=["2.0", "3.0"])
    assert summary(result) == ("green", "regress", 2, "stay")
    assert "PMM-TREND-RISING" in [r.rule for r in result.reasons]


def test_a_trend_just_under_one_point_does_not_stop_progress():
    assert (
        decision(sessions=history(GREEN, GREEN), weekly=["2.0", "2.9"]).action.value == "progress"
    )


def test_a_rising_trend_regresses_before_any_session_is_logged():
    assert summary(decision(weekly=["1.0", "2.0"])) == ("pending", "regress", 2, "stay")


def test_two_red_sessions_within_seven_days_propose_stepping_back_a_stage():
    result = decision(stage=3, sessions=[session(0, *RED), session(6, *RED)])
    assert summary(result) == ("red", "regress", 2, "step_back")
    assert result.requires_approval is True
    assert "PMM-STEP-BACK-TWO-RED-IN-WEEK" in [r.rule for r in result.reasons]


def test_two_reds_on_the_same_day_count_as_two():
    result = decision(stage=3, sessions=[session(4, *RED), session(4, *RED)])
    assert result.stage_change.value == "step_back"


def test_red_sessions_seven_days_apart_do_not_step_back():
    result = decision(stage=3, sessions=[session(0, *RED), session(7, *RED)])
    assert summary(result) == ("red", "regress", 3, "stay")


def test_stage_one_never_steps_back():
    result = decision(stage=1, sessions=[session(0, *RED), session(1, *RED)])
    assert summary(result) == ("red", "regress", 1, "stay")


def test_an_older_red_counts_towards_stepping_back_only_if_the_latest_regresses():
    result = decision(stage=3, sessions=[session(0, *RED), session(2, *GREEN), session(4, *GREEN)])
    assert summary(result) == ("green", "progress", 3, "stay")


def test_two_green_sessions_advance_when_the_gate_is_met():
    result = decision(stage=1, sessions=history(GREEN, GREEN), gates=GATE_1_MET)
    assert summary(result) == ("green", "progress", 2, "advance")
    assert result.requires_approval is True
    assert "GATE-1-2-SLB" in [r.rule for r in result.reasons]


def test_two_green_sessions_progress_within_the_stage_when_the_gate_is_not_met():
    result = decision(
        stage=1, sessions=history(GREEN, GREEN), gates=GateMeasures(slb_short_lever_pain=4)
    )
    assert summary(result) == ("green", "progress", 1, "stay")


def test_a_missing_gate_measure_names_the_test_needed():
    result = decision(stage=1, sessions=history(GREEN, GREEN))
    gate = next(r for r in result.reasons if r.rule == "GATE-1-2-SLB")
    assert "Short-lever single-leg bridge" in gate.text
    assert "not recorded" in gate.text


def test_an_incomplete_green_session_does_not_progress():
    sessions = [session(0, *GREEN), session(2, *GREEN, completed=False)]
    assert decision(sessions=sessions).action.value == "hold"


def test_stage_five_progresses_only_within_the_stage():
    gates = GateMeasures(sport_load_pain=0, curl_10rm_lsi=Decimal(1), slb_reps_lsi=Decimal(1))
    result = decision(stage=5, sessions=history(GREEN, GREEN), gates=gates)
    assert summary(result) == ("green", "progress", 5, "stay")
    assert "GATE-NONE-AFTER-5" in [r.rule for r in result.reasons]


def test_running_readiness_is_reported_with_every_decision():
    gates = GateMeasures(rest_pain=0, drop_lunge_pain=0, curl_10rm_lsi=Decimal("0.90"))
    result = decision(sessions=history(GREEN, AMBER), gates=gates)
    assert result.running_ready is True
    assert {"RUN-READY-REST-PAIN", "RUN-READY-DROP-LUNGE", "RUN-READY-CURL-LSI"} <= {
        r.rule for r in result.reasons
    }


def test_every_reason_cites_a_rule_and_reads_as_a_sentence():
    result = decision(stage=3, sessions=[session(0, *RED), session(6, *RED)])
    for reason in result.reasons:
        assert reason.rule
        assert reason.text[0].isupper() and reason.text.endswith(".")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"stage": 0}, "stage"),
        ({"stage": 6}, "stage"),
        ({"baseline": 11}, "baseline_morning_pain"),
        ({"sessions": [session(2), session(1)]}, "sessions[1].date"),
        ({"weekly": ["10.5"]}, "weekly_morning_pain[0]"),
        ({"red_flags": [""]}, "red_flags[0]"),
    ],
)
def test_invalid_histories_are_rejected_with_their_field(kwargs, field):
    with pytest.raises(EngineInputError) as raised:
        decision(**kwargs)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("days", "field"),
    [
        ([0, 2, 4], None),
        ([2, 2, 2], None),
        ([2, 0], "sessions[1].date"),
        ([0, 2, 2, 1], "sessions[3].date"),
        ([0, 4, 2, 6], "sessions[2].date"),
        ([6, 4, 2], "sessions[1].date"),
    ],
)
def test_sessions_must_be_oldest_first_and_the_first_step_back_in_time_is_named(days, field):
    sessions = [session(day) for day in days]
    if field is None:
        assert decision(sessions=sessions).zone.value == "green"
        return
    with pytest.raises(EngineInputError) as raised:
        decision(sessions=sessions)
    assert (raised.value.field, raised.value.message) == (
        field,
        "sessions must be listed oldest first",
    )


def test_the_decision_serialises_with_the_field_names_of_the_contract():
    assert set(decision().to_dict()) == {
        "zone",
        "action",
        "stage",
        "stage_change",
        "requires_approval",
        "running_ready",
        "reasons",
    }


@pytest.mark.parametrize(
    "values",
    [
        (DAY_ONE, 11, 0, None, True),
        (DAY_ONE, 1, True, None, True),
        (DAY_ONE, 1, 1, 2.0, True),
        (DAY_ONE, 1, 1, None, 1),
        ("2026-11-02", 1, 1, None, True),
        (DAY_ONE, 1, 1, -1, False),
    ],
)
def test_plain_session_values_are_refused_word_for_word_as_sessions_are(values):
    """The JSON commands check rows with check_session_values instead of building Sessions."""
    with pytest.raises(EngineInputError) as as_session:
        Session(*values)
    with pytest.raises(EngineInputError) as as_values:
        check_session_values(*values)
    assert as_values.value.to_dict() == as_session.value.to_dict()


@pytest.mark.parametrize("pains", [(GREEN, GREEN), (GREEN, AMBER, RED), (RED, RED), ()])
@pytest.mark.parametrize("stage", [1, 3, 5])
def test_checked_values_decide_as_the_sessions_and_gate_measures_they_hold(pains, stage):
    sessions = history(*pains)
    values = [check_session_values(*s) for s in sessions]
    assert values == [tuple(s) for s in sessions]
    common = {
        "stage": stage,
        "baseline_morning_pain": 2,
        "weekly_morning_pain": [],
        "red_flags": [],
    }
    expected = decide(**common, sessions=sessions, gates=GATE_1_MET)
    got = decide_from_values(
        **common, sessions=values, gates=measure_values(GATE_1_MET), thresholds=Thresholds()
    )
    assert got == expected
