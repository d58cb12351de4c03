import datetime as dt
from collections import OrderedDict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitbone.engine import COMMANDS, EngineInputError, run
from sitbone.engine.bench import decisions_per_second, realistic_documents

DECIDE = {
    "stage": 2,
    "baseline_morning_pain": 2,
    "sessions": [
        {
            "date": "2026-11-02",
            "pain_during": 3,
            "pain_after": 2,
            "next_morning_pain": 2,
            "completed": True,
        },
        {
            "date": "2026-11-04",
            "pain_during": 3,
            "pain_after": 2,
            "next_morning_pain": 2,
            "completed": True,
        },
    ],
    "weekly_morning_pain": [2.0, 2.5],
    "gates": {
        "slb_short_lever_pain": 2,
        "curl_10rm_lsi": 0.93,
        "slb_reps_lsi": 0.95,
        "drop_lunge_pain": 0,
        "single_leg_rdl_pain": 2,
        "rest_pain": 0,
        "sport_load_pain": 1,
    },
    "red_flags": [],
    "thresholds": {},
}


def with_changes(document, **changes):
    return document | changes


def error_of(command, document):
    with pytest.raises(EngineInputError) as raised:
        run(command, document)
    return raised.value


def test_the_six_commands_of_the_contract_exist():
    assert set(COMMANDS) == {"score", "screen", "post-test", "decide", "prescribe", "run-step"}


def test_decide_follows_the_issue_example():
    result = run("decide", DECIDE)
    assert result == result | {
        "zone": "green",
        "action": "progress",
        "stage": 3,
        "stage_change": "advance",
        "requires_approval": True,
        "running_ready": True,
    }
    assert all(set(reason) == {"rule", "text"} for reason in result["reasons"])


def test_decide_accepts_exact_decimals_from_a_json_parser():
    document = with_changes(DECIDE, weekly_morning_pain=[Decimal("2.0"), Decimal("3.0")])
    assert run("decide", document)["action"] == "regress"


def test_optional_decide_fields_may_be_left_out():
    result = run("decide", {"stage": 1, "baseline_morning_pain": 0, "sessions": []})
    assert (result["zone"], result["action"]) == ("pending", "hold")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"stage": "2"}, "stage"),
        ({"stage": 2.0}, "stage"),
        ({"baseline_morning_pain": True}, "baseline_morning_pain"),
        ({"sessions": {"date": "2026-11-02"}}, "sessions"),
        ({"weekly_morning_pain": [2.0, "3"]}, "weekly_morning_pain[1]"),
        ({"weekly_morning_pain": [True]}, "weekly_morning_pain[0]"),
        ({"gates": {"curl_10rm_lsi": 93}}, "gates.curl_10rm_lsi"),
        ({"gates": {"curl_10rm_lsi": False}}, "gates.curl_10rm_lsi"),
        ({"gates": {"rest_pain": 0.0}}, "gates.rest_pain"),
        ({"gates": {"hop_pain": 1}}, "gates.hop_pain"),
        ({"red_flags": [1]}, "red_flags[0]"),
        ({"thresholds": {"red_pain": 11}}, "thresholds.red_pain"),
        ({"thresholds": []}, "thresholds"),
        ({"stgae": 2}, "stgae"),
    ],
)
def test_decide_rejects_invalid_fields_by_name(change, field):
    assert error_of("decide", with_changes(DECIDE, **change)).field == field


@pytest.mark.parametrize(
    ("session_change", "field"),
    [
        ({"pain_during": 11}, "sessions[1].pain_during"),
        ({"pain_during": True}, "sessions[1].pain_during"),
        ({"pain_after": 2.5}, "sessions[1].pain_after"),
        ({"next_morning_pain": "2"}, "sessions[1].next_morning_pain"),
        ({"completed": 1}, "sessions[1].completed"),
        ({"date": "4 Nov 2026"}, "sessions[1].date"),
        ({"date": "2026-02-30"}, "sessions[1].date"),
        ({"date": 20261104}, "sessions[1].date"),
        ({"mood": "fine"}, "sessions[1].mood"),
    ],
)
def test_decide_names_the_session_and_value_at_fault(session_change, field):
    sessions = [DECIDE["sessions"][0], DECIDE["sessions"][1] | session_change]
    error = error_of("decide", with_changes(DECIDE, sessions=sessions))
    assert error.field == field
    assert error.message


def test_a_session_missing_a_required_field_is_named():
    sessions = [{"date": "2026-11-02", "pain_after": 1}]
    error = error_of("decide", with_changes(DECIDE, sessions=sessions))
    assert (error.field, error.message) == ("sessions[0].pain_during", "pain_during is required")


def test_pain_11_reads_as_a_sentence_a_person_understands():
    sessions = [DECIDE["sessions"][0] | {"pain_during": 11}]
    error = error_of("decide", with_changes(DECIDE, sessions=sessions))
    assert error.message == "pain_during must be a whole number from 0 to 10; got 11"


def test_a_batch_returns_one_result_per_document():
    results = run("decide", [DECIDE, with_changes(DECIDE, red_flags=["fever_or_unwell"])])
    assert [r["action"] for r in results] == ["progress", "refer"]


def test_an_empty_batch_returns_an_empty_array():
    assert run("score", []) == []


def test_one_bad_document_fails_the_whole_batch_and_is_located():
    bad = with_changes(DECIDE, sessions=[DECIDE["sessions"][0] | {"pain_during": 11}])
    error = error_of("decide", [DECIDE, DECIDE, DECIDE, bad])
    assert error.field == "[3].sessions[0].pain_during"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"instrument": "lefs", "answers": [4] * 19}, "answers"),
        ({"instrument": "visa_h", "answers": {"q7": 5}}, "answers.q1"),
        ({"instrument": "nprs", "answers": 11}, "answers"),
        ({"instrument": "pain", "answers": 1}, "instrument"),
        ({"instrument": "lefs"}, "answers"),
        ({"answers": [1]}, "instrument"),
    ],
)
def test_score_rejects_invalid_documents(document, field):
    assert error_of("score", document).field == field


def test_score_reports_total_range_and_change():
    result = run("score", {"instrument": "lefs", "answers": [3] * 20, "previous_total": 50})
    assert {k: result[k] for k in ("instrument", "total", "min", "max")} == {
        "instrument": "lefs",
        "total": 60,
        "min": 0,
        "max": 80,
    }
    assert result["change"]["exceeds_mcid"] is True


def test_score_takes_a_clinic_visa_h_threshold_and_q8_bands():
    answers = {f"q{n}": 5 for n in range(1, 7)} | {
        "q7": 7,
        "q8": {"branch": "no_pain", "minutes": 5},
    }
    bands = {
        branch: [{"up_to": 0, "points": 0}, {"up_to": None, "points": 30}]
        for branch in ("no_pain", "pain_not_stopping", "pain_stopping")
    }
    document = {"instrument": "visa_h", "answers": answers, "previous_total": 57}
    assert run("score", document)["total"] == 44
    clinic = document | {"q8_bands": bands, "thresholds": {"visa_h_mcid": 10}}
    result = run("score", clinic)
    assert (result["total"], result["change"]["exceeds_mcid"]) == (67, True)
    assert error_of("score", clinic | {"q8_bands": {"no_pain": []}}).field == "q8_bands.no_pain"


def test_screen_command():
    result = run("screen", {"answers": {"saddle_numbness": True}})
    assert result["triage"] == "emergency"
    assert result["flags"][0]["rule"] == "SCREEN-CES-SADDLE"
    assert error_of("screen", {"answers": {"saddle": True}}).field == "answers.saddle"
    assert error_of("screen", {"answers": {"back_pain": 1}}).field == "answers.back_pain"


def test_post_test_command_follows_the_issue_example():
    result = run(
        "post-test",
        {"pretest": 0.4, "tests": [{"name": "modified_bent_knee", "result": "positive"}]},
    )
    assert result["posttest"] == 0.872
    assert result["used"]["name"] == "modified_bent_knee"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"pretest": 0, "tests": [{"name": "bent_knee", "result": "positive"}]}, "pretest"),
        ({"pretest": 1, "tests": [{"name": "bent_knee", "result": "positive"}]}, "pretest"),
        ({"pretest": True, "tests": [{"name": "bent_knee", "result": "positive"}]}, "pretest"),
        ({"pretest": "0.4", "tests": [{"name": "bent_knee", "result": "positive"}]}, "pretest"),
        ({"pretest": 0.4, "tests": [{"name": "bent_knee", "result": True}]}, "tests[0].result"),
        ({"pretest": 0.4, "tests": [{"name": "bent_knee"}]}, "tests[0].result"),
    ],
)
def test_post_test_rejects_invalid_documents(document, field):
    assert error_of("post-test", document).field == field


def test_prescribe_command_returns_a_storable_programme():
    result = run(
        "prescribe", {"stage": 2, "equipment": ["leg_curl_machine"], "irritability": "low"}
    )
    assert result["stage"] == 2 and result["exercises"]
    assert error_of("prescribe", {"stage": 2, "equipment": "dumbbells"}).field == "equipment"


def test_run_step_command():
    document = {
        "current_step": 2,
        "last_step_change_date": "2026-11-01",
        "runs": [{"date": "2026-11-02", "pain_during": 1, "pain_after": 1, "next_morning_pain": 1}],
        "running_ready": True,
        "baseline_morning_pain": 1,
        "today": "2026-11-03",
    }
    result = run("run-step", document)
    assert (result["step"], result["step_change"]) == (3, "advance")
    assert error_of("run-step", document | {"running_ready": 1}).field == "running_ready"
    assert (
        error_of("run-step", {k: v for k, v in document.items() if k != "today"}).field == "today"
    )


def test_unknown_commands_and_non_object_documents_are_rejected():
    assert error_of("frobnicate", {}).field == "command"
    assert error_of("decide", "stage 2").field is None
    assert error_of("decide", [1]).field == "[0]"


def test_the_benchmark_runs_on_realistic_fourteen_session_histories():
    documents = realistic_documents(50)
    assert all(len(d["sessions"]) == 14 for d in documents)
    assert len(run("decide", documents)) == 50
    assert decisions_per_second(200) > 0


def test_session_rows_may_be_any_mapping_not_only_dicts():
    sessions = [OrderedDict(row) for row in DECIDE["sessions"]]
    assert run("decide", with_changes(DECIDE, sessions=sessions)) == run("decide", DECIDE)


@pytest.mark.parametrize("date", ["2026-W45-1", "20261102", "2026-11-2", "2026-11-02T08:00"])
def test_dates_must_be_written_year_month_day(date):
    sessions = [DECIDE["sessions"][0] | {"date": date}]
    assert error_of("decide", with_changes(DECIDE, sessions=sessions)).field == "sessions[0].date"


# --- session rows: the quick reading of plain rows explains exactly what the full check explains --

MISSING = object()
EXPECTED_KEYS = "expected one of: completed, date, next_morning_pain, pain_after, pain_during"
YYYY_MM_DD = "date must be a calendar date written YYYY-MM-DD"
PAIN_0_10 = "must be a whole number from 0 to 10"


# Messages recorded from the engine before session rows had a quick route of their own.
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"pain_during": True}, "pain_during", f"pain_during {PAIN_0_10}; got true"),
        ({"pain_after": 11}, "pain_after", f"pain_after {PAIN_0_10}; got 11"),
        ({"next_morning_pain": -1}, "next_morning_pain", f"next_morning_pain {PAIN_0_10}; got -1"),
        ({"pain_during": 2.0}, "pain_during", f"pain_during {PAIN_0_10}; got 2.0"),
        ({"pain_after": 2.5}, "pain_after", f"pain_after {PAIN_0_10}; got 2.5"),
        ({"pain_during": Decimal(2)}, "pain_during", f"pain_during {PAIN_0_10}; got 2"),
        ({"pain_after": "2"}, "pain_after", f'pain_after {PAIN_0_10}; got "2"'),
        ({"pain_during": []}, "pain_during", f"pain_during {PAIN_0_10}; got a list"),
        (
            {"next_morning_pain": True},
            "next_morning_pain",
            f"next_morning_pain {PAIN_0_10}; got true",
        ),
        ({"pain_during": None}, "pain_during", f"pain_during {PAIN_0_10}; got null"),
        ({"completed": 10}, "completed", "completed must be true or false; got 10"),
        ({"completed": None}, "completed", "completed must be true or false; got null"),
        ({"pain_after": MISSING}, "pain_after", "pain_after is required"),
        ({"mood": "fine"}, "mood", f'unknown field "mood"; {EXPECTED_KEYS}'),
        ({"completed": MISSING, "mood": "fine"}, "mood", f'unknown field "mood"; {EXPECTED_KEYS}'),
        ({"": 1}, "", f'unknown field ""; {EXPECTED_KEYS}'),
        ({"date": "2026-02-30"}, "date", f'{YYYY_MM_DD}; got "2026-02-30"'),
        ({"date": "2026-11-04T00:00"}, "date", f'{YYYY_MM_DD}; got "2026-11-04T00:00"'),
        ({"date": None}, "date", f"{YYYY_MM_DD}; got null"),
        ({"date": 20261104}, "date", f"{YYYY_MM_DD}; got 20261104"),
        ({"date": []}, "date", f"{YYYY_MM_DD}; got a list"),
        ({"date": dt.datetime(2026, 11, 4)}, "date", f"{YYYY_MM_DD}; got 2026-11-04 00:00:00"),  # noqa: DTZ001
        (
            {"pain_during": 11, "pain_after": True},
            "pain_during",
            f"pain_during {PAIN_0_10}; got 11",
        ),
        ({"date": "x", "pain_during": 11}, "date", f'{YYYY_MM_DD}; got "x"'),
        ({"date": "x", "pain_during": MISSING}, "pain_during", "pain_during is required"),
    ],
)
def test_a_bad_session_row_is_explained_word_for_word(change, field, message):
    error = error_of("decide", with_changes(DECIDE, sessions=[DECIDE["sessions"][0], row(change)]))
    assert (error.field, error.message) == (f"sessions[1].{field}".rstrip("."), message)


@pytest.mark.parametrize(
    "change",
    [
        {"next_morning_pain": None},
        {"next_morning_pain": MISSING},
        {"completed": MISSING},
        {"completed": False},
        {"date": dt.date(2026, 11, 4)},
    ],
)
def test_a_session_row_may_leave_out_what_is_optional_or_carry_a_date(change):
    sessions = [DECIDE["sessions"][0], row(change)]
    expected = run("decide", with_changes(DECIDE, sessions=[OrderedDict(s) for s in sessions]))
    assert run("decide", with_changes(DECIDE, sessions=sessions)) == expected


def test_a_session_row_that_is_not_an_object_is_named():
    error = error_of("decide", with_changes(DECIDE, sessions=[DECIDE["sessions"][0], None]))
    assert (error.field, error.message) == (
        "sessions[1]",
        "sessions[1] must be a JSON object; got null",
    )


def row(change):
    """The second session of DECIDE with keys changed, added or (MISSING) removed."""
    changed = DECIDE["sessions"][1] | change
    return {key: value for key, value in changed.items() if value is not MISSING}


def outcome(command, document):
    try:
        return run(command, document)
    except EngineInputError as error:
        return error.to_dict()


ANYTHING = (
    st.integers(-2, 12)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=True)
    | st.decimals(allow_nan=True)
    | st.sampled_from(["2026-11-04", "2026-11-4", "2026-02-30", "3", "", "2026-W45-1"])
    | st.dates()
    | st.lists(st.integers(0, 3), max_size=1)
)
ROW_KEYS = ("date", "pain_during", "pain_after", "next_morning_pain", "completed", "mood")


@settings(max_examples=400)
@given(
    st.dictionaries(st.sampled_from(ROW_KEYS), ANYTHING), st.sampled_from(["decide", "run-step"])
)
def test_a_plain_row_and_any_other_mapping_of_it_give_the_same_answer(values, command):
    """Plain dict rows take the quick route; an OrderedDict always takes the explaining one."""
    document = {
        "decide": DECIDE,
        "run-step": {
            "current_step": 2,
            "last_step_change_date": "2026-11-01",
            "running_ready": True,
            "baseline_morning_pain": 1,
            "today": "2026-11-05",
        },
    }[command]
    rows = "sessions" if command == "decide" else "runs"
    quick = outcome(command, document | {rows: [DECIDE["sessions"][0], values]})
    explained = outcome(command, document | {rows: [DECIDE["sessions"][0], OrderedDict(values)]})
    assert quick == explained


# Messages recorded from the engine before gates and weekly means were read more cheaply.
@pytest.mark.parametrize(
    ("gates", "field", "message"),
    [
        ({"curl_10rm_lsi": True}, "curl_10rm_lsi", "curl_10rm_lsi must be a number; got true"),
        ({"slb_reps_lsi": "0.9"}, "slb_reps_lsi", 'slb_reps_lsi must be a number; got "0.9"'),
        (
            {"curl_10rm_lsi": float("nan")},
            "curl_10rm_lsi",
            "curl_10rm_lsi must be a number; got nan",
        ),
        (
            {"curl_10rm_lsi": float("inf")},
            "curl_10rm_lsi",
            "curl_10rm_lsi must be a number; got inf",
        ),
        (
            {"slb_reps_lsi": Decimal("Infinity")},
            "slb_reps_lsi",
            "slb_reps_lsi must be a number; got Infinity",
        ),
        (
            {"curl_10rm_lsi": 93},
            "curl_10rm_lsi",
            "curl_10rm_lsi must be a number from 0 to 2; got 93",
        ),
        (
            {"slb_reps_lsi": 2.01},
            "slb_reps_lsi",
            "slb_reps_lsi must be a number from 0 to 2; got 2.01",
        ),
        ({"rest_pain": True}, "rest_pain", f"rest_pain {PAIN_0_10}; got true"),
        ({"drop_lunge_pain": 0.0}, "drop_lunge_pain", f"drop_lunge_pain {PAIN_0_10}; got 0.0"),
        ({"sport_load_pain": 11}, "sport_load_pain", f"sport_load_pain {PAIN_0_10}; got 11"),
        (
            {"single_leg_rdl_pain": Decimal("0.9")},
            "single_leg_rdl_pain",
            f"single_leg_rdl_pain {PAIN_0_10}; got 0.9",
        ),
        # A ratio that is not a number is found first; a ratio out of range only after the pains.
        (
            {"rest_pain": 11, "curl_10rm_lsi": "x"},
            "curl_10rm_lsi",
            'curl_10rm_lsi must be a number; got "x"',
        ),
        ({"rest_pain": 11, "curl_10rm_lsi": 93}, "rest_pain", f"rest_pain {PAIN_0_10}; got 11"),
        (
            {"curl_10rm_lsi": 93, "slb_reps_lsi": "x"},
            "slb_reps_lsi",
            'slb_reps_lsi must be a number; got "x"',
        ),
        # Both ratios not numbers: the first in field order (the old engine picked by hash order).
        (
            {"slb_reps_lsi": "y", "curl_10rm_lsi": "x"},
            "curl_10rm_lsi",
            'curl_10rm_lsi must be a number; got "x"',
        ),
    ],
)
def test_bad_gate_measures_are_explained_word_for_word(gates, field, message):
    error = error_of("decide", with_changes(DECIDE, gates=gates))
    assert (error.field, error.message) == (f"gates.{field}", message)


@pytest.mark.parametrize(
    ("weeks", "field", "message"),
    [
        ([2.0, 11], "[1]", "weekly_morning_pain[1] must be a number from 0 to 10; got 11"),
        ([True], "[0]", "weekly_morning_pain[0] must be a number; got true"),
        (["3"], "[0]", 'weekly_morning_pain[0] must be a number; got "3"'),
        ([float("nan")], "[0]", "weekly_morning_pain[0] must be a number; got nan"),
        ([-1], "[0]", "weekly_morning_pain[0] must be a number from 0 to 10; got -1"),
        (
            [Decimal("10.0"), 10.01],
            "[1]",
            "weekly_morning_pain[1] must be a number from 0 to 10; got 10.01",
        ),
    ],
)
def test_bad_weekly_means_are_explained_word_for_word(weeks, field, message):
    error = error_of("decide", with_changes(DECIDE, weekly_morning_pain=weeks))
    assert (error.field, error.message) == (f"weekly_morning_pain{field}", message)
