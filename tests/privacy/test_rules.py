"""Retention dates and breach clocks, without a database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sitbone.privacy.rules import (
    ClockState,
    RetentionRule,
    add_years,
    breach_clocks,
    is_purge_due,
    purge_due_on,
)

ADULT_RULE = RetentionRule(years_after_last_activity=7, minors_kept_until_age=25)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (dt.date(2019, 3, 11), 7, dt.date(2026, 3, 11)),
        (dt.date(2020, 2, 29), 7, dt.date(2027, 3, 1)),  # no 29 Feb: the later day
        (dt.date(2020, 2, 29), 4, dt.date(2024, 2, 29)),
        (dt.date(2019, 12, 31), 1, dt.date(2020, 12, 31)),
    ],
)
def test_adding_years_never_ends_a_period_early(
    day: dt.date, years: int, expected: dt.date
) -> None:
    assert add_years(day, years) == expected


def test_an_adults_record_is_due_seven_years_after_the_last_activity() -> None:
    due = purge_due_on(
        last_activity=dt.date(2019, 3, 11), born_on=dt.date(1980, 1, 1), rule=ADULT_RULE
    )
    assert due == dt.date(2026, 3, 11)
    assert not is_purge_due(today=dt.date(2026, 3, 10), due_on=due)
    assert is_purge_due(today=dt.date(2026, 3, 11), due_on=due)


def test_a_childs_record_is_kept_until_they_are_25_when_that_is_later() -> None:
    due = purge_due_on(
        last_activity=dt.date(2019, 3, 11), born_on=dt.date(2006, 6, 1), rule=ADULT_RULE
    )
    assert due == dt.date(2031, 6, 1)


def test_without_a_birth_date_the_adult_rule_applies() -> None:
    due = purge_due_on(last_activity=dt.date(2019, 3, 11), born_on=None, rule=ADULT_RULE)
    assert due == dt.date(2026, 3, 11)


def clocks(**changes: Any) -> dict[str, ClockState]:
    discovered = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    values: dict[str, Any] = {
        "discovered_at": discovered,
        "assessed": False,
        "assessed_at": None,
        "notifiable": "undecided",
        "schemes": (),
        "regulator_notified_at": None,
        "individuals_notified_at": None,
        "now": discovered + dt.timedelta(days=1),
    }
    values.update(changes)
    return {c.clock.id: c for c in breach_clocks(**values)}


def test_the_clocks_run_from_discovery() -> None:
    states = clocks()
    assert states["ndb-assess"].due_at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert states["gdpr-authority"].due_at == dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC)
    assert states["hipaa-individuals"].due_at == dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC)
    assert not any(s.overdue for s in states.values())


def test_an_unmet_clock_past_its_deadline_is_overdue() -> None:
    late = dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC)
    assert clocks(now=late)["gdpr-authority"].overdue


def test_a_breach_decided_not_notifiable_has_only_the_assessment_clock() -> None:
    states = clocks(
        notifiable="no", assessed=True, assessed_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    )
    assert states["ndb-assess"].applies and not states["ndb-assess"].overdue
    assert not states["gdpr-authority"].applies
    assert not states["hipaa-individuals"].applies


def test_a_notifiable_breach_keeps_only_the_clocks_of_its_schemes() -> None:
    states = clocks(notifiable="yes", schemes=("hipaa",))
    assert not states["gdpr-authority"].applies
    assert states["hipaa-individuals"].applies
