from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sitbone.api.auth import principal_of, require_scope
from sitbone.api.models import Scope
from sitbone.api.routers import READ_ERRORS
from sitbone.api.scoping import patient_for
from sitbone.interop.fhir import patient_bundle

router = Router(tags=["FHIR"])


@router.get(
    "/patients/{patient_id}/fhir",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="The patient's record as a FHIR R4 Bundle",
    description="A `collection` Bundle: Patient, Organization, Practitioner, Questionnaire "
    "(VISA-H, LEFS), QuestionnaireResponse, Observation (LOINC 72514-3 for 0–10 pain), CarePlan "
    "(the current programme) and Appointment. Needs `patients:read` and `clinical:read`.",
)
def patient_fhir(request: HttpRequest, patient_id: str) -> dict[str, Any]:
    principal = principal_of(request)
    require_scope(principal, Scope.PATIENTS_READ)
    require_scope(principal, Scope.CLINICAL_READ)
    patient = patient_for(principal, patient_id, request, "api.patient.fhir")
    return patient_bundle(patient)
