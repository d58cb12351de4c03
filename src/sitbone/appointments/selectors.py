"""Reads for appointments. Each public function takes the acting user and scopes through the
access module; slot arithmetic itself lives in `scheduling` and shows no patient data."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from sitbone.appointments import scheduling
from sitbone.appointments.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    AvailabilityException,
    BookingPolicy,
    CalendarFeed,
    ExceptionKind,
    SlotClaim,
    WorkingHours,
)
from sitbone.appointments.scheduling import Interval, WeeklyHours
from sitbone.clinics.access import (
    AccessDenied,
    clinic_record_for_staff,
    own_patient_record,
    patients_visible_to,
    record_for_link_secret,
    record_for_own_patient,
    require_staff,
    staff_context,
)
from sitbone.clinics.models import AuditCategory, AuditEvent, Clinic, clinic_today
from sitbone.clinics.services import audit_record
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Approval, Decision, Zone

if TYPE_CHECKING:
    from sitbone.accounts.models import User

STAFF_BOOKING_HORIZON = timedelta(days=366)
"""Staff may book further ahead than patients (recurring reviews run for months)."""


# --- Rules and building blocks (no patient data) ---------------------------------------------


@dataclass(frozen=True)
class BookingRules:
    """The earliest and latest start a booker may choose."""

    earliest: datetime
    latest: datetime


def clinic_zone(clinic: Clinic) -> ZoneInfo:
    return ZoneInfo(clinic.time_zone)


def policy_for(clinic: Clinic) -> BookingPolicy:
    """The clinic's policy as saved now (never a cached copy); the defaults if none was saved."""
    return BookingPolicy.objects.filter(clinic=clinic).first() or BookingPolicy(clinic=clinic)


def rules_for_public(clinic: Clinic, *, now: datetime | None = None) -> BookingRules:
    """Patients and newcomers: not sooner than the notice, not beyond the clinic's horizon."""
    now = now or timezone.now()
    policy = policy_for(clinic)
    last_day = clinic_today(clinic, now=now) + timedelta(days=policy.max_days_ahead)
    return BookingRules(
        earliest=now + timedelta(hours=policy.min_notice_hours),
        latest=scheduling.local_day_bounds(last_day, clinic_zone(clinic)).end,
    )


def rules_for_staff(*, now: datetime | None = None) -> BookingRules:
    now = now or timezone.now()
    return BookingRules(earliest=now, latest=now + STAFF_BOOKING_HORIZON)


def free_starts_for(
    *,
    clinic: Clinic,
    clinician_ids: Sequence[int],
    kind: AppointmentType,
    first_day: date,
    days: int,
    rules: BookingRules,
    ignore_appointment: Appointment | None = None,
) -> dict[int, list[datetime]]:
    """Free starts per clinician over `days` local days, in four queries whatever the range."""
    zone = clinic_zone(clinic)
    day_list = [first_day + timedelta(days=offset) for offset in range(days)]
    span = Interval(
        scheduling.local_day_bounds(day_list[0], zone).start,
        scheduling.local_day_bounds(day_list[-1], zone).end,
    )
    buffer = timedelta(minutes=policy_for(clinic).buffer_minutes)
    duration = timedelta(minutes=kind.duration_minutes)

    hours: dict[int, list[WeeklyHours]] = defaultdict(list)
    for row in WorkingHours.objects.filter(clinic=clinic, clinician_id__in=clinician_ids):
        hours[row.clinician_id].append(WeeklyHours(row.weekday, row.start_time, row.end_time))
    extra: dict[int, list[Interval]] = defaultdict(list)
    leave: dict[int, list[Interval]] = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        clinic=clinic,
        clinician_id__in=clinician_ids,
        starts_at__lt=span.end,
        ends_at__gt=span.start,
    ):
        target = extra if exception.kind == ExceptionKind.EXTRA else leave
        target[exception.clinician_id].append(Interval(exception.starts_at, exception.ends_at))
    claims = SlotClaim.objects.filter(
        clinician_id__in=clinician_ids,
        cell_start__gte=span.start,
        cell_start__lt=span.end + duration + buffer,
    )
    if ignore_appointment is not None:
        claims = claims.exclude(appointment=ignore_appointment)
    claimed: dict[int, set[datetime]] = defaultdict(set)
    for clinician_id, cell_start in claims.values_list("clinician_id", "cell_start"):
        claimed[clinician_id].add(cell_start.astimezone(UTC))

    return {
        clinician_id: scheduling.free_starts(
            intervals=scheduling.working_intervals(
                days=day_list,
                hours=hours[clinician_id],
                extra=extra[clinician_id],
                leave=leave[clinician_id],
                zone=zone,
            ),
            duration=duration,
            buffer=buffer,
            claimed=claimed[clinician_id],
            earliest=rules.earliest,
            latest=rules.latest,
        )
        for clinician_id in clinician_ids
    }


# --- Slots as the booking pages show them ----------------------------------------------------


@dataclass(frozen=True)
class Slot:
    clinician_pk: int
    clinician_public_id: uuid.UUID
    clinician_name: str
    starts_at: datetime
    ends_at: datetime

    @property
    def token(self) -> str:
        return slot_token(self.clinician_public_id, self.starts_at)


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list[Slot]


def slot_token(clinician_public_id: uuid.UUID, starts_at: datetime) -> str:
    """How a form names a slot: the clinician's public id and the UTC start."""
    return f"{clinician_public_id.hex}-{starts_at.astimezone(UTC):%Y%m%d%H%M}"


def parse_slot_token(value: str) -> tuple[uuid.UUID, datetime] | None:
    """The clinician and start a slot token names; None for anything else, including a start
    outside this century, which no page offers (and which local-day arithmetic cannot hold)."""
    try:
        hex_id, stamp = value.split("-")
        starts_at = datetime.strptime(stamp + "+0000", "%Y%m%d%H%M%z")
        clinician = uuid.UUID(hex=hex_id)
    except ValueError:
        return None
    return (clinician, starts_at) if 2000 <= starts_at.year < 2100 else None


def bookable_clinicians(*, actor: Any, clinic: Clinic) -> list[User]:
    """Everyone on the clinic's staff (only those with working time ever show free slots)."""
    from sitbone.accounts.models import User

    return list(
        User.objects.filter(memberships__clinic=clinic, is_active=True).order_by("full_name")
    )


def clinician_in_clinic(*, actor: Any, clinic: Clinic, public_id: uuid.UUID) -> User | None:
    from sitbone.accounts.models import User

    return User.objects.filter(
        public_id=public_id, memberships__clinic=clinic, is_active=True
    ).first()


def bookable_slots(
    *,
    actor: Any,
    clinic: Clinic,
    kind: AppointmentType,
    first_day: date,
    days: int,
    rules: BookingRules,
    clinicians: Sequence[User] | None = None,
    prefer: Iterable[int] = (),
    one_per_time: bool = True,
    ignore_appointment: Appointment | None = None,
) -> list[SlotDay]:
    """Free slots grouped by local day. With `one_per_time`, each start is offered once, with a
    preferred clinician (e.g. the patient's own physio) when several are free."""
    staff = (
        list(clinicians)
        if clinicians is not None
        else bookable_clinicians(actor=actor, clinic=clinic)
    )
    by_pk = {user.pk: user for user in staff}
    free = free_starts_for(
        clinic=clinic,
        clinician_ids=list(by_pk),
        kind=kind,
        first_day=first_day,
        days=days,
        rules=rules,
        ignore_appointment=ignore_appointment,
    )
    preferred = set(prefer)
    order = sorted(by_pk, key=lambda pk: (pk not in preferred, by_pk[pk].full_name, pk))
    duration = timedelta(minutes=kind.duration_minutes)
    chosen: dict[tuple[datetime, int], Slot] = {}
    for pk in order:
        for start in free[pk]:
            key = (start, 0 if one_per_time else pk)
            if key not in chosen:
                user = by_pk[pk]
                chosen[key] = Slot(pk, user.public_id, user.full_name, start, start + duration)
    zone = clinic_zone(clinic)
    grouped: dict[date, list[Slot]] = defaultdict(list)
    for slot in sorted(chosen.values(), key=lambda s: (s.starts_at, s.clinician_name)):
        grouped[slot.starts_at.astimezone(zone).date()].append(slot)
    return [SlotDay(day, grouped[day]) for day in sorted(grouped)]


def appointment_types_for(*, actor: Any, clinic: Clinic, audience: str) -> list[AppointmentType]:
    """Active types a booker may choose: `newcomer`, `patient` or `staff`."""
    types = AppointmentType.objects.filter(clinic=clinic, is_active=True)
    if audience == "newcomer":
        types = types.filter(for_newcomers=True)
    elif audience == "patient":
        types = types.filter(patient_bookable=True)
    return list(types.order_by("order", "name"))


def appointment_types_all(*, actor: User) -> list[AppointmentType]:
    staff = require_staff(actor, admin=True)
    return list(AppointmentType.objects.filter(clinic=staff.clinic).order_by("order", "name"))


def appointment_type_for_admin(*, actor: User, public_id: uuid.UUID) -> AppointmentType:
    staff = require_staff(actor, admin=True)
    kind = AppointmentType.objects.filter(clinic=staff.clinic, public_id=public_id).first()
    if kind is None:
        raise AccessDenied
    return kind


# --- Appointments as people see them ---------------------------------------------------------


def _with_related(queryset: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return queryset.select_related("clinic", "patient", "clinician", "appointment_type")


def appointments_for_patient(
    *, actor: Any, patient: Patient, now: datetime | None = None
) -> tuple[list[Appointment], list[Appointment]]:
    """(upcoming booked, past or cancelled — latest first) for the actor's own record."""
    own = own_patient_record(actor)
    if own is None or own.pk != patient.pk:
        raise AccessDenied
    now = now or timezone.now()
    rows = list(_with_related(Appointment.objects.filter(patient=patient)))
    upcoming = [a for a in rows if a.status == AppointmentStatus.BOOKED and a.ends_at > now]
    upcoming_ids = {a.pk for a in upcoming}
    past = [a for a in rows if a.pk not in upcoming_ids]
    past.sort(key=lambda a: a.starts_at, reverse=True)
    return upcoming, past[:20]


def appointment_for_actor(
    *, actor: Any, public_id: object, request: HttpRequest, what: str
) -> tuple[Appointment, bool]:
    """An appointment the actor may open, and whether they open it as staff (audited)."""
    queryset = _with_related(Appointment.objects.all())
    if staff_context(actor) is not None:
        record = clinic_record_for_staff(
            actor=actor, queryset=queryset, public_id=public_id, request=request, what=what
        )
        return record, True
    return (
        record_for_own_patient(
            actor=actor, queryset=queryset, public_id=public_id, request=request, what=what
        ),
        False,
    )


def _upcoming_booked(*, actor: User) -> QuerySet[Appointment]:
    """Booked appointments still to come that the actor may see, soonest first (the
    patient-and-time index finds a patient's); ties go to the older booking."""
    return (
        Appointment.objects.filter(status=AppointmentStatus.BOOKED, starts_at__gte=timezone.now())
        .filter(patient__in=patients_visible_to(actor).values("pk"))
        .order_by("starts_at", "id")
    )


def next_booked_start(*, now: datetime) -> Subquery:
    """When the outer query's patient's next booked appointment starts, as a subquery on its
    ``pk`` (for the triage list, which reads it with each row of a caseload of hundreds).

    Soonest first, as `next_appointment` orders them. The outer query chooses the patients, so
    this adds no visibility rule of its own: triage asks only of the actor's caseload, and its
    nightly refresh of each clinic's own patients.
    """
    upcoming = Appointment.objects.filter(
        patient=OuterRef("pk"), status=AppointmentStatus.BOOKED, starts_at__gte=now
    ).order_by("starts_at", "id")
    return Subquery(upcoming.values("starts_at")[:1])


def next_appointment(*, actor: User, patient: Patient) -> Appointment | None:
    """The patient's next booked appointment with its clinician (for the patient workspace)."""
    return (
        _upcoming_booked(actor=actor)
        .filter(patient=patient)
        .select_related("clinician", "appointment_type")
        .first()
    )


def booking_suggestion(*, actor: Any, patient: Patient, now: datetime | None = None) -> str | None:
    """Why this patient should book a review now, in plain words; None when there is no reason
    or they already have an appointment coming up.

    Reasons, most pressing first: a red week (two or more red days in the last 7 days), an
    approved change of stage in the last 14 days, the VISA-H questionnaire not done for 28 days.
    """
    if not patients_visible_to(actor).filter(pk=patient.pk).exists():
        raise AccessDenied
    now = now or timezone.now()
    if Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=now
    ).exists():
        return None
    today = clinic_today(patient.clinic, now=now)
    decisions = Decision.objects.filter(patient=patient)
    red_days = decisions.filter(zone=Zone.RED, made_on__gt=today - timedelta(days=7)).count()
    if red_days >= 2:
        return (
            f"You had {red_days} red days this week. Book a review so your physio can "
            "adjust your plan."
        )
    fortnight = now - timedelta(days=14)
    stage_change = (
        decisions.filter(approval=Approval.APPROVED)
        .exclude(stage_change="stay")
        .filter(
            Q(reviewed_at__gte=fortnight)
            | Q(reviewed_at__isnull=True, made_on__gt=today - timedelta(days=14))
        )
        .order_by("-made_on", "-id")
        .first()
    )
    if stage_change is not None:
        return (
            f"Your physio moved you to stage {stage_change.stage_to}. Book a review to go "
            "through your new exercises."
        )
    visa_recent = MeasureResult.objects.filter(
        patient=patient, instrument="visa_h", taken_on__gt=today - timedelta(days=28)
    ).exists()
    if not visa_recent:
        return "Your VISA-H questionnaire is due. Book a review to go through your progress."
    return None


# --- The clinician's diary and availability --------------------------------------------------


@dataclass(frozen=True)
class DiaryDay:
    day: date
    appointments: list[Appointment]
    working: list[tuple[time, time]]
    """Working time that day, as local wall-clock times (after leave and extras)."""


def diary(*, actor: User, clinician: User, first_day: date, days: int) -> list[DiaryDay]:
    """A clinician's appointments (booked and cancelled) and working time, day by day."""
    staff = require_staff(actor)
    clinic = staff.clinic
    zone = clinic_zone(clinic)
    day_list = [first_day + timedelta(days=offset) for offset in range(days)]
    span_start = scheduling.local_day_bounds(day_list[0], zone).start
    span_end = scheduling.local_day_bounds(day_list[-1], zone).end
    rows = _with_related(
        Appointment.objects.filter(
            clinic=clinic, clinician=clinician, starts_at__gte=span_start, starts_at__lt=span_end
        )
    )
    by_day: dict[date, list[Appointment]] = defaultdict(list)
    for row in rows:
        by_day[row.starts_at.astimezone(zone).date()].append(row)
    hours = [
        WeeklyHours(h.weekday, h.start_time, h.end_time)
        for h in WorkingHours.objects.filter(clinic=clinic, clinician=clinician)
    ]
    exceptions = list(
        AvailabilityException.objects.filter(
            clinic=clinic, clinician=clinician, starts_at__lt=span_end, ends_at__gt=span_start
        )
    )
    out = []
    for day in day_list:
        intervals = scheduling.working_intervals(
            days=[day],
            hours=hours,
            extra=[Interval(e.starts_at, e.ends_at) for e in exceptions if e.kind == "extra"],
            leave=[Interval(e.starts_at, e.ends_at) for e in exceptions if e.kind == "leave"],
            zone=zone,
        )
        working = [
            (i.start.astimezone(zone).time(), i.end.astimezone(zone).time()) for i in intervals
        ]
        out.append(DiaryDay(day, by_day[day], working))
    return out


@dataclass(frozen=True)
class Availability:
    hours: list[WorkingHours]
    exceptions: list[AvailabilityException]


def availability_for(*, actor: User, clinician: User) -> Availability:
    """Weekly hours and the exceptions that have not yet ended."""
    staff = require_staff(actor)
    return Availability(
        hours=list(WorkingHours.objects.filter(clinic=staff.clinic, clinician=clinician)),
        exceptions=list(
            AvailabilityException.objects.filter(
                clinic=staff.clinic, clinician=clinician, ends_at__gt=timezone.now()
            ).order_by("starts_at")
        ),
    )


def staff_for_availability(*, actor: User) -> list[User]:
    staff = require_staff(actor, admin=True)
    return bookable_clinicians(actor=actor, clinic=staff.clinic)


def patients_for_booking(*, actor: User) -> QuerySet[Patient]:
    """Every patient of the actor's clinic, by name (staff book for anyone in their clinic)."""
    require_staff(actor)
    return patients_visible_to(actor).filter(discharged_on__isnull=True).order_by("full_name")


# --- Calendar feeds --------------------------------------------------------------------------


def calendar_feed_live(
    *, actor: Any, clinician: User | None = None, patient: Patient | None = None
) -> CalendarFeed | None:
    feeds = CalendarFeed.objects.filter(revoked_at__isnull=True)
    if clinician is not None:
        return feeds.filter(clinician=clinician).first()
    return feeds.filter(patient=patient).first()


@dataclass(frozen=True)
class FeedContent:
    feed: CalendarFeed
    appointments: list[Appointment]
    audience: str
    name: str


def feed_content(*, actor: Any, token: str, request: HttpRequest) -> FeedContent:
    """What a secret feed address shows: 30 days back to a year ahead (each fetch audited)."""
    # A clinician's feed dies with their place in the clinic; a patient's with their account.
    live = CalendarFeed.objects.filter(revoked_at__isnull=True).filter(
        Q(clinician__memberships__clinic=F("clinic"), clinician__is_active=True)
        | Q(patient__user__is_active=True)
    )
    feed = record_for_link_secret(
        queryset=live.select_related("clinic", "clinician", "patient", "patient__user"),
        token=token,
        request=request,
        what="calendar feed",
    )
    now = timezone.now()
    rows = _with_related(
        Appointment.objects.filter(
            clinic=feed.clinic,
            starts_at__gte=now - timedelta(days=30),
            starts_at__lt=now + timedelta(days=366),
        )
    )
    if feed.clinician_id is not None:
        rows = rows.filter(clinician_id=feed.clinician_id)
        audience, name = "clinician", f"Sitbone diary — {feed.clinic.name}"
    else:
        rows = rows.filter(patient=feed.patient)
        audience, name = "patient", f"Appointments — {feed.clinic.name}"
    appointments = list(rows)
    # One event per fetch (calendar apps poll): whose feed, how many appointments it carried.
    audit_record(
        category=AuditCategory.READ,
        action="calendar_feed.read",
        actor=feed.clinician or (feed.patient.user if feed.patient else None),
        clinic=feed.clinic,
        patient=feed.patient,
        request=request,
        detail=f"{audience} calendar feed with {len(appointments)} appointments",
    )
    return FeedContent(feed, appointments, audience, name)


# --- Public booking --------------------------------------------------------------------------


def clinics_for_public_booking(*, actor: Any) -> list[Clinic]:
    """Clinics that take online bookings: those offering a newcomer appointment type."""
    return list(
        Clinic.objects.filter(
            appointment_types__for_newcomers=True, appointment_types__is_active=True
        )
        .distinct()
        .order_by("name")
    )


def clinic_for_public_booking(*, actor: Any, public_id: object) -> Clinic:
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        raise AccessDenied from None
    clinic = (
        Clinic.objects.filter(
            public_id=parsed,
            appointment_types__for_newcomers=True,
            appointment_types__is_active=True,
        )
        .distinct()
        .first()
    )
    if clinic is None:
        raise AccessDenied
    return clinic


NEWCOMER_ATTEMPTS_PER_HOUR = 5


def newcomer_attempts_recent(*, actor: Any, ip: str | None) -> int:
    """Public booking attempts from one address in the last hour (the bound on the form)."""
    if not ip:
        return 0
    return AuditEvent.objects.filter(
        action__in=["booking.newcomer", "booking.newcomer_repeat"],
        ip_address=ip,
        at__gte=timezone.now() - timedelta(hours=1),
    ).count()


def newcomer_repeat_recently_told(*, actor: Any, patient: Patient) -> bool:
    """Whether the 'you are already booked' email went to this person in the last day."""
    return AuditEvent.objects.filter(
        action="booking.newcomer_repeat",
        patient=patient,
        at__gte=timezone.now() - timedelta(days=1),
    ).exists()


def own_patient(*, actor: Any) -> Patient | None:
    return own_patient_record(actor)
