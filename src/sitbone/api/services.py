"""Writes for the API: tokens (made, used, revoked), diary writes and their idempotency."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from sitbone.api.errors import ApiError
from sitbone.api.idempotency import KeyConflict, run_once
from sitbone.api.models import ApiToken, Scope
from sitbone.clinics.models import AuditCategory, Clinic, clinic_today
from sitbone.clinics.services import audit_record, token_digest
from sitbone.diary import services as diary_services
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.engine.prescription import EXERCISES
from sitbone.programmes.models import Programme

if TYPE_CHECKING:
    from sitbone.accounts.models import User
    from sitbone.api.schemas import MorningCheckCreateIn, SessionLogCreateIn
    from sitbone.patients.models import Patient

TOKEN_PREFIX = "sbt_"  # noqa: S105 - the public marker of a Sitbone token, not a secret
LAST_USED_EVERY = dt.timedelta(minutes=1)


def api_token_create(
    *, actor: User, clinic: Clinic, name: str, scopes: list[str], days: int
) -> tuple[ApiToken, str]:
    """Make a token for the clinic; returns it with the secret, which is never stored or shown
    again."""
    from sitbone.accounts.models import User as UserModel

    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError("Choose at least one known scope.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    prefix = secret[: len(TOKEN_PREFIX) + 8]
    with transaction.atomic():
        service_user = UserModel.objects.create_user(
            email=f"api-token-{prefix.lower()}-{secrets.token_hex(4)}@tokens.sitbone.invalid",
            password=None,
            full_name=f"API token “{name}” ({prefix}…)",
        )
        token = ApiToken.objects.create(
            clinic=clinic,
            name=name,
            prefix=prefix,
            token_hash=token_digest(secret),
            scopes=sorted(set(scopes)),
            service_user=service_user,
            created_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            category=AuditCategory.WRITE,
            action="api_token.create",
            actor=actor,
            clinic=clinic,
            patient=None,
            detail=f"token {prefix}… scopes {','.join(token.scopes)} for {days} days",
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            type(locked.service_user).objects.filter(pk=locked.service_user_id).update(
                is_active=False
            )
            audit_record(
                category=AuditCategory.WRITE,
                action="api_token.revoke",
                actor=actor,
                clinic=locked.clinic,
                patient=None,
                detail=f"token {locked.prefix}… revoked",
            )
    return locked


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The live (unrevoked, unexpired) token for a secret, or None. Marks it used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("clinic", "service_user")
        .filter(token_hash=token_digest(secret))
        .first()
    )
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.service_user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def idempotent_write(
    *,
    owner: str,
    key: str | None,
    fingerprint: str,
    patient: Patient | None,
    write: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run `write` once per (owner, key): (status, body, replayed), as `run_once` explains.

    Conflicts answer as the API does: the same key with a different request is 422
    `idempotency_key_reused`; the same key while the first is still running is 409
    `idempotency_in_progress`.
    """
    if key is None:
        status, body = write()
        return status, body, False
    try:
        return run_once(owner=owner, key=key, fingerprint=fingerprint, patient=patient, write=write)
    except KeyConflict as conflict:
        if conflict.reused:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request.",
                field="header.Idempotency-Key",
            ) from None
        raise ApiError(
            409,
            "idempotency_in_progress",
            "A request with this Idempotency-Key is being processed. Retry shortly.",
            field="header.Idempotency-Key",
        ) from None


def json_ready(body: dict[str, Any]) -> dict[str, Any]:
    """The body as plain JSON values (UUIDs and dates as strings), to store and replay it."""
    loaded: dict[str, Any] = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
    return loaded


EARLIEST_DAY = dt.date(2000, 1, 1)
"""No diary entry or measure is older than this (the forms' limit too): 0001-01-01 is a typo."""


def check_day(day: dt.date, patient: Patient, field: str) -> None:
    if day > clinic_today(patient.clinic):
        raise ApiError(422, "invalid", "The date cannot be in the future.", field=field)
    if day < EARLIEST_DAY:
        raise ApiError(
            422, "invalid", "Enter a date between 1 January 2000 and today.", field=field
        )


def session_log_create(
    *, actor: Any, patient: Patient, data: SessionLogCreateIn, idempotency_key: str | None
) -> SessionLog:
    """Store a session the patient logged through the API, with its exercises, and the engine's
    decision on it, as the app's form does (`diary.services.session_log_create`)."""
    check_day(data.performed_on, patient, "body.performed_on")
    for index, entry in enumerate(data.entries):
        if entry.exercise_id not in EXERCISES:
            raise ApiError(
                422,
                "invalid",
                f"“{entry.exercise_id}” is not an exercise in the catalogue.",
                field=f"body.entries[{index}].exercise_id",
            )
    programme = Programme.objects.filter(patient=patient, is_current=True).first()
    if programme is None:
        raise ApiError(409, "no_programme", "There is no current programme to log against yet.")
    prescribed = set(programme.exercises.values_list("exercise_id", flat=True))
    for index, entry in enumerate(data.entries):
        if entry.exercise_id not in prescribed:
            raise ApiError(
                422,
                "invalid",
                f"“{entry.exercise_id}” is not in this patient's current programme.",
                field=f"body.entries[{index}].exercise_id",
            )
    session, created = diary_services.session_log_create(
        actor=actor,
        patient=patient,
        programme=programme,
        performed_on=data.performed_on,
        entries=[entry.model_dump() for entry in data.entries],
        pain_during=data.pain_during,
        pain_after=data.pain_after,
        completed=data.completed,
        notes=data.notes,
        idempotency_key=idempotency_key,
        audit_action="api.session.create",
    )
    if not created:
        raise ApiError(409, "duplicate", "A session with this Idempotency-Key was already logged.")
    return session  # as stored, with its patient and programme


def morning_check_create(
    *, actor: Any, patient: Patient, data: MorningCheckCreateIn
) -> MorningCheck:
    """Store the patient's next-morning load test (one per morning) and the engine's decision on
    it, as the app's form does (`diary.services.morning_check_record`)."""
    check_day(data.checked_on, patient, "body.checked_on")
    check_in = diary_services.morning_check_record(
        actor=actor,
        patient=patient,
        checked_on=data.checked_on,
        pain=data.pain,
        stiffness_minutes=data.stiffness_minutes,
        task=data.task,
        audit_action="api.morning_check.create",
    )
    if not check_in.created:
        raise ApiError(
            409,
            "already_recorded",
            "A morning check-in for this date is already recorded.",
            field="body.checked_on",
        )
    return check_in.morning  # as stored, with its patient
