"""Writes to the patient's diary. Each is atomic, audited, and leaves nothing half-written.

After a loading session and after a next-morning check-in the engine is asked for a decision
(programmes.services.decision_record), so the patient sees at once what their tendon's response
means (clinical-brief §5.3). No clinical rule lives here: zones, actions and stage changes come
from the engine.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q

from sitbone.clinics.services import patient_write_audit
from sitbone.diary.models import (
    CrossTrainingLog,
    DeliveryStatus,
    MorningCheck,
    ReminderChannel,
    ReminderDelivery,
    ReminderPreference,
    RunLog,
    SessionEntry,
    SessionLog,
    SittingLog,
)
from sitbone.diary.selectors import (
    MONITORING_TASK_ID,
    morning_check_due,
    patient_today,
)
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision
from sitbone.programmes.services import decision_draft, decision_record
from sitbone.push.models import PushSubscription
from sitbone.push.selectors import push_subscriptions_active
from sitbone.push.services import PushOutcome

if TYPE_CHECKING:
    from sitbone.accounts.models import User
    from sitbone.programmes.models import Programme

logger = logging.getLogger(__name__)


def session_log_create(
    *,
    actor: User,
    patient: Patient,
    programme: Programme,
    performed_on: dt.date,
    entries: list[dict[str, Any]],
    pain_after: int,
    completed: bool,
    notes: str,
    idempotency_key: str | None,
    pain_during: int | None = None,
    audit_action: str = "session.log",
) -> tuple[SessionLog, bool]:
    """Store one loading session with its exercises against ``programme`` (the patient's current
    one, which the caller has just read), then ask the engine for a decision. The app's form and
    the API both log sessions here, so every session is decided on.

    Returns (session, created). The same idempotency key from the same patient always returns
    the session it first created: a double submit, a retry after a dropped connection or two
    requests racing each other store one session. The database's unique constraint on
    (patient, idempotency_key) is the final guard. The session's pain during is
    ``pain_during`` when given, else the highest pain the patient gave for any exercise in it.
    """
    session = SessionLog(
        clinic=patient.clinic,
        patient=patient,
        programme=programme,
        performed_on=performed_on,
        pain_during=(
            pain_during
            if pain_during is not None
            else max(entry["pain_during"] for entry in entries)
        ),
        pain_after=pain_after,
        completed=completed,
        notes=notes,
        idempotency_key=idempotency_key,
    )
    # the engine's reads, before the write lock (see DecisionDraft)
    draft = decision_draft(
        patient=patient, made_on=performed_on, programme=programme, adding=session
    )
    try:  # a key seen before fails the insert and takes the replay below
        with draft.writing(patient) as held:
            session.save(force_insert=True)
            SessionEntry.objects.bulk_create(
                SessionEntry(
                    session=session,
                    exercise_id=entry["exercise_id"],
                    sets_done=entry["sets_done"],
                    reps=entry.get("reps"),
                    hold_seconds=entry.get("hold_seconds"),
                    load=entry.get("load") or "",
                    pain_during=entry["pain_during"],
                )
                for entry in entries
            )
            decision_record(
                patient=patient,
                made_on=performed_on,
                programme=programme,
                draft=draft if held else None,
            )
            # last: the audit chain's head stays locked until the commit (see AuditChainHead)
            patient_write_audit(actor, patient, audit_action, f"session on {performed_on}")
    except IntegrityError:
        if idempotency_key is None:
            raise
        replay = SessionLog.objects.filter(patient=patient, idempotency_key=idempotency_key).first()
        if replay is None:
            raise
        return replay, False
    return session, True


@dataclass(frozen=True)
class CheckIn:
    morning: MorningCheck
    decision: Decision | None
    created: bool


def morning_check_record(
    *,
    actor: User,
    patient: Patient,
    checked_on: dt.date,
    pain: int,
    stiffness_minutes: int,
    task: str = MONITORING_TASK_ID,
    audit_action: str = "morning.check",
) -> CheckIn:
    """Store the day's load test (one per day), then ask the engine for a decision; the app's
    form and the API both record check-ins here.

    A second check-in for the same day returns the first one unchanged, so a double submit is
    harmless.
    """
    existing = MorningCheck.objects.filter(patient=patient, checked_on=checked_on).first()
    if existing is not None:
        return CheckIn(existing, _decision_on(patient, checked_on), created=False)
    morning = MorningCheck(
        clinic=patient.clinic,
        patient=patient,
        checked_on=checked_on,
        task=task,
        pain=pain,
        stiffness_minutes=stiffness_minutes,
    )
    # the engine's reads, before the write lock (see DecisionDraft)
    draft = decision_draft(patient=patient, made_on=checked_on, adding=morning)
    try:
        with draft.writing(patient) as held:
            morning.save(force_insert=True)
            decision = decision_record(
                patient=patient, made_on=checked_on, draft=draft if held else None
            )
            patient_write_audit(actor, patient, audit_action, f"check-in on {checked_on}")
    except IntegrityError:
        first = MorningCheck.objects.get(patient=patient, checked_on=checked_on)
        return CheckIn(first, _decision_on(patient, checked_on), created=False)
    return CheckIn(morning, decision, created=True)


def _decision_on(patient: Patient, day: dt.date) -> Decision | None:
    return Decision.objects.filter(patient=patient, made_on=day).order_by("-id").first()


@transaction.atomic
def sitting_log_create(
    *,
    actor: User,
    patient: Patient,
    logged_on: dt.date,
    minutes_to_pain: int,
    seat: str,
    pain_after: int | None,
    setup: list[str],
) -> SittingLog:
    log = SittingLog.objects.create(
        clinic=patient.clinic,
        patient=patient,
        logged_on=logged_on,
        minutes_to_pain=minutes_to_pain,
        seat=seat,
        pain_after=pain_after,
        setup=sorted(set(setup)),
    )
    patient_write_audit(actor, patient, "sitting.log")
    return log


@transaction.atomic
def cross_training_log_create(
    *,
    actor: User,
    patient: Patient,
    performed_on: dt.date,
    activity: str,
    minutes: int,
    pain_during: int,
) -> CrossTrainingLog:
    log = CrossTrainingLog.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_on=performed_on,
        activity=activity,
        minutes=minutes,
        pain_during=pain_during,
    )
    patient_write_audit(actor, patient, "cross_training.log")
    return log


@transaction.atomic
def run_log_create(
    *,
    actor: User,
    patient: Patient,
    performed_on: dt.date,
    minutes: int,
    ladder_step: int | None,
    pain_during: int,
    pain_after: int,
) -> RunLog:
    log = RunLog.objects.create(
        clinic=patient.clinic,
        patient=patient,
        performed_on=performed_on,
        minutes=minutes,
        ladder_step=ladder_step,
        pain_during=pain_during,
        pain_after=pain_after,
    )
    patient_write_audit(actor, patient, "run.log")
    return log


@transaction.atomic
def next_morning_pain_record(
    *, actor: User, patient: Patient, log: RunLog | CrossTrainingLog, pain: int
) -> None:
    """Add the next-morning pain to a run or cross-training session of this patient."""
    if log.patient_id != patient.pk:
        raise ValueError("That log belongs to someone else")
    log.next_morning_pain = pain
    log.save(update_fields=["next_morning_pain"])
    patient_write_audit(actor, patient, f"{type(log).__name__.lower()}.next_morning")


@transaction.atomic
def reminder_preference_save(
    *,
    actor: User,
    patient: Patient,
    session_time: dt.time | None,
    session_days: list[int],
    checkin_time: dt.time | None,
    email_enabled: bool,
) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.update_or_create(
        patient=patient,
        defaults={
            "clinic": patient.clinic,
            "session_time": session_time,
            "session_days": sorted(set(session_days)) if session_time else [],
            "checkin_time": checkin_time,
            "email_enabled": email_enabled,
        },
    )
    patient_write_audit(actor, patient, "reminders.update")
    return preference


REMINDER_WINDOW = dt.timedelta(hours=3)
"""A reminder is sent from its time until this much later; a cron run that was down longer
skips it rather than sending a stale reminder late at night."""


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    skipped_duplicates: int
    failed: int
    devices_gone: int = 0
    """Push subscriptions the push service no longer knew; they are revoked."""


SendEmail = Callable[[Patient, str], None]
"""Sends one kind of reminder to the patient's email; raises on failure."""

SendPush = Callable[[PushSubscription, str], PushOutcome]
"""Sends one kind of reminder to one device and says how it went."""


def reminders_send(
    *, now: dt.datetime, send: SendEmail, send_push: SendPush | None = None
) -> ReminderResult:
    """Send every reminder that is due now, each at most once per destination.

    Destinations are the patient's email (when they chose email and have not withdrawn their
    consent to reminder emails) and every device with an active push subscription (when
    `send_push` is given). Each destination has its own delivery row,
    claimed before sending: a rerun skips what was sent, a failure is recorded and tried again
    by the next run while the reminder is still due, and two overlapping runs cannot both claim
    the same delivery.
    """
    from sitbone.privacy.selectors import patients_without_consent

    tally: Counter[str] = Counter()
    no_email = set(patients_without_consent(purpose="email_reminders").values_list("pk", flat=True))
    has_device = PushSubscription.objects.filter(
        patient=OuterRef("patient"), revoked_at__isnull=True
    )
    preferences = (
        ReminderPreference.objects.select_related("patient__clinic", "patient__user")
        .filter(patient__discharged_on__isnull=True)
        .filter(Q(email_enabled=True) | Q(Exists(has_device)))
    )
    for preference in preferences:
        patient = preference.patient
        if patient.user is None or not patient.user.is_active:
            continue
        today = patient_today(patient, now=now)
        for kind in _due_kinds(preference, now):
            if preference.email_enabled and patient.pk not in no_email:
                tally[_deliver(patient, kind, today, None, partial(send, patient, kind))] += 1
            if send_push is None:
                continue
            for device in push_subscriptions_active(patient=patient):
                outcome = _deliver(patient, kind, today, device, partial(send_push, device, kind))
                tally[outcome] += 1
    return ReminderResult(
        sent=tally["sent"],
        skipped_duplicates=tally["duplicate"],
        failed=tally["failed"] + tally["gone"],
        devices_gone=tally["gone"],
    )


PUSH_FAILURES = {
    PushOutcome.GONE: ("gone", "the push service no longer knows this device"),
    PushOutcome.FAILED: ("failed", "the push service did not accept it"),
}


def _deliver(
    patient: Patient,
    kind: str,
    due_on: dt.date,
    device: PushSubscription | None,
    attempt: Callable[[], PushOutcome | None],
) -> str:
    """Claim one delivery, attempt it, record the outcome: sent, duplicate, failed or gone."""
    delivery = _delivery_claim(patient, kind, due_on, device)
    if delivery is None:
        return "duplicate"
    try:
        outcome = attempt()
    except Exception as error:  # any mail or network failure: recorded, retried by the next run
        logger.exception("%s reminder to patient %s failed", delivery.channel, patient.public_id)
        result, reason = "failed", f"{type(error).__name__} while sending"
    else:
        result, reason = PUSH_FAILURES.get(outcome, ("sent", "")) if outcome else ("sent", "")
    ReminderDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT if result == "sent" else DeliveryStatus.FAILED,
        last_error=reason,
    )
    return result


def _delivery_claim(
    patient: Patient, kind: str, due_on: dt.date, device: PushSubscription | None
) -> ReminderDelivery | None:
    """The delivery row, claimed for this run; None when it is sent or another run has it."""
    destination = {
        "patient": patient,
        "kind": kind,
        "due_on": due_on,
        "channel": ReminderChannel.PUSH if device else ReminderChannel.EMAIL,
        "push_subscription": device,
    }
    try:
        with transaction.atomic():
            return ReminderDelivery.objects.create(
                clinic=patient.clinic, status=DeliveryStatus.SENDING, **destination
            )
    except IntegrityError:
        pass
    reclaimed = ReminderDelivery.objects.filter(status=DeliveryStatus.FAILED, **destination).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1
    )
    return ReminderDelivery.objects.get(**destination) if reclaimed else None


def _due_kinds(preference: ReminderPreference, now: dt.datetime) -> list[str]:
    patient = preference.patient
    today = patient_today(patient, now=now)
    local = now.astimezone(zoneinfo.ZoneInfo(patient.clinic.time_zone))
    kinds = []
    if (
        preference.session_time is not None
        and today.isoweekday() in (preference.session_days or [])
        and _in_window(local, today, preference.session_time)
        and not SessionLog.objects.filter(patient=patient, performed_on=today).exists()
    ):
        kinds.append("session")
    if (
        preference.checkin_time is not None
        and _in_window(local, today, preference.checkin_time)
        and morning_check_due(patient=patient, today=today)
    ):
        kinds.append("checkin")
    return kinds


def _in_window(local: dt.datetime, today: dt.date, at: dt.time) -> bool:
    start = dt.datetime.combine(today, at, tzinfo=local.tzinfo)
    return start <= local < start + REMINDER_WINDOW
