"""Helpers shared by the engine tests (no Django anywhere here)."""

from __future__ import annotations

import datetime as dt

from sitbone.engine import Session

DAY_ONE = dt.date(2026, 11, 2)


def session(
    day: int = 0,
    during: int = 2,
    after: int = 2,
    morning: int | None = 2,
    *,
    completed: bool = True,
) -> Session:
    """A session ``day`` days after 2 November 2026."""
    return Session(DAY_ONE + dt.timedelta(days=day), during, after, morning, completed)
