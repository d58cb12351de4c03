"""Slot arithmetic: pure functions over aware datetimes, no database.

Working hours are wall-clock times in the clinic's IANA zone. Each day's window is turned into
real (UTC) instants with zoneinfo for that date, so 09:00 stays 09:00 on both sides of a
daylight-saving change, and a window that spans the change is as long as it really is.
Candidate starts step through the 15-minute claim grid (aligned to UTC; every zone in use today
has an offset that is a whole number of quarter hours).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CELL_MINUTES = 15
"""The claim grid. Durations, buffers and start times are whole multiples of it."""

CELL = timedelta(minutes=CELL_MINUTES)


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int
    start: time
    end: time


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a date in a zone."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local_day_bounds(day: date, zone: ZoneInfo) -> Interval:
    """From local midnight to the next local midnight (23 or 25 hours on change days)."""
    return Interval(
        local_instant(day, time(0), zone), local_instant(day + timedelta(days=1), time(0), zone)
    )


def is_on_grid(moment: datetime) -> bool:
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % CELL_MINUTES == 0


def ceil_to_grid(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    floored = moment.replace(minute=moment.minute - moment.minute % CELL_MINUTES, second=0)
    floored = floored.replace(microsecond=0)
    return floored if floored == moment else floored + CELL


def cells(start: datetime, end: datetime) -> list[datetime]:
    """The grid cells covering [start, end); start must be on the grid."""
    out = []
    cursor = start.astimezone(UTC)
    while cursor < end:
        out.append(cursor)
        cursor += CELL
    return out


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for item in sorted(intervals):
        if merged and item.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, item.end))
        else:
            merged.append(item)
    return merged


def subtract(intervals: Sequence[Interval], holes: Sequence[Interval]) -> list[Interval]:
    out = list(intervals)
    for hole in holes:
        next_out = []
        for part in out:
            if hole.end <= part.start or hole.start >= part.end:
                next_out.append(part)
                continue
            if part.start < hole.start:
                next_out.append(Interval(part.start, hole.start))
            if hole.end < part.end:
                next_out.append(Interval(hole.end, part.end))
        out = next_out
    return out


def working_intervals(
    *,
    days: Iterable[date],
    hours: Sequence[WeeklyHours],
    extra: Sequence[Interval],
    leave: Sequence[Interval],
    zone: ZoneInfo,
) -> list[Interval]:
    """When a clinician works on the given local days: weekly hours minus leave, plus extra
    sessions (an extra session booked on a day of leave is deliberate, so it wins)."""
    day_list = list(days)
    weekly = [
        Interval(local_instant(day, block.start, zone), local_instant(day, block.end, zone))
        for day in day_list
        for block in hours
        if block.weekday == day.weekday()
    ]
    windows = subtract(merge(w for w in weekly if w.start < w.end), merge(leave))
    if day_list:
        span = Interval(
            local_day_bounds(min(day_list), zone).start, local_day_bounds(max(day_list), zone).end
        )
        windows += [
            Interval(max(e.start, span.start), min(e.end, span.end))
            for e in extra
            if e.end > span.start and e.start < span.end
        ]
    return merge(windows)


def free_starts(
    *,
    intervals: Sequence[Interval],
    duration: timedelta,
    buffer: timedelta,
    claimed: set[datetime],
    earliest: datetime,
    latest: datetime,
) -> list[datetime]:
    """Starts on the grid where the appointment fits in working time and its cells (with the
    trailing buffer) are all unclaimed. The buffer may run past the end of working time."""
    out = []
    for window in intervals:
        cursor = ceil_to_grid(max(window.start, earliest))
        while cursor + duration <= window.end and cursor <= latest:
            if not any(cell in claimed for cell in cells(cursor, cursor + duration + buffer)):
                out.append(cursor)
            cursor += CELL
    return out


def repeat_starts(
    first: datetime, *, every_weeks: int, count: int, zone: ZoneInfo
) -> list[datetime]:
    """A recurring series at the same local wall-clock time (09:00 stays 09:00 across DST)."""
    local = first.astimezone(zone)
    return [
        datetime.combine(
            local.date() + timedelta(weeks=every_weeks * i), local.time(), zone
        ).astimezone(UTC)
        for i in range(count)
    ]
