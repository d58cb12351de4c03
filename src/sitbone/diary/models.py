"""What the patient does and feels: loading sessions and next-morning check-ins."""

from __future__ import annotations

import uuid

from django.db import models


def pain_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0, f"{field}__lte": 10}), name=name
    )


class SessionLog(models.Model):
    """One loading session as the patient logged it. Pain is NPRS 0–10."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="sessions"
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="sessions"
    )
    performed_on = models.DateField()
    """The date in the patient's clinic time zone."""

    pain_during = models.PositiveSmallIntegerField()
    pain_after = models.PositiveSmallIntegerField()
    completed = models.BooleanField(default=True)
    notes = models.CharField(max_length=1000, blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULLs stay out of the unique constraint
    """Sent by the form, so a double submit or a retry stores one session."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-performed_on", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"], name="session_patient_recent")]
        constraints = [
            pain_range("pain_during", "session_pain_during_0_10"),
            pain_range("pain_after", "session_pain_after_0_10"),
            models.UniqueConstraint(
                fields=["patient", "idempotency_key"], name="session_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} session {self.performed_on}"


class SessionEntry(models.Model):
    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="entries")
    exercise_id = models.CharField(max_length=64)
    sets_done = models.PositiveSmallIntegerField()
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    load = models.CharField(max_length=60, blank=True)
    pain_during = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [pain_range("pain_during", "entry_pain_during_0_10")]

    def __str__(self) -> str:
        return f"{self.exercise_id} × {self.sets_done}"


class MorningCheck(models.Model):
    """The next-morning load test: the stage's monitoring task and its pain."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="morning_checks"
    )
    checked_on = models.DateField()
    task = models.CharField(max_length=64)
    """Engine id of the monitoring task, e.g. three short-lever single-leg bridges."""

    pain = models.PositiveSmallIntegerField()
    stiffness_minutes = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-checked_on"]
        constraints = [
            pain_range("pain", "morning_pain_0_10"),
            models.UniqueConstraint(fields=["patient", "checked_on"], name="morning_one_per_day"),
            models.CheckConstraint(
                condition=models.Q(stiffness_minutes__lte=600), name="morning_stiffness_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} morning {self.checked_on}: {self.pain}/10"


class Seat(models.TextChoices):
    FIRM = "firm", "Firm chair"
    SOFT = "soft", "Soft seat or sofa"
    CUSHION = "cushion", "Chair with a cushion or pad"
    CAR = "car", "Car seat"


class SittingLog(models.Model):
    """A sitting-tolerance check (clinical-brief §4.5 [D]): minutes of continuous sitting before
    pain reaches 3/10, capped at 60, with the seat used and the set-up steps the patient followed
    (§5.2). Compare only checks made on the same kind of seat."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="sitting_logs"
    )
    logged_on = models.DateField()
    minutes_to_pain = models.PositiveSmallIntegerField()
    """Minutes until pain reached 3/10; 60 means "an hour or more without reaching 3/10"."""

    seat = models.CharField(max_length=10, choices=Seat.choices)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    """Pain 0–10 when the person stood up, if they gave one."""

    setup = models.JSONField(default=list, blank=True)
    """Ids of the seat set-up checklist steps the person followed (see diary.forms)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-logged_on", "-id"]
        indexes = [models.Index(fields=["patient", "-logged_on"], name="sitting_patient_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes_to_pain__lte=60), name="sitting_minutes_0_60"
            ),
            models.CheckConstraint(
                condition=models.Q(pain_after__isnull=True)
                | models.Q(pain_after__gte=0, pain_after__lte=10),
                name="sitting_pain_after_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} sitting {self.logged_on}: {self.minutes_to_pain} min"


class Activity(models.TextChoices):
    WALK = "walk", "Walking"
    SWIM = "swim", "Swimming"
    POOL_WALK = "pool_walk", "Walking in the pool"
    CYCLE = "cycle", "Cycling"
    UPPER_BODY = "upper_body", "Upper-body gym work"
    OTHER = "other", "Something else"


class CrossTrainingLog(models.Model):
    """A cross-training session and how the tendon responded (clinical-brief §5.2)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="cross_training_logs"
    )
    performed_on = models.DateField()
    activity = models.CharField(max_length=12, choices=Activity.choices)
    minutes = models.PositiveSmallIntegerField()
    pain_during = models.PositiveSmallIntegerField()
    next_morning_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    """Filled in the next morning, when known."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-performed_on", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"], name="cross_patient_recent")]
        constraints = [
            pain_range("pain_during", "cross_pain_during_0_10"),
            models.CheckConstraint(
                condition=models.Q(next_morning_pain__isnull=True)
                | models.Q(next_morning_pain__gte=0, next_morning_pain__lte=10),
                name="cross_next_morning_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=600), name="cross_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.activity} {self.performed_on}"


class RunLog(models.Model):
    """A run on the walk–run ladder (clinical-brief §5.7) with its pain response."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="runs")
    performed_on = models.DateField()
    minutes = models.PositiveSmallIntegerField()
    ladder_step = models.PositiveSmallIntegerField(null=True, blank=True)
    """Walk–run ladder step 1–9, or empty for a run outside the ladder."""

    pain_during = models.PositiveSmallIntegerField()
    pain_after = models.PositiveSmallIntegerField(default=0)
    next_morning_pain = models.PositiveSmallIntegerField(null=True, blank=True)
    """Filled in the next morning, when known."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient_id", "-performed_on", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"], name="run_patient_recent")]
        constraints = [
            pain_range("pain_during", "run_pain_during_0_10"),
            pain_range("pain_after", "run_pain_after_0_10"),
            models.CheckConstraint(
                condition=models.Q(next_morning_pain__isnull=True)
                | models.Q(next_morning_pain__gte=0, next_morning_pain__lte=10),
                name="run_next_morning_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(ladder_step__isnull=True)
                | models.Q(ladder_step__gte=1, ladder_step__lte=9),
                name="run_ladder_step_1_9",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=600), name="run_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} run {self.performed_on}"


class ReminderKind(models.TextChoices):
    SESSION = "session", "Exercise session"
    CHECKIN = "checkin", "Next-morning check-in"


class ReminderPreference(models.Model):
    """When the patient wants to be reminded, in their clinic's time zone. Empty time: off."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="reminder_preference"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session_time = models.TimeField(null=True, blank=True)
    session_days = models.JSONField(default=list, blank=True)
    """ISO weekdays (1 = Monday … 7 = Sunday) on which the session reminder is sent."""

    checkin_time = models.TimeField(null=True, blank=True)
    """Sent on mornings after a logged session when the check-in is not done yet."""

    email_enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminders for {self.patient}"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PUSH = "push", "Notification on a device"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (tried again on the next run while the reminder is due)"


class ReminderDelivery(models.Model):
    """One reminder to one destination: the patient's email, or one of their devices.

    The unique constraints are what make the cron command send each reminder at most once per
    destination, even when two runs overlap: a run claims the row before sending. A failed row
    may be claimed again by a later run; a sent one, or one whose run died mid-send, never is.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField()
    """The patient-local day the reminder is for."""

    channel = models.CharField(
        max_length=10, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL
    )
    push_subscription = models.ForeignKey(
        "push.PushSubscription",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_deliveries",
    )
    """The device, for a push delivery; each device is a destination of its own."""

    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT
    )
    attempts = models.PositiveSmallIntegerField(default=1)
    last_error = models.CharField(max_length=200, blank=True)
    """Why the latest attempt failed, in words that name no address or endpoint."""

    sent_at = models.DateTimeField(auto_now_add=True)
    """When the first attempt claimed this delivery."""

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "due_on", "channel"],
                condition=models.Q(push_subscription__isnull=True),
                name="reminder_sent_once",
            ),
            models.UniqueConstraint(
                fields=["push_subscription", "kind", "due_on"],
                condition=models.Q(push_subscription__isnull=False),
                name="reminder_push_sent_once_per_device",
            ),
            models.CheckConstraint(
                condition=models.Q(channel="push", push_subscription__isnull=False)
                | (~models.Q(channel="push") & models.Q(push_subscription__isnull=True)),
                name="reminder_push_names_its_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder by {self.channel} for {self.patient} on {self.due_on}"
