"""Rows the clinician-workspace tests (and the access matrix) need: assessments, decisions,
reports, sessions, measures. Plain model writes, so tests control every value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.conftest import World


def decision_for(patient: Any, *, made_on: dt.date | None = None, **fields: Any) -> Any:
    from sitbone.programmes.models import Decision

    values: dict[str, Any] = {
        "zone": "green",
        "action": "progress",
        "stage_from": patient.stage,
        "stage_to": patient.stage + 1,
        "stage_change": "advance",
        "reasons": [{"rule": "PMM-GREEN", "text": "Green."}],
        "approval": "pending",
    }
    values.update(fields)
    return Decision.objects.create(
        clinic=patient.clinic, patient=patient, made_on=made_on or dt.date.today(), **values
    )


def assessment_for(patient: Any, **fields: Any) -> Any:
    from sitbone.assessments.models import Assessment

    values: dict[str, Any] = {
        "assessed_on": dt.date.today(),
        "affected_side": patient.affected_side,
        "pretest_probability": Decimal("0.500"),
    }
    values.update(fields)
    return Assessment.objects.create(clinic=patient.clinic, patient=patient, **values)


def report_for(patient: Any, **fields: Any) -> Any:
    from sitbone.reports.models import ProgressReport

    values: dict[str, Any] = {"audience": "patient", "summary": "Going well."}
    values.update(fields)
    return ProgressReport.objects.create(clinic=patient.clinic, patient=patient, **values)


def workspace_matrix_params(world: World) -> dict[str, str]:
    """Ids of real rows of the patient's record for the workspace routes in the matrix."""
    return {
        "assessment_id": str(assessment_for(world.patient).public_id),
        "decision_id": str(decision_for(world.patient).public_id),
        "report_id": str(report_for(world.patient).public_id),
        "instrument": "visa_h",
    }
