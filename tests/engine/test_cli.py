import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitbone.engine.cli import main

ROOT = Path(__file__).parents[2]
POST_TEST = '{"pretest": 0.4, "tests": [{"name": "modified_bent_knee", "result": "positive"}]}'


def engine(*argv: str, stdin: str = "") -> tuple[int, dict | list, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, json.loads(out.getvalue()), err.getvalue()


def test_a_valid_document_on_stdin_gives_exit_0_and_one_json_document():
    code, result, _ = engine("post-test", stdin=POST_TEST)
    assert code == 0
    assert result["posttest"] == 0.872


def test_a_dash_also_means_stdin():
    assert engine("post-test", "-", stdin=POST_TEST)[0] == 0


def test_a_file_argument_is_read(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(POST_TEST, encoding="utf-8")
    assert engine("post-test", str(path))[1]["posttest"] == 0.872


@pytest.mark.parametrize(
    ("argv", "stdin", "field"),
    [
        (["score"], '{"instrument": "nprs", "answers": 11}', "answers"),
        (
            ["score"],
            '{"instrument": "lefs", "answers": [4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4]}',
            "answers",
        ),
        (["screen"], '{"answers": {"tingles": true}}', "answers.tingles"),
        (
            ["post-test"],
            '{"pretest": 1, "tests": [{"name": "bent_knee", "result": "positive"}]}',
            "pretest",
        ),
        (["score"], '{"instrument": "visa_h", "answers": {"q7": 5}}', "answers.q1"),
        (["score"], "{not json", None),
        (["score"], '{"instrument": "nprs", "answers": NaN}', None),
        (["score"], '{"instrument": "nprs", "instrument": "lefs", "answers": 1}', "instrument"),
        (["frobnicate"], "{}", "command"),
        ([], "{}", "command"),
        (["score", "a.json", "b.json"], "{}", "FILE"),
        (["score", "/no/such/file.json"], "", "FILE"),
    ],
)
def test_invalid_input_gives_exit_2_and_only_an_error_document(argv, stdin, field):
    code, result, err = engine(*argv, stdin=stdin)
    assert code == 2
    assert set(result) == {"error", "field"}
    assert result["field"] == field
    assert result["error"] in err


def test_an_error_in_a_batch_fails_the_whole_batch():
    good = json.loads(POST_TEST)
    code, result, _ = engine(
        "post-test", stdin=json.dumps([good, good, good, {"pretest": 0, "tests": []}])
    )
    assert code == 2
    assert result == {"error": result["error"], "field": "[3].pretest"}


def test_a_batch_gives_an_array_of_results():
    good = json.loads(POST_TEST)
    code, result, _ = engine("post-test", stdin=json.dumps([good, good]))
    assert code == 0
    assert [r["posttest"] for r in result] == [0.872, 0.872]


def test_help_lists_the_commands():
    out = io.StringIO()
    assert main(["--help"], stdout=out) == 0
    assert "decide" in out.getvalue()


def run_module(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "sitbone.engine", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_python_dash_m_sitbone_engine_works_as_a_command():
    done = run_module("post-test", stdin=POST_TEST)
    assert done.returncode == 0
    assert json.loads(done.stdout)["posttest"] == 0.872


def test_python_dash_m_sitbone_engine_exits_2_with_the_error_on_stdout():
    document = {
        "stage": 2,
        "baseline_morning_pain": 2,
        "sessions": [{"date": "2026-11-02", "pain_during": 11, "pain_after": 0}],
    }
    done = run_module("decide", stdin=json.dumps(document))
    assert done.returncode == 2
    assert json.loads(done.stdout) == {
        "error": "pain_during must be a whole number from 0 to 10; got 11",
        "field": "sessions[0].pain_during",
    }


def test_python_dash_m_sitbone_engine_handles_a_batch():
    done = run_module("screen", stdin='[{"answers": {}}, {"answers": {"back_pain": true}}]')
    assert done.returncode == 0
    assert [r["triage"] for r in json.loads(done.stdout)] == ["self_care_ok", "see_physio"]
