"""Free slots as booking pages see them: working hours, leave, policy limits and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from sitbone.appointments.models import AvailabilityException, BookingPolicy
from sitbone.appointments.selectors import bookable_slots, rules_for_public, rules_for_staff
from tests.appointments.factories import book, kind, local, working_hours
from tests.conftest import World

SYDNEY = ZoneInfo("Australia/Sydney")


def slots(world: World, first_day: date, days: int = 1, **kwargs: Any) -> list[Any]:
    rules = kwargs.pop("rules", None) or rules_for_public(world.clinic)
    return [
        slot
        for day in bookable_slots(
            actor=world.patient_user,
            clinic=world.clinic,
            kind=kwargs.pop("kind", None) or kind(world.clinic),
            first_day=first_day,
            days=days,
            rules=rules,
            **kwargs,
        )
        for slot in day.slots
    ]


def local_times(found: list[Any]) -> list[str]:
    return [s.starts_at.astimezone(SYDNEY).strftime("%a %H:%M") for s in found]


def test_the_sydney_clinic_offers_nine_oclock_on_both_sides_of_the_april_change(
    world: World,
) -> None:
    working_hours(world.clinic, world.clinician, start=time(9), end=time(10))
    with time_machine.travel(datetime(2026, 4, 1, tzinfo=UTC), tick=False):
        found = slots(world, date(2026, 4, 4), days=3)
    nine = [s.starts_at for s in found if s.starts_at.astimezone(SYDNEY).time() == time(9)]
    assert nine == [
        datetime(2026, 4, 3, 22, tzinfo=UTC),
        datetime(2026, 4, 4, 23, tzinfo=UTC),
        datetime(2026, 4, 5, 23, tzinfo=UTC),
    ]


def test_a_booked_time_and_its_overlaps_disappear_from_the_list(hours: World, frozen: Any) -> None:
    day = date(2026, 6, 3)
    book(hours, starts_at=local(hours.clinic, day, time(10)))  # review 10:00–10:30
    times = local_times(slots(hours, day, kind=kind(hours.clinic, "initial_assessment")))
    assert "Wed 09:15" in times  # 09:15–10:00 ends as the review starts
    assert "Wed 09:30" not in times  # 45 minutes would run into the review
    assert "Wed 10:00" not in times
    assert "Wed 10:15" not in times
    assert "Wed 10:30" in times


def test_the_buffer_keeps_time_free_after_each_appointment(hours: World, frozen: Any) -> None:
    BookingPolicy.objects.filter(clinic=hours.clinic).update(buffer_minutes=15)
    day = date(2026, 6, 3)
    book(hours, starts_at=local(hours.clinic, day, time(10)))
    times = local_times(slots(hours, day))
    assert "Wed 10:30" not in times
    assert "Wed 10:45" in times
    assert "Wed 09:30" not in times  # its own buffer (10:00–10:15) would overlap the review
    assert "Wed 09:15" in times  # 09:15–09:45, buffer to 10:00


def test_leave_and_extra_sessions_change_the_day(hours: World, frozen: Any) -> None:
    day = date(2026, 6, 3)
    AvailabilityException.objects.create(
        clinic=hours.clinic,
        clinician=hours.clinician,
        kind="leave",
        starts_at=local(hours.clinic, day, time(0)),
        ends_at=local(hours.clinic, day + timedelta(days=1), time(0)),
    )
    AvailabilityException.objects.create(
        clinic=hours.clinic,
        clinician=hours.clinician,
        kind="extra",
        starts_at=local(hours.clinic, day, time(18)),
        ends_at=local(hours.clinic, day, time(19)),
    )
    assert local_times(slots(hours, day)) == ["Wed 18:00", "Wed 18:15", "Wed 18:30"]


def test_patients_cannot_book_inside_the_notice_or_beyond_the_horizon(
    hours: World, frozen: Any
) -> None:
    # Now is 10:00 in Sydney on Monday 1 June; the notice is 2 hours, the horizon 60 days.
    today = slots(hours, date(2026, 6, 1))
    assert local_times(today)[0] == "Mon 12:00"
    assert slots(hours, date(2026, 7, 31)) != []
    assert slots(hours, date(2026, 8, 1)) == []
    staff_rules = rules_for_staff()
    assert local_times(slots(hours, date(2026, 6, 1), rules=staff_rules))[0] == "Mon 10:00"
    assert slots(hours, date(2026, 8, 1), rules=staff_rules) != []


def test_each_time_is_offered_once_with_the_patients_own_physio_first(
    hours: World, frozen: Any
) -> None:
    working_hours(hours.clinic, hours.unassigned_clinician)
    day = date(2026, 6, 3)
    mine = slots(hours, day, prefer=[hours.clinician.pk])
    assert {s.clinician_pk for s in mine} == {hours.clinician.pk}
    every = slots(hours, day, one_per_time=False)
    assert len(every) == 2 * len(mine)


def test_a_clinic_without_working_hours_offers_nothing(world: World, frozen: Any) -> None:
    assert slots(world, date(2026, 6, 3), days=14) == []
