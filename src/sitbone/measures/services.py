"""Writes for outcome measures: every total comes from the engine's scoring."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from sitbone.clinics.models import AuditCategory
from sitbone.clinics.services import audit_record
from sitbone.engine.commands import COMMANDS
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.services import engine_thresholds

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def measure_score(
    *, patient: Patient, instrument: str, answers: Any, previous: MeasureResult | None = None
) -> dict[str, Any]:
    """The engine's score (raises EngineInputError for invalid answers), with change from before."""
    document: dict[str, Any] = {"instrument": instrument, "answers": answers}
    if previous is not None:
        document["previous_total"] = previous.total
    thresholds = engine_thresholds(patient)
    if thresholds:
        # A clinic-set VISA-H change threshold (none is published) travels as visa_h_mcid.
        document["thresholds"] = thresholds
    return COMMANDS["score"](document)


@transaction.atomic
def measure_record(
    *, actor: User, patient: Patient, instrument: str, answers: Any, taken_on: dt.date
) -> tuple[MeasureResult, dict[str, Any]]:
    """Score with the engine and store item-level answers with the total; returns the score too."""
    previous = (
        MeasureResult.objects.filter(patient=patient, instrument=instrument)
        .order_by("-taken_on", "-id")
        .first()
    )
    scored = measure_score(
        patient=patient, instrument=instrument, answers=answers, previous=previous
    )
    result = MeasureResult.objects.create(
        clinic=patient.clinic,
        patient=patient,
        instrument=instrument,
        taken_on=taken_on,
        answers=answers,
        total=scored["total"],
        entered_by=actor,
    )
    audit_record(
        category=AuditCategory.WRITE,
        action=f"measure.{instrument}",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
    )
    return result, scored
