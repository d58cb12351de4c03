"""API credentials, the idempotency record of writes made through the API, and the counts of
the rate limits (sitbone.api.ratelimit)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    """What a clinic API token may do. Tokens never reach another clinic, whatever their scopes."""

    PATIENTS_READ = "patients:read", "Read patients"
    CLINICAL_READ = "clinical:read", "Read clinical records"
    CLINICAL_WRITE = "clinical:write", "Record measures"
    ENGINE = "engine", "Use the clinical engine"


def empty_list() -> list[Any]:
    return []


class ApiToken(models.Model):
    """A per-clinic credential for integrations. Only a SHA-256 of the secret is stored; the secret
    is shown once, when the token is made."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    """What the token is for, e.g. "Practice management sync"."""

    prefix = models.CharField(max_length=16, unique=True)
    """The first characters of the secret, shown in lists so people can tell tokens apart."""

    token_hash = models.CharField(max_length=64, unique=True)
    """SHA-256 (hex) of the whole secret."""

    scopes = models.JSONField(default=empty_list)
    """Scope values (see Scope)."""

    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    """The identity the token acts as: it names the token in the audit trail. It has no password
    and no clinic membership; the API gives it the clinic's staff context for each request."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, so a retry gets the same answer.

    A row without a status is a request still being processed: a concurrent duplicate gets 409.
    """

    owner = models.CharField(max_length=80)
    """Who sent it: "user:<public id>" for a session, "token:<public id>" for a token."""

    key = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    """SHA-256 of method, path and canonical JSON body: the same key with another body is
    refused."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, null=True, related_name="+"
    )
    """The patient the write was about; the record goes when the patient's data is erased."""

    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class RateWindow(models.Model):
    """How many times one rate-limit bucket was counted in one fixed window.

    Kept in the database so that every server process counts against the same allowance (a
    count in each process's memory would give an address three times the failed sign-ins with
    three workers). The bucket is a SHA-256 of its name: no address or email is stored here.
    """

    bucket = models.CharField(max_length=64)
    starts_at = models.BigIntegerField()
    """The window's start, in seconds since the epoch."""

    ends_at = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "starts_at"], name="rate_window_once")
        ]

    def __str__(self) -> str:
        return f"{self.bucket[:12]} {self.starts_at}: {self.hits}"
