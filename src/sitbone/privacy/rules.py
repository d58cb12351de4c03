"""Privacy arithmetic, free of the database: when a record may be purged, and the clocks that run
once a clinic learns of a data breach.

Retention: health-records law keeps a record for a number of years after the last service, and a
child's record at least until they reach an age (NSW Health Records and Information Privacy Act
2002, s 25: 7 years for adults, until 25 for minors; APP 11.2 then asks that information no
longer needed be destroyed or de-identified). A period ending on 29 February of a year without
one ends on 1 March: the later day, so a record is never purged early.

Breach clocks: Australia's Notifiable Data Breaches scheme asks that a suspected breach be
assessed within 30 days (Privacy Act 1988 s 26WH); GDPR Art. 33 asks that the authority be told
within 72 hours; HIPAA 45 CFR 164.404 asks that individuals be told no later than 60 days after
discovery.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 1 March when needed."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True)
class RetentionRule:
    years_after_last_activity: int
    minors_kept_until_age: int


def purge_due_on(
    *, last_activity: dt.date, born_on: dt.date | None, rule: RetentionRule
) -> dt.date:
    """The first day (clinic-local) on which the record may be purged.

    Without a birth date the adult rule applies: clinics record birth dates for children.
    """
    due = add_years(last_activity, rule.years_after_last_activity)
    if born_on is not None:
        due = max(due, add_years(born_on, rule.minors_kept_until_age))
    return due


def is_purge_due(*, today: dt.date, due_on: dt.date) -> bool:
    return today >= due_on


@dataclass(frozen=True)
class Clock:
    """A deadline counted from the moment the clinic became aware of a breach."""

    id: str
    label: str
    after: dt.timedelta


BREACH_CLOCKS = (
    Clock(
        "ndb-assess",
        "Australia (NDB): finish assessing a suspected breach",
        dt.timedelta(days=30),
    ),
    Clock(
        "gdpr-authority",
        "EU or UK GDPR: tell the data protection authority",
        dt.timedelta(hours=72),
    ),
    Clock(
        "hipaa-individuals",
        "US HIPAA: tell the people affected, at the latest",
        dt.timedelta(days=60),
    ),
)


@dataclass(frozen=True)
class ClockState:
    clock: Clock
    due_at: dt.datetime
    met_at: dt.datetime | None
    applies: bool
    overdue: bool


def breach_clocks(
    *,
    discovered_at: dt.datetime,
    assessed: bool,
    assessed_at: dt.datetime | None,
    notifiable: str,
    schemes: tuple[str, ...],
    regulator_notified_at: dt.datetime | None,
    individuals_notified_at: dt.datetime | None,
    now: dt.datetime,
) -> list[ClockState]:
    """Each clock with its deadline, whether it applies, when it was met and whether it is late.

    The assessment clock always applies; a notification clock applies unless the breach was
    decided not notifiable or is notifiable only under other schemes.
    """
    met = {
        "ndb-assess": assessed_at if assessed else None,
        "gdpr-authority": regulator_notified_at,
        "hipaa-individuals": individuals_notified_at,
    }
    scheme_of = {"gdpr-authority": "gdpr", "hipaa-individuals": "hipaa"}
    states = []
    for clock in BREACH_CLOCKS:
        scheme = scheme_of.get(clock.id)
        applies = scheme is None or (
            notifiable != "no" and (notifiable == "undecided" or scheme in schemes)
        )
        due_at = discovered_at + clock.after
        met_at = met[clock.id]
        overdue = applies and (met_at > due_at if met_at is not None else now > due_at)
        states.append(ClockState(clock, due_at, met_at, applies, overdue))
    return states
