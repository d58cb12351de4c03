"""VAPID keys: generated once for local runs, required whole (or not at all) elsewhere."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sitbone.push.checks import vapid_settings_check
from sitbone.push.vapid import vapid_key_pair_generate, vapid_public_key_for

REPO = Path(__file__).resolve().parents[2]


def set_vapid(settings: Any, private: str, public: str, subject: str) -> None:
    settings.SITBONE_VAPID_PRIVATE_KEY = private
    settings.SITBONE_VAPID_PUBLIC_KEY = public
    settings.SITBONE_VAPID_SUBJECT = subject


def error_ids(settings: Any) -> list[str]:
    return [message.id or "" for message in vapid_settings_check()]


def test_no_keys_at_all_is_a_valid_choice_push_is_simply_off(settings: Any) -> None:
    set_vapid(settings, "", "", "")
    assert error_ids(settings) == []


def test_a_matching_pair_and_a_mailto_subject_pass(settings: Any) -> None:
    private, public = vapid_key_pair_generate()
    set_vapid(settings, private, public, "mailto:ops@clinic.example")
    assert error_ids(settings) == []
    assert vapid_public_key_for(private) == public


@pytest.mark.parametrize(
    ("private", "public", "subject", "expected"),
    [
        ("key", "", "", "sitbone.push.E001"),
        ("", "", "mailto:ops@clinic.example", "sitbone.push.E001"),
        ("not a key!", "x", "mailto:ops@clinic.example", "sitbone.push.E002"),
        ("AAAA", "x", "mailto:ops@clinic.example", "sitbone.push.E002"),
        ("other", "pair", "mailto:ops@clinic.example", "sitbone.push.E003"),
        ("pair", "pair", "ops@clinic.example", "sitbone.push.E004"),
        ("pair", "pair", "http://clinic.example", "sitbone.push.E004"),
        ("pair", "pair", "mailto:nobody", "sitbone.push.E004"),
    ],
)
def test_a_half_made_or_mismatched_configuration_is_refused(
    settings: Any, private: str, public: str, subject: str, expected: str
) -> None:
    first, first_public = vapid_key_pair_generate()
    _, second_public = vapid_key_pair_generate()
    keys = {"pair": (first, first_public), "other": (first, second_public)}
    if private in keys:
        private, public = keys[private]
    set_vapid(settings, private, public, subject)
    assert expected in error_ids(settings)


def test_local_runs_generate_one_key_pair_into_var_and_check_accepts_it(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SITBONE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sitbone.config.settings.local",
    }
    env.pop("SITBONE_VAPID_PRIVATE_KEY", None)
    sitbone = [sys.executable, "-m", "sitbone.cli", "check", "--tag", "security"]
    subprocess.run(sitbone, env=env, cwd=REPO, check=True, capture_output=True, timeout=120)
    private = (tmp_path / "vapid_private_key").read_text()
    public = (tmp_path / "vapid_public_key").read_text()
    assert vapid_public_key_for(private) == public
    assert stat.S_IMODE((tmp_path / "vapid_private_key").stat().st_mode) == 0o600
    subprocess.run(sitbone, env=env, cwd=REPO, check=True, capture_output=True, timeout=120)
    assert (tmp_path / "vapid_private_key").read_text() == private, "kept across restarts"


def test_production_keys_come_from_a_command_that_prints_environment_lines(settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("generate_vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert set(lines) == {
        "SITBONE_VAPID_PRIVATE_KEY",
        "SITBONE_VAPID_PUBLIC_KEY",
        "SITBONE_VAPID_SUBJECT",
    }
    assert (
        vapid_public_key_for(lines["SITBONE_VAPID_PRIVATE_KEY"])
        == lines["SITBONE_VAPID_PUBLIC_KEY"]
    )
    set_vapid(
        settings,
        lines["SITBONE_VAPID_PRIVATE_KEY"],
        lines["SITBONE_VAPID_PUBLIC_KEY"],
        "mailto:ops@clinic.example",
    )
    assert error_ids(settings) == []
