"""CI smoke of `make bench`: the whole harness on tiny data, one short iteration, SQLite only.

It checks the shape of bench/results.json, never the timings (the machine is shared).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitbone.bench.run import DESIGN_NAMES, WARM_UP_ROUNDS

# find_spec, not import: importing locust monkey-patches the standard library with gevent.
# The harness brings up its own databases, so the PostgreSQL stage of make test leaves it out.
pytestmark = [
    pytest.mark.sqlite,
    pytest.mark.skipif(
        importlib.util.find_spec("locust") is None,
        reason="the bench extra (locust) is not installed: pip install -e '.[bench]'",
    ),
]


def test_the_bench_harness_runs_end_to_end_on_tiny_data(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sitbone.bench.run",
            "--tiny",
            "--var",
            str(tmp_path / "var"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert set(report) >= {"results", "ratios", "engine", "pages_kb", "lighthouse"}
    names = {r["name"] for r in report["results"] if (r["db"], r["dataset"]) == ("sqlite", "tiny")}
    assert names == set(DESIGN_NAMES)
    for row in report["results"]:
        assert set(row) >= {"p50_ms", "p95_ms", "p99_ms", "rps", "errors", "queries"}
        assert isinstance(row["queries"], int)
    assert "sqlite" in report["ratios"]["log_session_vs_bare_insert"]
    assert report["engine"]["decisions_per_s"] > 0
    assert report["machine"]["cores"] >= 1
    assert report["machine"]["cpu"]
    assert len(report["machine"]["load_average_at_start"]) == 3
    assert set(report["pages_kb"]) == {"patient_today", "symptom_check"}
    warm = report["warm_up"]["sqlite-tiny"]  # workers said who they were; how many each page
    assert warm["workers"] == 3  # reached is in the report (the kernel picks the worker)
    assert 1 <= warm["least_served"] <= 3
    assert 1 <= warm["rounds"] <= WARM_UP_ROUNDS
    assert "db" in done.stdout and "patient_today" in done.stdout
