"""Translate stored history into the engine's JSON input, and the engine's answers back.

Next-morning pain for a session is the morning check dated the day after the session (both are
dates in the clinic's time zone). The baseline (B) is the first morning check at or after the start
of the current programme version — the tendon's response to the current dose — or, before any,
the last morning check before it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.patients.models import Patient
from sitbone.programmes.models import Programme

SESSIONS_CONSIDERED = 14
WEEKS_OF_MORNINGS = 4


def baseline_morning_pain(mornings: list[MorningCheck], programme_start: dt.date | None) -> int:
    ordered = sorted(mornings, key=lambda m: m.checked_on)
    if programme_start is not None:
        after = [m for m in ordered if m.checked_on >= programme_start]
        if after:
            return after[0].pain
        before = [m for m in ordered if m.checked_on < programme_start]
        if before:
            return before[-1].pain
    return ordered[0].pain if ordered else 0


def weekly_means(mornings: list[MorningCheck]) -> list[Decimal]:
    """Mean morning load-test pain per ISO week, oldest first, as exact decimals."""
    weeks: dict[tuple[int, int], list[int]] = defaultdict(list)
    for morning in mornings:
        year, week, _ = morning.checked_on.isocalendar()
        weeks[(year, week)].append(morning.pain)
    return [(Decimal(sum(p)) / len(p)).quantize(Decimal("0.01")) for _, p in sorted(weeks.items())]


def decide_input(
    *,
    patient: Patient,
    programme: Programme | None,
    sessions: list[SessionLog],
    mornings: list[MorningCheck],
    gates: dict[str, Any] | None = None,
    red_flags: list[str] | None = None,
    thresholds: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `decide` document for the engine (field names as in `sitbone engine decide`)."""
    pain_by_day = {m.checked_on: m.pain for m in mornings}
    # a session not saved yet (being logged) is the newest of its day, as it will be once saved
    recent = sorted(sessions, key=lambda s: (s.performed_on, s.pk is None, s.pk or 0))[
        -SESSIONS_CONSIDERED:
    ]
    start = programme.created_at.date() if programme is not None else None
    return {
        "stage": min(patient.stage, 4),
        "baseline_morning_pain": baseline_morning_pain(mornings, start),
        "sessions": [
            {
                "date": s.performed_on.isoformat(),
                "pain_during": s.pain_during,
                "pain_after": s.pain_after,
                "next_morning_pain": pain_by_day.get(s.performed_on + dt.timedelta(days=1)),
                "completed": s.completed,
            }
            for s in recent
        ],
        "weekly_morning_pain": weekly_means(mornings)[-WEEKS_OF_MORNINGS:],
        "gates": gates or {},
        "red_flags": red_flags or [],
        "thresholds": thresholds or {},
    }
