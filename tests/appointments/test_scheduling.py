"""Slot arithmetic without a database: grid, working windows, and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sitbone.appointments.scheduling import (
    Interval,
    WeeklyHours,
    ceil_to_grid,
    cells,
    free_starts,
    local_day_bounds,
    repeat_starts,
    working_intervals,
)

SYDNEY = ZoneInfo("Australia/Sydney")
LONDON = ZoneInfo("Europe/London")
EVERY_DAY_9_TO_10 = [WeeklyHours(day, time(9), time(10)) for day in range(7)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def starts_for(days: list[date], zone: ZoneInfo, minutes: int = 30) -> list[datetime]:
    return free_starts(
        intervals=working_intervals(
            days=days, hours=EVERY_DAY_9_TO_10, extra=[], leave=[], zone=zone
        ),
        duration=timedelta(minutes=minutes),
        buffer=timedelta(0),
        claimed=set(),
        earliest=utc(2000, 1, 1),
        latest=utc(2100, 1, 1),
    )


def test_nine_oclock_stays_nine_oclock_when_sydney_leaves_daylight_saving() -> None:
    # DST ends at 03:00 on the first Sunday of April 2026 (5 April): UTC+11 becomes UTC+10.
    starts = starts_for([date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)], SYDNEY)
    firsts = [s for s in starts if s.astimezone(SYDNEY).time() == time(9)]
    assert firsts == [utc(2026, 4, 3, 22), utc(2026, 4, 4, 23), utc(2026, 4, 5, 23)]
    assert [s.astimezone(SYDNEY).strftime("%a %H:%M") for s in starts[:3]] == [
        "Sat 09:00",
        "Sat 09:15",
        "Sat 09:30",
    ]
    assert len(starts) == 9  # three 30-minute starts in each one-hour window


def test_nine_oclock_stays_nine_oclock_across_both_london_changes() -> None:
    # BST starts on the last Sunday of March (29 March 2026) and ends on the last Sunday of
    # October (25 October 2026).
    spring = starts_for([date(2026, 3, 28), date(2026, 3, 29)], LONDON, minutes=60)
    autumn = starts_for([date(2026, 10, 24), date(2026, 10, 25)], LONDON, minutes=60)
    assert spring == [utc(2026, 3, 28, 9), utc(2026, 3, 29, 8)]
    assert autumn == [utc(2026, 10, 24, 8), utc(2026, 10, 25, 9)]


def test_a_window_across_the_change_is_as_long_as_it_really_is() -> None:
    night = [WeeklyHours(6, time(0), time(6))]  # Sunday 00:00–06:00 local
    sydney_fall_back = working_intervals(
        days=[date(2026, 4, 5)], hours=night, extra=[], leave=[], zone=SYDNEY
    )
    london_spring_forward = working_intervals(
        days=[date(2026, 3, 29)], hours=night, extra=[], leave=[], zone=LONDON
    )
    assert sydney_fall_back[0].end - sydney_fall_back[0].start == timedelta(hours=7)
    assert london_spring_forward[0].end - london_spring_forward[0].start == timedelta(hours=5)
    assert local_day_bounds(date(2026, 4, 5), SYDNEY).end - local_day_bounds(
        date(2026, 4, 5), SYDNEY
    ).start == timedelta(hours=25)
    assert local_day_bounds(date(2026, 3, 29), LONDON).end - local_day_bounds(
        date(2026, 3, 29), LONDON
    ).start == timedelta(hours=23)


def test_fortnightly_reviews_keep_their_local_time_across_the_change() -> None:
    first = datetime(2026, 3, 16, 9, tzinfo=LONDON).astimezone(UTC)  # GMT
    series = repeat_starts(first, every_weeks=2, count=3, zone=LONDON)
    assert [s.astimezone(LONDON).strftime("%d %b %H:%M") for s in series] == [
        "16 Mar 09:00",
        "30 Mar 09:00",
        "13 Apr 09:00",
    ]
    assert [s.hour for s in series] == [9, 8, 8]  # UTC moves, the wall clock does not


def test_leave_removes_time_and_an_extra_session_adds_it() -> None:
    day = date(2026, 6, 2)  # a Tuesday
    hours = [WeeklyHours(1, time(9), time(12))]
    leave = [Interval(utc(2026, 6, 1, 23), utc(2026, 6, 2, 0))]  # 09:00–10:00 Sydney
    extra = [Interval(utc(2026, 6, 2, 4), utc(2026, 6, 2, 5))]  # 14:00–15:00 Sydney
    windows = working_intervals(days=[day], hours=hours, extra=extra, leave=leave, zone=SYDNEY)
    assert [
        (w.start.astimezone(SYDNEY).time(), w.end.astimezone(SYDNEY).time()) for w in windows
    ] == [
        (time(10), time(12)),
        (time(14), time(15)),
    ]


def test_claimed_cells_and_the_buffer_keep_a_start_off_the_list() -> None:
    window = [Interval(utc(2026, 6, 2, 0), utc(2026, 6, 2, 2))]
    claimed = set(cells(utc(2026, 6, 2, 1), utc(2026, 6, 2, 1, 30)))
    starts = free_starts(
        intervals=window,
        duration=timedelta(minutes=30),
        buffer=timedelta(minutes=15),
        claimed=claimed,
        earliest=utc(2000, 1, 1),
        latest=utc(2100, 1, 1),
    )
    # 00:30 would need the 01:00 cell for its buffer; 01:30 is the first start after the claim.
    assert starts == [utc(2026, 6, 2, 0), utc(2026, 6, 2, 0, 15), utc(2026, 6, 2, 1, 30)]


def test_starts_are_on_the_quarter_hour_grid() -> None:
    assert ceil_to_grid(utc(2026, 6, 2, 9, 1)) == utc(2026, 6, 2, 9, 15)
    assert ceil_to_grid(utc(2026, 6, 2, 9, 15)) == utc(2026, 6, 2, 9, 15)
    assert cells(utc(2026, 6, 2, 9), utc(2026, 6, 2, 9, 45)) == [
        utc(2026, 6, 2, 9),
        utc(2026, 6, 2, 9, 15),
        utc(2026, 6, 2, 9, 30),
    ]
