"""Reads of the clinician's record. ``patient`` must come from the access module
(``clinics.access.patient_for_staff``), which has already checked and audited the read."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from functools import cache
from importlib.resources import files
from typing import Any

from sitbone.assessments.models import AdjunctTherapy, Assessment, ClinicalNote
from sitbone.patients.models import Patient


def latest_assessment(
    *, patient: Patient, as_of: dt.date | None = None, only: tuple[str, ...] = ()
) -> Assessment | None:
    """The most recent assessment on or before ``as_of`` (default: any date); with ``only``,
    just those fields are read."""
    rows = Assessment.objects.filter(patient=patient)
    if as_of is not None:
        rows = rows.filter(assessed_on__lte=as_of)
    if only:
        rows = rows.only(*only)
    return rows.order_by("-assessed_on", "-id").first()


def assessments_for(*, patient: Patient, limit: int = 50) -> list[Assessment]:
    return list(
        Assessment.objects.filter(patient=patient)
        .select_related("assessed_by")
        .order_by("-assessed_on", "-id")[:limit]
    )


def assessment_for(*, patient: Patient, public_id: str) -> Assessment | None:
    """One of the patient's assessments, or None (the caller answers 404)."""
    try:
        parsed = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        Assessment.objects.select_related("assessed_by")
        .filter(patient=patient, public_id=parsed)
        .first()
    )


def adjuncts_for(*, patient: Patient, limit: int = 50) -> list[AdjunctTherapy]:
    return list(
        AdjunctTherapy.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("-given_on", "-id")[:limit]
    )


def notes_for(*, patient: Patient, limit: int = 50) -> list[ClinicalNote]:
    return list(
        ClinicalNote.objects.filter(patient=patient)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )


def _data(name: str) -> Any:
    text = files("sitbone.assessments").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def examination_checklists() -> dict[str, Any]:
    """Red flags (§3.2) and differentials (§3.1) the assessment form lists as checkboxes."""
    data: dict[str, Any] = _data("checklists.json")
    return data


@cache
def adjunct_evidence() -> dict[str, Any]:
    """The evidence summary for each adjunct therapy (§5.9), shown beside the form."""
    data: dict[str, Any] = _data("adjunct_evidence.json")
    return data
