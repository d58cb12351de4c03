"""Appointments: clinician availability, booking rules, bookings, reminders and calendar feeds.

Double booking is impossible by construction, not by a check: every booked appointment claims the
15-minute grid cells it covers (plus the clinic's buffer) as `SlotClaim` rows, and the database
allows one claim per clinician and cell. The same design works on SQLite and PostgreSQL, needs no
exclusion constraint, and handles appointments of different lengths.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from sitbone.appointments.scheduling import CELL_MINUTES

ALLOWED_DURATIONS = tuple(range(CELL_MINUTES, 181, CELL_MINUTES))
ALLOWED_BUFFERS = (0, 15, 30)


class BookingPolicy(models.Model):
    """How a clinic takes bookings. Times are hours or days before the appointment starts."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="booking_policy"
    )
    cancellation_hours = models.PositiveSmallIntegerField(default=24)
    """Patients may cancel or move an appointment online until this many hours before it."""

    max_days_ahead = models.PositiveSmallIntegerField(default=60)
    """Patients and newcomers may book up to this many days ahead (staff up to a year)."""

    min_notice_hours = models.PositiveSmallIntegerField(default=2)
    """Patients and newcomers may not book a time starting sooner than this."""

    buffer_minutes = models.PositiveSmallIntegerField(default=0)
    """Kept free after each appointment (notes, cleaning); 0, 15 or 30."""

    class Meta:
        verbose_name_plural = "booking policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cancellation_hours__lte=168), name="policy_cancellation_range"
            ),
            models.CheckConstraint(
                condition=models.Q(max_days_ahead__gte=1, max_days_ahead__lte=365),
                name="policy_days_ahead_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_notice_hours__lte=168), name="policy_notice_range"
            ),
            models.CheckConstraint(
                condition=models.Q(buffer_minutes__in=ALLOWED_BUFFERS), name="policy_buffer_on_grid"
            ),
        ]

    def __str__(self) -> str:
        return f"Booking policy of {self.clinic}"


class AppointmentType(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="appointment_types"
    )
    code = models.SlugField(max_length=40)
    """Stable id within the clinic: initial_assessment, review, telehealth_review."""

    name = models.CharField(max_length=80)
    duration_minutes = models.PositiveSmallIntegerField()
    for_newcomers = models.BooleanField(default=False)
    """Offered on the public booking page to people who are not yet patients."""

    patient_bookable = models.BooleanField(default=False)
    """Patients under care may book this themselves in the app."""

    is_telehealth = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["clinic_id", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code"], name="appointment_type_code_unique"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__in=ALLOWED_DURATIONS),
                name="appointment_type_duration_on_grid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


DEFAULT_APPOINTMENT_TYPES = (
    # code, name, minutes, for_newcomers, patient_bookable, is_telehealth
    ("initial_assessment", "Initial assessment", 45, True, False, False),
    ("review", "Review", 30, False, True, False),
    ("telehealth_review", "Telehealth review", 30, False, True, True),
)


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class WorkingHours(models.Model):
    """A weekly block of a clinician's working time, as clinic-local wall-clock times."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    """0 = Monday … 6 = Sunday."""

    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        verbose_name_plural = "working hours"
        ordering = ["clinician_id", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_range"),
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")),
                name="hours_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} weekday {self.weekday} {self.start_time}–{self.end_time}"


class ExceptionKind(models.TextChoices):
    LEAVE = "leave", "Leave (not available)"
    EXTRA = "extra", "Extra session (available)"


class AvailabilityException(models.Model):
    """A one-off change to the weekly hours: leave removes time, an extra session adds it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=8, choices=ExceptionKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["clinician_id", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="exception_start_before_end",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["leave", "extra"]), name="exception_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.clinician} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class BookingSource(models.TextChoices):
    NEWCOMER = "newcomer", "Booked online by a new patient"
    PATIENT = "patient", "Booked by the patient"
    STAFF = "staff", "Booked by the clinic"


class Appointment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="appointments"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments_to_see"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    source = models.CharField(max_length=12, choices=BookingSource.choices)
    series_id = models.UUIDField(null=True, blank=True)
    """Shared by the appointments of one recurring booking (e.g. fortnightly reviews × 6)."""

    contact_phone = models.CharField(max_length=32, blank=True)
    """A phone number the newcomer gave for this booking (patients have no phone field yet)."""

    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    """Empty for newcomer bookings from the public page."""

    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(default=0)
    """iCalendar SEQUENCE: bumped on each move or cancellation so calendars take the change."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["clinician", "starts_at"], name="appointment_clinician_time"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="appointment_start_before_end",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["booked", "cancelled"]),
                name="appointment_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type.name} {self.starts_at:%Y-%m-%d %H:%M} UTC"


class SlotClaim(models.Model):
    """One 15-minute cell of a clinician's time held by a booked appointment.

    The unique constraint is the double-booking guard: two appointments that overlap by even one
    cell cannot both commit, whatever the application checked before inserting.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    cell_start = models.DateTimeField()
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="claims")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "cell_start"], name="slot_claim_one_per_clinician_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician_id} {self.cell_start:%Y-%m-%d %H:%M}"


class ReminderKind(models.TextChoices):
    EMAIL_24H = "email_24h", "Email 24 hours before"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class ReminderDelivery(models.Model):
    """One reminder for one appointment. Unique per kind, so a second run sends nothing."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind"], name="reminder_one_per_appointment_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.appointment_id}: {self.status}"


class CalendarFeed(models.Model):
    """A private iCalendar address for a clinician's diary or a patient's appointments."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    """SHA-256 of the secret in the address; the secret itself is shown once and never stored."""

    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(clinician__isnull=False, patient__isnull=True)
                    | models.Q(clinician__isnull=True, patient__isnull=False)
                ),
                name="calendar_feed_one_owner",
            ),
            models.UniqueConstraint(
                fields=["clinician"],
                condition=models.Q(revoked_at__isnull=True, clinician__isnull=False),
                name="calendar_feed_one_live_per_clinician",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(revoked_at__isnull=True, patient__isnull=False),
                name="calendar_feed_one_live_per_patient",
            ),
        ]

    def __str__(self) -> str:
        owner = (
            f"clinician {self.clinician_id}" if self.clinician_id else f"patient {self.patient_id}"
        )
        return f"Calendar feed of {owner}"
