"""Writes for appointments. Each is atomic; callers have already authorised the actor.

The pre-check before a booking (is this start still free?) only makes the common case friendly.
What makes double booking impossible is the unique constraint on `SlotClaim`: the cells are
inserted in the same transaction as the appointment, and a clash rolls the whole booking back.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from sitbone.appointments import ics, scheduling
from sitbone.appointments.models import (
    DEFAULT_APPOINTMENT_TYPES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    AvailabilityException,
    BookingPolicy,
    BookingSource,
    CalendarFeed,
    DeliveryStatus,
    ReminderDelivery,
    ReminderKind,
    SlotClaim,
    WorkingHours,
)
from sitbone.appointments.selectors import (
    BookingRules,
    clinic_zone,
    free_starts_for,
    newcomer_repeat_recently_told,
    policy_for,
    rules_for_staff,
)
from sitbone.clinics.models import AuditCategory, Clinic, Invitation
from sitbone.clinics.services import (
    audit_record,
    invitation_create,
    invitation_send,
    token_digest,
)
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User

logger = logging.getLogger(__name__)

SLOT_TAKEN = "That time was just taken — please choose another."
REMINDER_LEAD = timedelta(hours=24)
REMINDER_MAX_ATTEMPTS = 5
REMINDER_STALE_SENDING = timedelta(minutes=15)
"""A reminder left 'being sent' this long (the sender died mid-way) is tried again."""


class SlotTaken(Exception):
    """The time is no longer free (someone else claimed a cell first)."""

    def __init__(self, message: str = SLOT_TAKEN) -> None:
        super().__init__(message)
        self.message = message


class BookingRefused(Exception):
    """A rule forbids this change (e.g. inside the cancellation window)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SeriesUnavailable(BookingRefused):
    """Some dates of a recurring booking are not free; nothing was booked."""

    def __init__(self, dates: list[datetime], zone_name: str) -> None:
        self.dates = dates
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(zone_name)
        listed = ", ".join(f"{d.astimezone(zone):%a %-d %b %H:%M}" for d in dates)
        super().__init__(f"These dates are not free: {listed}. Nothing was booked.")


@transaction.atomic
def booking_defaults_ensure(*, clinic: Clinic) -> None:
    """Give a clinic its booking policy and default appointment types (idempotent)."""
    BookingPolicy.objects.get_or_create(clinic=clinic)
    for order, (code, name, minutes, newcomers, patients, telehealth) in enumerate(
        DEFAULT_APPOINTMENT_TYPES
    ):
        AppointmentType.objects.get_or_create(
            clinic=clinic,
            code=code,
            defaults={
                "name": name,
                "duration_minutes": minutes,
                "for_newcomers": newcomers,
                "patient_bookable": patients,
                "is_telehealth": telehealth,
                "order": order,
            },
        )


def _audit(
    *,
    actor: Any,
    action: str,
    appointment: Appointment,
    request: HttpRequest | None,
    detail: str = "",
) -> None:
    audit_record(
        category=AuditCategory.WRITE,
        action=action,
        actor=actor,
        clinic=appointment.clinic,
        patient=appointment.patient,
        request=request,
        detail=detail
        or f"{appointment.appointment_type.name} {appointment.starts_at:%Y-%m-%dT%H:%MZ}",
    )


def _check_scope(
    *, clinic: Clinic, patient: Patient, clinician: User, kind: AppointmentType
) -> None:
    """Defence in depth: every party of a booking belongs to the same clinic."""
    if (
        patient.clinic_id != clinic.pk
        or kind.clinic_id != clinic.pk
        or not kind.is_active
        or not clinician.memberships.filter(clinic=clinic).exists()
    ):
        raise BookingRefused("That booking does not belong to this clinic.")


def _claim(appointment: Appointment, *, buffer: timedelta) -> None:
    """Insert the appointment's cells; a clash with any other claim means the slot was taken."""
    rows = [
        SlotClaim(
            clinic_id=appointment.clinic_id,
            clinician_id=appointment.clinician_id,
            cell_start=cell,
            appointment=appointment,
        )
        for cell in scheduling.cells(appointment.starts_at, appointment.ends_at + buffer)
    ]
    try:
        with transaction.atomic():
            SlotClaim.objects.bulk_create(rows)
    except IntegrityError as error:
        raise SlotTaken from error


def slot_is_bookable(
    *,
    clinic: Clinic,
    clinician: User,
    kind: AppointmentType,
    starts_at: datetime,
    rules: BookingRules,
    ignore_appointment: Appointment | None = None,
) -> bool:
    """The friendly pre-check: the start is on the grid, inside working time and unclaimed."""
    if not scheduling.is_on_grid(starts_at):
        return False
    zone = clinic_zone(clinic)
    day = starts_at.astimezone(zone).date()
    starts = free_starts_for(
        clinic=clinic,
        clinician_ids=[clinician.pk],
        kind=kind,
        first_day=day,
        days=1,
        rules=rules,
        ignore_appointment=ignore_appointment,
    )
    return starts_at in starts.get(clinician.pk, [])


def _create(
    *,
    actor: Any,
    clinic: Clinic,
    patient: Patient,
    clinician: User,
    kind: AppointmentType,
    starts_at: datetime,
    source: str,
    buffer: timedelta,
    series_id: uuid.UUID | None = None,
    contact_phone: str = "",
) -> Appointment:
    appointment = Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        clinician=clinician,
        appointment_type=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=kind.duration_minutes),
        source=source,
        series_id=series_id,
        contact_phone=contact_phone,
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _claim(appointment, buffer=buffer)
    return appointment


PATIENT_MAX_UPCOMING = 4
"""A patient may hold this many upcoming appointments before booking more needs the clinic."""


def _check_patient_may_book(*, patient: Patient, kind: AppointmentType) -> None:
    if not kind.patient_bookable:
        raise BookingRefused("Please ask the clinic to book this kind of appointment.")
    upcoming = Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=timezone.now()
    ).count()
    if upcoming >= PATIENT_MAX_UPCOMING:
        raise BookingRefused(
            f"You already have {upcoming} appointments booked. Change or cancel one, "
            "or phone the clinic."
        )


@transaction.atomic
def appointment_book(
    *,
    actor: Any,
    clinic: Clinic,
    patient: Patient,
    clinician: User,
    kind: AppointmentType,
    starts_at: datetime,
    source: str,
    rules: BookingRules,
    request: HttpRequest | None = None,
    contact_phone: str = "",
) -> Appointment:
    """Book one appointment, or raise SlotTaken (nothing written)."""
    _check_scope(clinic=clinic, patient=patient, clinician=clinician, kind=kind)
    if source == BookingSource.PATIENT:
        _check_patient_may_book(patient=patient, kind=kind)
    if not slot_is_bookable(
        clinic=clinic, clinician=clinician, kind=kind, starts_at=starts_at, rules=rules
    ):
        raise SlotTaken
    buffer = timedelta(minutes=policy_for(clinic).buffer_minutes)
    appointment = _create(
        actor=actor,
        clinic=clinic,
        patient=patient,
        clinician=clinician,
        kind=kind,
        starts_at=starts_at,
        source=source,
        buffer=buffer,
        contact_phone=contact_phone,
    )
    _audit(actor=actor, action="appointment.book", appointment=appointment, request=request)
    return appointment


@transaction.atomic
def appointment_series_book(
    *,
    actor: User,
    clinic: Clinic,
    patient: Patient,
    clinician: User,
    kind: AppointmentType,
    first_start: datetime,
    every_weeks: int,
    count: int,
    request: HttpRequest | None = None,
) -> list[Appointment]:
    """Book a recurring series at the same local time, all or nothing."""
    if not (1 <= every_weeks <= 8 and 1 <= count <= 12):
        raise BookingRefused("Choose up to 12 appointments, at most 8 weeks apart.")
    _check_scope(clinic=clinic, patient=patient, clinician=clinician, kind=kind)
    rules = rules_for_staff()
    starts = scheduling.repeat_starts(
        first_start, every_weeks=every_weeks, count=count, zone=clinic_zone(clinic)
    )
    unavailable = [
        start
        for start in starts
        if not slot_is_bookable(
            clinic=clinic, clinician=clinician, kind=kind, starts_at=start, rules=rules
        )
    ]
    if unavailable:
        raise SeriesUnavailable(unavailable, clinic.time_zone)
    buffer = timedelta(minutes=policy_for(clinic).buffer_minutes)
    series_id = uuid.uuid4() if count > 1 else None
    booked = [
        _create(
            actor=actor,
            clinic=clinic,
            patient=patient,
            clinician=clinician,
            kind=kind,
            starts_at=start,
            source=BookingSource.STAFF,
            buffer=buffer,
            series_id=series_id,
        )
        for start in starts
    ]
    for appointment in booked:
        _audit(actor=actor, action="appointment.book", appointment=appointment, request=request)
    return booked


def _locked(appointment: Appointment) -> Appointment:
    # Lock only the appointment row: locking the joined clinic or user rows too (PostgreSQL's
    # default) would queue every change in the clinic behind each other.
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("clinic", "patient", "appointment_type", "clinician")
        .get(pk=appointment.pk)
    )


def patient_may_change(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Patients may cancel or move a booked appointment until the clinic's window closes."""
    now = now or timezone.now()
    hours = policy_for(appointment.clinic).cancellation_hours
    return (
        appointment.status == AppointmentStatus.BOOKED
        and appointment.starts_at - timedelta(hours=hours) >= now
    )


def _window_message(appointment: Appointment) -> str:
    hours = policy_for(appointment.clinic).cancellation_hours
    return (
        f"This appointment is less than {hours} hours away, so it cannot be changed online. "
        "Please phone the clinic."
    )


@transaction.atomic
def appointment_cancel(
    *, actor: Any, appointment: Appointment, by_patient: bool, request: HttpRequest | None = None
) -> Appointment:
    locked = _locked(appointment)
    if locked.status != AppointmentStatus.BOOKED:
        raise BookingRefused("This appointment is already cancelled.")
    if by_patient and not patient_may_change(locked):
        raise BookingRefused(_window_message(locked))
    if not by_patient and locked.ends_at <= timezone.now():
        raise BookingRefused("This appointment is over; it can no longer be cancelled.")
    locked.status = AppointmentStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=["status", "cancelled_at", "cancelled_by", "sequence", "updated_at"])
    locked.claims.all().delete()
    _audit(actor=actor, action="appointment.cancel", appointment=locked, request=request)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def appointment_reschedule(
    *,
    actor: Any,
    appointment: Appointment,
    clinician: User,
    starts_at: datetime,
    by_patient: bool,
    rules: BookingRules,
    request: HttpRequest | None = None,
) -> Appointment:
    """Move an appointment; its old cells are freed and the new ones claimed in one transaction."""
    locked = _locked(appointment)
    if locked.status != AppointmentStatus.BOOKED:
        raise BookingRefused("This appointment is cancelled; book a new one instead.")
    if by_patient and not patient_may_change(locked):
        raise BookingRefused(_window_message(locked))
    _check_scope(
        clinic=locked.clinic,
        patient=locked.patient,
        clinician=clinician,
        kind=locked.appointment_type,
    )
    if not slot_is_bookable(
        clinic=locked.clinic,
        clinician=clinician,
        kind=locked.appointment_type,
        starts_at=starts_at,
        rules=rules,
        ignore_appointment=locked,
    ):
        raise SlotTaken
    before = locked.starts_at
    locked.claims.all().delete()
    locked.clinician = clinician
    locked.starts_at = starts_at
    locked.ends_at = starts_at + timedelta(minutes=locked.appointment_type.duration_minutes)
    locked.sequence = F("sequence") + 1
    locked.save(update_fields=["clinician", "starts_at", "ends_at", "sequence", "updated_at"])
    locked.refresh_from_db()
    _claim(locked, buffer=timedelta(minutes=policy_for(locked.clinic).buffer_minutes))
    # The reminder belongs to the old time; the new time gets its own.
    locked.reminders.all().delete()
    _audit(
        actor=actor,
        action="appointment.reschedule",
        appointment=locked,
        request=request,
        detail=f"moved from {before:%Y-%m-%dT%H:%MZ} to {starts_at:%Y-%m-%dT%H:%MZ}",
    )
    return locked


# --- Newcomers from the public symptom check -------------------------------------------------


@dataclass(frozen=True)
class NewcomerBooking:
    """What the public booking did. `appointment` is None when the email was already known:
    nothing is booked, and the person is told by email rather than on the page, so the page
    never reveals whether someone is a patient of the clinic."""

    patient: Patient
    appointment: Appointment | None
    invitation: Invitation | None
    token: str | None
    tell_existing: bool = False
    """Send the 'you are already known here' email (at most once a day per person)."""


@transaction.atomic
def newcomer_book(
    *,
    clinic: Clinic,
    full_name: str,
    email: str,
    phone: str,
    screening: dict[str, Any],
    clinician: User,
    kind: AppointmentType,
    starts_at: datetime,
    rules: BookingRules,
    invitation_link: Callable[[str], str],
    sign_in_link: str,
    request: HttpRequest | None = None,
) -> NewcomerBooking:
    """Create the patient record, the appointment and the account invitation together; the
    emails go once the transaction has committed (never for a booking that rolled back)."""
    existing = Patient.objects.filter(clinic=clinic, email=email).first()
    if existing is not None:
        told = newcomer_repeat_recently_told(actor=None, patient=existing)
        audit_record(
            category=AuditCategory.WRITE,
            action="booking.newcomer_repeat",
            actor=None,
            clinic=clinic,
            patient=existing,
            request=request,
            detail="public booking refused: email already known to the clinic",
        )
        if not told:
            transaction.on_commit(
                lambda: _already_known_email(existing, clinic, sign_in_link).send(), robust=True
            )
        return NewcomerBooking(existing, None, None, None, tell_existing=not told)
    if not kind.for_newcomers:
        raise BookingRefused("That appointment type cannot be booked online.")
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                clinic=clinic, full_name=full_name, email=email, screening_answers=screening
            )
    except IntegrityError as error:  # a parallel request with the same email won
        raise SlotTaken("We could not take this booking. Please try again.") from error
    patient.assigned_clinicians.add(clinician)
    appointment = appointment_book(
        actor=None,
        clinic=clinic,
        patient=patient,
        clinician=clinician,
        kind=kind,
        starts_at=starts_at,
        source=BookingSource.NEWCOMER,
        rules=rules,
        request=request,
        contact_phone=phone,
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="booking.newcomer",
        actor=None,
        clinic=clinic,
        patient=patient,
        request=request,
        detail="patient record created from the public booking page",
    )
    # The clinic invites them; the physio they booked with stands as the inviter.
    invitation, token = invitation_create(
        actor=clinician,
        clinic=clinic,
        email=email,
        full_name=full_name,
        kind="patient",
        patient=patient,
    )
    link = invitation_link(token)
    transaction.on_commit(lambda: invitation_send(invitation=invitation, link=link), robust=True)
    transaction.on_commit(lambda: _confirmation_email(appointment).send(), robust=True)
    return NewcomerBooking(patient, appointment, invitation, token)


def _when(appointment: Appointment) -> str:
    local = appointment.starts_at.astimezone(clinic_zone(appointment.clinic))
    return f"{local:%A %-d %B} at {local:%H:%M} ({appointment.clinic.time_zone} time)"


def _confirmation_email(appointment: Appointment) -> EmailMessage:
    message = EmailMessage(
        subject=f"[Sitbone] Your {appointment.appointment_type.name.lower()} is booked",
        body=(
            f"Hello {ics.first_name(appointment.patient.full_name)},\n\n"
            f"Your {appointment.appointment_type.name.lower()} at {appointment.clinic.name} with "
            f"{appointment.clinician.get_short_name()} is booked for {_when(appointment)}.\n\n"
            "We have sent a separate email with a link to set up your Sitbone account, where "
            "you can change or cancel the appointment.\n"
        ),
        to=[appointment.patient.email],
    )
    message.attach(
        "appointment.ics",
        ics.appointments_ics([appointment], audience="patient", name="Appointment"),
        "text/calendar",
    )
    return message


def _already_known_email(patient: Patient, clinic: Clinic, sign_in_link: str) -> EmailMessage:
    return EmailMessage(
        subject=f"[Sitbone] Booking at {clinic.name}",
        body=(
            f"Hello {ics.first_name(patient.full_name)},\n\n"
            f"Someone, hopefully you, tried to book an appointment at {clinic.name} online with "
            "this email address. The clinic already knows you, so nothing new was booked.\n\n"
            f"Sign in to book or change appointments: {sign_in_link}\n"
            "If you have not set up your account yet, use the invitation email from the clinic, "
            "or phone the clinic.\n\nIf this was not you, you can ignore this email.\n"
        ),
        to=[patient.email],
    )


# --- Availability and settings ---------------------------------------------------------------


@transaction.atomic
def working_hours_add(
    *, actor: User, clinic: Clinic, clinician: User, weekday: int, start: Any, end: Any
) -> WorkingHours:
    return WorkingHours.objects.create(
        clinic=clinic, clinician=clinician, weekday=weekday, start_time=start, end_time=end
    )


@transaction.atomic
def working_hours_remove(*, actor: User, clinic: Clinic, clinician: User, public_id: Any) -> bool:
    deleted, _ = WorkingHours.objects.filter(
        clinic=clinic, clinician=clinician, public_id=public_id
    ).delete()
    return deleted > 0


@transaction.atomic
def availability_exception_add(
    *,
    actor: User,
    clinic: Clinic,
    clinician: User,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    note: str,
) -> AvailabilityException:
    return AvailabilityException.objects.create(
        clinic=clinic,
        clinician=clinician,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note,
    )


@transaction.atomic
def availability_exception_remove(
    *, actor: User, clinic: Clinic, clinician: User, public_id: Any
) -> bool:
    deleted, _ = AvailabilityException.objects.filter(
        clinic=clinic, clinician=clinician, public_id=public_id
    ).delete()
    return deleted > 0


@transaction.atomic
def booking_policy_update(*, actor: User, clinic: Clinic, data: dict[str, Any]) -> BookingPolicy:
    policy, _ = BookingPolicy.objects.get_or_create(clinic=clinic)
    for field in ("cancellation_hours", "max_days_ahead", "min_notice_hours", "buffer_minutes"):
        setattr(policy, field, data[field])
    policy.save()
    audit_record(
        category=AuditCategory.WRITE,
        action="booking.policy",
        actor=actor,
        clinic=clinic,
        patient=None,
        detail="booking policy changed",
    )
    return policy


TYPE_FIELDS = ("name", "duration_minutes", "for_newcomers", "patient_bookable", "is_active")
"""What an admin sets on an appointment type (`AppointmentTypeForm`)."""


class TypeNameTaken(Exception):
    """The clinic already has an appointment type of this name."""


def _type_name_check(clinic: Clinic, name: str, *, other_than: AppointmentType | None) -> None:
    """Two types of one name could not be told apart when booking."""
    same = AppointmentType.objects.filter(clinic=clinic, name__iexact=name)
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    if same.exists():
        raise TypeNameTaken(f"The clinic already has an appointment type called “{name}”.")


@transaction.atomic
def appointment_type_update(
    *, actor: User, kind: AppointmentType, data: dict[str, Any]
) -> AppointmentType:
    _type_name_check(kind.clinic, data["name"], other_than=kind)
    for field in TYPE_FIELDS:
        setattr(kind, field, data[field])
    kind.save()
    audit_record(
        category=AuditCategory.WRITE,
        action="booking.type_update",
        actor=actor,
        clinic=kind.clinic,
        patient=None,
        detail=f"appointment type {kind.code} changed",
    )
    return kind


@transaction.atomic
def appointment_type_create(
    *, actor: User, clinic: Clinic, data: dict[str, Any]
) -> AppointmentType:
    """A new appointment type, listed after the clinic's others, with a stable code made from
    its first name (``shockwave_session``; ``_2`` and on when that is taken)."""
    _type_name_check(clinic, data["name"], other_than=None)
    existing = list(AppointmentType.objects.filter(clinic=clinic).values_list("code", "order"))
    taken = {code for code, _ in existing}
    base = slugify(data["name"]).replace("-", "_")[:36] or "type"
    code = next(
        candidate
        for candidate in (base, *(f"{base}_{n}" for n in range(2, len(taken) + 3)))
        if candidate not in taken
    )
    kind = AppointmentType.objects.create(
        clinic=clinic,
        code=code,
        order=max((order for _, order in existing), default=-1) + 1,
        **{field: data[field] for field in TYPE_FIELDS},
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="booking.type_create",
        actor=actor,
        clinic=clinic,
        patient=None,
        detail=f"appointment type {code} added",
    )
    return kind


# --- Calendar feeds --------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_issue(
    *, actor: Any, clinic: Clinic, clinician: User | None = None, patient: Patient | None = None
) -> str:
    """Revoke the owner's live feed (if any) and issue a new secret address; returns the secret."""
    import secrets

    calendar_feed_revoke(actor=actor, clinician=clinician, patient=patient)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(
        clinic=clinic, clinician=clinician, patient=patient, token_hash=token_digest(token)
    )
    return token


@transaction.atomic
def calendar_feed_revoke(
    *, actor: Any, clinician: User | None = None, patient: Patient | None = None
) -> int:
    live = CalendarFeed.objects.filter(revoked_at__isnull=True)
    live = (
        live.filter(clinician=clinician) if clinician is not None else live.filter(patient=patient)
    )
    return live.update(revoked_at=timezone.now())


# --- Reminders -------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def _reminder_email(appointment: Appointment) -> EmailMessage:
    message = EmailMessage(
        subject=f"[Sitbone] Reminder: your {appointment.appointment_type.name.lower()}",
        body=(
            f"Hello {ics.first_name(appointment.patient.full_name)},\n\n"
            f"This is a reminder of your {appointment.appointment_type.name.lower()} at "
            f"{appointment.clinic.name} with {appointment.clinician.get_short_name()} on "
            f"{_when(appointment)}.\n\n"
            "If you cannot come, please let the clinic know as soon as you can.\n"
            "The attached calendar file adds the appointment to your calendar.\n"
        ),
        to=[appointment.patient.email],
    )
    message.attach(
        "appointment.ics",
        ics.appointments_ics([appointment], audience="patient", name="Appointment"),
        "text/calendar",
    )
    return message


def _reminder_claim(appointment: Appointment, *, now: datetime) -> ReminderDelivery | None:
    """Take the reminder for sending, or None if it is sent, in hand elsewhere or given up."""
    try:
        with transaction.atomic():
            delivery, _ = ReminderDelivery.objects.get_or_create(
                appointment=appointment,
                kind=ReminderKind.EMAIL_24H,
                defaults={"status": DeliveryStatus.PENDING},
            )
    except IntegrityError:  # another run created it a moment ago
        return None
    claimable = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]) | Q(
        status=DeliveryStatus.SENDING, last_attempt_at__lt=now - REMINDER_STALE_SENDING
    )
    taken = (
        ReminderDelivery.objects.filter(pk=delivery.pk, attempts__lt=REMINDER_MAX_ATTEMPTS)
        .filter(claimable)
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    return delivery if taken else None


def reminders_send_due(*, now: datetime | None = None) -> ReminderReport:
    """Email every booked appointment starting within the next 24 hours, once, unless the
    patient withdrew their consent to reminder emails.

    Deliberately not one transaction: each delivery's state is committed on its own, so one
    failing address never undoes the record of the emails that did go out.

    Each delivery is claimed with a conditional update before the email goes out, so two runs
    at the same time cannot both send it; a failure is recorded and tried again next run, up to
    REMINDER_MAX_ATTEMPTS times.
    """
    from sitbone.privacy.selectors import patients_without_consent

    now = now or timezone.now()
    report = ReminderReport()
    due = (
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD
        )
        .exclude(reminders__kind=ReminderKind.EMAIL_24H, reminders__status=DeliveryStatus.SENT)
        .exclude(patient__in=patients_without_consent(purpose="email_reminders").values("pk"))
        .select_related("clinic", "patient", "clinician", "appointment_type")
        .order_by("starts_at")
    )
    for appointment in due:
        delivery = _reminder_claim(appointment, now=now)
        if delivery is None:
            report.gave_up += ReminderDelivery.objects.filter(
                appointment=appointment,
                status=DeliveryStatus.FAILED,
                attempts__gte=REMINDER_MAX_ATTEMPTS,
            ).count()
            continue
        try:
            _reminder_email(appointment).send()
        except Exception as error:  # any transport failure is recorded and retried next run
            logger.warning("Reminder for appointment %s failed: %s", appointment.public_id, error)
            ReminderDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, last_error=str(error)[:300]
            )
            report.failed += 1
        else:
            ReminderDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error=""
            )
            report.sent += 1
    return report
