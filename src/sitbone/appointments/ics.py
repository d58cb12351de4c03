"""iCalendar output for appointments (feeds and reminder attachments), built with `icalendar`.

Events carry the clinic's zone as TZID with a matching VTIMEZONE, so a calendar shows 09:00 as
09:00 in the clinic's zone whatever the device's zone. UIDs are the appointment's public id, so a
moved appointment replaces the old event (SEQUENCE goes up) instead of duplicating it.
Events say no more than the reader needs: the clinician sees the patient's first name and the
appointment type; the patient sees the type and the clinic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from icalendar.enums import STATUS

from sitbone.appointments.models import Appointment, AppointmentStatus

PRODID = "-//Sitbone//Appointments//EN"


def event_uid(appointment: Appointment) -> str:
    return f"{appointment.public_id}@sitbone"


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else "Patient"


def appointment_event(
    appointment: Appointment, *, audience: Literal["clinician", "patient"]
) -> Event:
    zone = ZoneInfo(appointment.clinic.time_zone)
    kind = appointment.appointment_type
    if audience == "clinician":
        summary = f"{first_name(appointment.patient.full_name)} — {kind.name}"
    else:
        summary = f"{kind.name} — {appointment.clinic.name}"
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    return Event.new(
        uid=event_uid(appointment),
        start=appointment.starts_at.astimezone(zone),
        end=appointment.ends_at.astimezone(zone),
        summary=f"Cancelled: {summary}" if cancelled else summary,
        location="Telehealth" if kind.is_telehealth else appointment.clinic.name,
        sequence=appointment.sequence,
        stamp=appointment.updated_at,
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
    )


def appointments_ics(
    appointments: Iterable[Appointment],
    *,
    audience: Literal["clinician", "patient"],
    name: str,
    uid: str | None = None,
) -> bytes:
    calendar = Calendar.new(prodid=PRODID, name=name, uid=uid or "sitbone-appointments")
    days: list[date] = []
    for appointment in appointments:
        calendar.add_component(appointment_event(appointment, audience=audience))
        days.append(appointment.starts_at.date())
    if days:
        # Zone rules only for the span the events need, so the file stays small.
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=1), last_date=max(days) + timedelta(days=2)
        )
    result: bytes = calendar.to_ical()
    return result
