"""Running a few lines in another Python process against the test database, as a second
server worker would (only what a test has committed is visible there)."""

from __future__ import annotations

import os
import subprocess
import sys

from django.db import connection

PRELUDE = """
import sys
import django
from django.conf import settings

django.setup()
settings.DATABASES["default"]["NAME"] = sys.argv[1]  # the test database, before any connection
args = sys.argv[2:]
"""


def in_another_process(code: str, *args: str) -> list[str]:
    """Run ``code`` (which reads ``args``) in a new process; the words it printed."""
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code, connection.settings_dict["NAME"], *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "sitbone.config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
