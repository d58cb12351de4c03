"""Small builders for appointment tests (and the access matrix's URL parameters)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.conftest import World


def kind(clinic: Any, code: str = "review") -> Any:
    from sitbone.appointments.models import AppointmentType

    return AppointmentType.objects.get(clinic=clinic, code=code)


def working_hours(
    clinic: Any,
    clinician: Any,
    *,
    start: time = time(9),
    end: time = time(17),
    weekdays: range | list[int] = range(7),
) -> None:
    from sitbone.appointments.models import WorkingHours

    for weekday in weekdays:
        WorkingHours.objects.create(
            clinic=clinic, clinician=clinician, weekday=weekday, start_time=start, end_time=end
        )


def local(clinic: Any, day: date, at: time) -> datetime:
    """A clinic-local wall-clock time as an aware UTC datetime."""
    from datetime import UTC

    return datetime.combine(day, at, tzinfo=ZoneInfo(clinic.time_zone)).astimezone(UTC)


def clinic_day(clinic: Any, days_ahead: int) -> date:
    from sitbone.appointments.selectors import clinic_today

    return clinic_today(clinic) + timedelta(days=days_ahead)


def book(
    world: World,
    *,
    starts_at: datetime | None = None,
    patient: Any = None,
    clinician: Any = None,
    code: str = "review",
    source: str = "staff",
) -> Any:
    """Book through the service with staff rules (working hours must cover the time)."""
    from sitbone.appointments.selectors import rules_for_staff
    from sitbone.appointments.services import appointment_book

    clinic = world.clinic
    return appointment_book(
        actor=world.admin,
        clinic=clinic,
        patient=patient or world.patient,
        clinician=clinician or world.clinician,
        kind=kind(clinic, code),
        starts_at=starts_at or local(clinic, clinic_day(clinic, 3), time(10)),
        source=source,
        rules=rules_for_staff(),
    )


def matrix_params(world: World) -> dict[str, str]:
    """URL parameters for the appointment routes: an appointment of `world.patient` with the
    assigned clinician, that clinician, a type and the clinic of the world."""
    from sitbone.appointments.models import Appointment

    appointment = Appointment.objects.filter(patient=world.patient).first()
    if appointment is None:
        working_hours(world.clinic, world.clinician)
        appointment = book(world)
    return {
        "appointment_id": str(appointment.public_id),
        "clinician_id": str(world.clinician.public_id),
        "type_id": str(kind(world.clinic).public_id),
        "clinic_id": str(world.clinic.public_id),
    }


def admin_row(world: World, pattern: str) -> Any:
    """A row of the world's clinic for the clinic admin's appointment pages."""
    from sitbone.appointments.models import Appointment, ReminderDelivery

    appointment = Appointment.objects.filter(patient=world.patient).first() or book(world)
    if "appointmenttype/" in pattern:
        return appointment.appointment_type
    if "reminderdelivery/" in pattern:
        return ReminderDelivery.objects.get_or_create(
            appointment=appointment, kind="email_24h", defaults={"status": "sent"}
        )[0]
    return appointment
