"""The static-check stages of `make test` catch what they claim to (issue 9, item 10)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

BAD_PYTHON = """
from django.db import connection
from django.utils.safestring import mark_safe


def view(name, qs):
    qs.raw(f"select * from x where name = '{name}'")
    qs.extra(where=["name = %s" % name])
    with connection.cursor() as cursor:
        cursor.execute("select %s" % name)
        cursor.execute("select %s", [name])
    fine = mark_safe("<b>a literal</b>")
    return mark_safe(name), fine
"""


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists() and shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")
    return str(path if path.exists() else shutil.which(name))


def test_semgrep_rules_flag_each_banned_pattern_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD_PYTHON)
    (tmp_path / "page.html").write_text("<p>{{ note|safe }}</p>\n")
    (tmp_path / "mail.txt").write_text("{% autoescape off %}Hello{% endautoescape %}\n")
    result = subprocess.run(
        [
            tool("semgrep"),
            "scan",
            "--config",
            str(ROOT / "scripts/semgrep"),
            "--metrics=off",
            "--disable-version-check",
            "--json",
            "-q",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = sorted(
        (r["check_id"].rsplit(".", 1)[-1], Path(r["path"]).name, r["start"]["line"])
        for r in json.loads(result.stdout)["results"]
    )
    assert found == [
        ("sitbone-mark-safe-non-literal", "bad.py", 13),
        ("sitbone-raw-sql-formatted", "bad.py", 7),
        ("sitbone-raw-sql-formatted", "bad.py", 8),
        ("sitbone-raw-sql-formatted", "bad.py", 10),
        ("sitbone-template-safe-filter", "page.html", 1),
    ]


def test_bandit_fails_on_an_unjustified_medium_finding(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD_PYTHON)
    command = [
        tool("bandit"),
        "-c",
        str(ROOT / "pyproject.toml"),
        "-q",
        "--severity-level",
        "medium",
        "-r",
    ]
    bad = subprocess.run([*command, str(tmp_path)], capture_output=True, check=False)
    assert bad.returncode == 1
    assert b"B308" in bad.stdout or b"B703" in bad.stdout
