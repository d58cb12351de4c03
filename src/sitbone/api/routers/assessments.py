"""Clinical assessments (staff only: they hold the clinician's findings and notes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from sitbone.api.auth import principal_of, require_staff_principal
from sitbone.api.models import Scope
from sitbone.api.pagination import PageQuery, date_filtered, page
from sitbone.api.routers import READ_ERRORS
from sitbone.api.schemas import AssessmentOut, AssessmentPageOut
from sitbone.api.scoping import patient_for, record_for
from sitbone.assessments.models import Assessment

router = Router(tags=["assessments"])

FIELDS = (
    "assessed_on",
    "affected_side",
    "screening_answers",
    "screening_result",
    "training_spike",
    "previous_hamstring_injury",
    "prolonged_sitting",
    "stretching_habit",
    "age_years",
    "puranen_orava",
    "bent_knee",
    "modified_bent_knee",
    "pretest_probability",
    "posttest_probability",
    "posttest_test",
    "red_flags_present",
    "differentials_suspected",
    "slb_short_lever_pain",
    "slb_reps_left",
    "slb_reps_right",
    "curl_10rm_left_kg",
    "curl_10rm_right_kg",
    "drop_lunge_pain",
    "single_leg_rdl_pain",
    "rest_pain",
    "sport_load_pain",
    "sitting_tolerance_minutes",
    "notes",
    "created_at",
)


def assessments() -> Any:
    return Assessment.objects.select_related("patient")


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    values = {name: getattr(assessment, name) for name in FIELDS}
    for name, value in values.items():
        if isinstance(value, Decimal):
            values[name] = float(value)
    return {"id": assessment.public_id, "patient_id": assessment.patient.public_id, **values}


@router.get(
    "/patients/{patient_id}/assessments",
    response={200: AssessmentPageOut, **READ_ERRORS},
    summary="A patient's clinical assessments, newest first (staff)",
    description="`since`/`until` filter on the day of the assessment.",
)
def assessment_list(
    request: HttpRequest, patient_id: str, query: Query[PageQuery]
) -> dict[str, Any]:
    principal = principal_of(request)
    require_staff_principal(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.assessment.list")
    rows = date_filtered(assessments().filter(patient=patient), "assessed_on", query)
    items, cursor = page(rows, order="assessed_on", query=query)
    return {"items": [assessment_out(a) for a in items], "next_cursor": cursor}


@router.get(
    "/assessments/{id}",
    response={200: AssessmentOut, **READ_ERRORS},
    summary="One clinical assessment (staff)",
)
def assessment_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_staff_principal(principal, Scope.CLINICAL_READ)
    return assessment_out(record_for(principal, assessments(), id, request, "api.assessment.view"))
