"""One patient's record as a FHIR R4 Bundle (type "collection").

Resources: Organization (the clinic), Patient, Practitioner (assigned clinicians), Questionnaire
(VISA-H and LEFS, items taken from the engine's instrument definitions), QuestionnaireResponse
(each VISA-H and LEFS), Observation (pain scores and measure totals), CarePlan (the current
programme, one activity per exercise with its dose) and Appointment (when the appointments app is
installed).

Codes: 0–10 pain scores use LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] -
Reported", a real LOINC code. We found no LOINC code we could verify for the VISA-H total, the LEFS
total, the GROC, the Nirschl phase or sitting tolerance, so those use Sitbone's own CodeSystem
(`MEASURE_SYSTEM`) rather than a guessed code; the pain Observations carry a Sitbone code too, which
says when the pain was scored.

The tests validate every resource with `fhir.resources.R4B` (fhir.resources 8 ships R5 at the top
level and R4B, the R4-compatible 4.3 release, as a subpackage; there is no separate R4 package).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.apps import apps
from django.utils import timezone

from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.engine.instruments import instrument_definition
from sitbone.engine.prescription import EXERCISES
from sitbone.measures.models import MeasureResult
from sitbone.patients.models import Patient
from sitbone.programmes.models import Programme

BASE = "https://sitbone.invalid/fhir"
MEASURE_SYSTEM = f"{BASE}/CodeSystem/measures"
EXERCISE_SYSTEM = f"{BASE}/CodeSystem/exercises"
ID_SYSTEM = f"{BASE}/NamingSystem"
LOINC = "http://loinc.org"
LOINC_PAIN_0_10 = "72514-3"  # LOINC: Pain severity - 0-10 verbal numeric rating [Score] - Reported
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
QUESTIONNAIRES = {"visa_h": "visa-h", "lefs": "lefs"}
"""Engine instrument id → Questionnaire id, for the questionnaires exported item by item."""

MEASURE_CODES = {
    "visa_h": ("visa-h-total", "VISA-H total score (0–100)"),
    "lefs": ("lefs-total", "Lower Extremity Functional Scale total score (0–80)"),
    "groc": ("groc", "Global Rating of Change (−7 to +7)"),
    "nirschl": ("nirschl-phase", "Nirschl pain phase (1–7)"),
    "sitting_tolerance": ("sitting-tolerance", "Minutes of sitting before pain reaches 3/10"),
}


def _urn(value: uuid.UUID | str) -> str:
    return f"urn:uuid:{value}"


def _ref(value: uuid.UUID | str, display: str | None = None) -> dict[str, Any]:
    reference: dict[str, Any] = {"reference": _urn(value)}
    if display:
        reference["display"] = display
    return reference


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def questionnaire_url(instrument: str) -> str:
    return f"{BASE}/Questionnaire/{QUESTIONNAIRES[instrument]}"


def _pain_code(context: str, display: str) -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": LOINC,
                "code": LOINC_PAIN_0_10,
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            },
            {"system": MEASURE_SYSTEM, "code": context, "display": display},
        ],
        "text": display,
    }


def _option(value: object, label: str) -> dict[str, Any]:
    return {"valueCoding": {"system": MEASURE_SYSTEM, "code": str(value), "display": label}}


def _questionnaire_item(item: dict[str, Any]) -> dict[str, Any]:
    link = item["id"]
    if item["kind"] == "choice":
        return {
            "linkId": link,
            "text": item["text"],
            "type": "choice",
            "required": True,
            "answerOption": [_option(o["value"], o["label"]) for o in item["options"]],
        }
    if item["kind"] == "scale":
        return {
            "linkId": link,
            "text": f"{item['text']} ({item['min']} = {item['min_label']}, "
            f"{item['max']} = {item['max_label']})",
            "type": "integer",
            "required": True,
        }
    return {  # branch and minutes (VISA-H Q8)
        "linkId": link,
        "text": item["text"],
        "type": "group",
        "required": True,
        "item": [
            {
                "linkId": f"{link}.branch",
                "text": "Which describes you best?",
                "type": "choice",
                "required": True,
                "answerOption": [_option(o["value"], o["label"]) for o in item["options"]],
            },
            {
                "linkId": f"{link}.minutes",
                "text": item.get("minutes_label") or "Minutes",
                "type": "integer",
                "required": True,
            },
        ],
    }


def questionnaire(instrument: str) -> dict[str, Any]:
    definition = instrument_definition(instrument).to_dict()
    provenance = definition["provenance"]
    return {
        "resourceType": "Questionnaire",
        "id": f"sitbone-{QUESTIONNAIRES[instrument]}",
        "url": questionnaire_url(instrument),
        "name": definition["short_name"].replace("-", "").upper(),
        "title": definition["name"],
        # Unverified wording (VISA-H, clinical-brief §4.1) is exported as a draft.
        "status": "active" if provenance["verified"] else "draft",
        "description": f"{definition['instructions']} Source: {provenance['source']} "
        f"{provenance['note']}",
        "subjectType": ["Patient"],
        "item": [_questionnaire_item(item) for item in definition["items"]],
    }


def _answer_for(item: dict[str, Any], raw: object) -> dict[str, Any]:
    link = item["id"]
    if item["kind"] == "choice":
        labels = {str(o["value"]): o["label"] for o in item["options"]}
        return {"linkId": link, "answer": [_option(raw, labels.get(str(raw), str(raw)))]}
    if item["kind"] == "scale":
        return {"linkId": link, "answer": [{"valueInteger": int(raw)}]}  # type: ignore[call-overload]
    answer = raw if isinstance(raw, dict) else {}
    labels = {str(o["value"]): o["label"] for o in item["options"]}
    branch = str(answer.get("branch", ""))
    return {
        "linkId": link,
        "item": [
            {"linkId": f"{link}.branch", "answer": [_option(branch, labels.get(branch, branch))]},
            {
                "linkId": f"{link}.minutes",
                "answer": [{"valueInteger": int(answer.get("minutes", 0))}],
            },
        ],
    }


def questionnaire_response(measure: MeasureResult, patient_ref: dict[str, Any]) -> dict[str, Any]:
    items = instrument_definition(measure.instrument).to_dict()["items"]
    answers = measure.answers
    if isinstance(answers, list):
        by_item = {item["id"]: answers[i] for i, item in enumerate(items) if i < len(answers)}
    else:
        by_item = {item["id"]: answers.get(item["id"]) for item in items}
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(measure.public_id),
        "questionnaire": questionnaire_url(measure.instrument),
        "status": "completed",
        "subject": patient_ref,
        "authored": measure.taken_on.isoformat(),
        "item": [
            _answer_for(item, by_item[item["id"]])
            for item in items
            if by_item.get(item["id"]) is not None
        ],
    }


def _observation(
    *,
    obs_id: uuid.UUID | str,
    code: dict[str, Any],
    patient_ref: dict[str, Any],
    on: dt.date,
    value: int,
    category: str = "survey",
    derived_from: str | None = None,
) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(obs_id),
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": category}]},
        ],
        "code": code,
        "subject": patient_ref,
        "effectiveDateTime": on.isoformat(),
        "valueInteger": int(value),
    }
    if derived_from:
        observation["derivedFrom"] = [{"reference": derived_from}]
    return observation


def _derived_id(base: uuid.UUID, suffix: str) -> uuid.UUID:
    """A stable id for a resource made from part of a row (e.g. the 'after' pain of a session)."""
    return uuid.uuid5(base, suffix)


def pain_observations(patient: Patient, patient_ref: dict[str, Any]) -> list[dict[str, Any]]:
    observations = []
    for session in SessionLog.objects.filter(patient=patient).order_by("performed_on", "id"):
        for part, value, text in (
            ("during", session.pain_during, "Pain during the exercise session"),
            ("after", session.pain_after, "Pain straight after the exercise session"),
        ):
            observations.append(
                _observation(
                    obs_id=_derived_id(session.public_id, part),
                    code=_pain_code(f"pain-{part}-session", text),
                    patient_ref=patient_ref,
                    on=session.performed_on,
                    value=value,
                )
            )
    for check in MorningCheck.objects.filter(patient=patient).order_by("checked_on", "id"):
        observations.append(
            _observation(
                obs_id=check.public_id,
                code=_pain_code("pain-morning-load-test", "Pain on the next-morning load test"),
                patient_ref=patient_ref,
                on=check.checked_on,
                value=check.pain,
            )
        )
    return observations


def measure_resources(patient: Patient, patient_ref: dict[str, Any]) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = []
    for measure in MeasureResult.objects.filter(patient=patient).order_by("taken_on", "id"):
        derived = None
        if measure.instrument in QUESTIONNAIRES:
            resources.append(questionnaire_response(measure, patient_ref))
            derived = _urn(measure.public_id)
        if measure.instrument == "nprs":
            code = _pain_code("pain-nprs", "Pain now (numeric rating scale)")
        elif measure.instrument in MEASURE_CODES:
            value, display = MEASURE_CODES[measure.instrument]
            code = {
                "coding": [{"system": MEASURE_SYSTEM, "code": value, "display": display}],
                "text": display,
            }
        else:
            continue
        resources.append(
            _observation(
                obs_id=_derived_id(measure.public_id, "total"),
                code=code,
                patient_ref=patient_ref,
                on=measure.taken_on,
                value=measure.total,
                derived_from=derived,
            )
        )
    return resources


def _dose(exercise: Any, sessions_per_week: int) -> str:
    amount = f"{exercise.reps} reps" if exercise.reps else f"{exercise.hold_seconds} s hold"
    load = f", {exercise.load}" if exercise.load else ""
    return (
        f"{exercise.sets} sets × {amount}{load}, rest {exercise.rest_seconds} s; "
        f"{sessions_per_week} sessions a week"
    )


def care_plan(programme: Programme, patient_ref: dict[str, Any]) -> dict[str, Any]:
    activities = []
    for item in programme.exercises.all():
        catalogue = EXERCISES.get(item.exercise_id)
        name = catalogue.name if catalogue is not None else item.exercise_id
        activities.append(
            {
                "detail": {
                    "code": {
                        "coding": [
                            {"system": EXERCISE_SYSTEM, "code": item.exercise_id, "display": name}
                        ],
                        "text": name,
                    },
                    "status": "in-progress",
                    "description": _dose(item, programme.sessions_per_week),
                    "scheduledTiming": {
                        "repeat": {
                            "frequency": programme.sessions_per_week,
                            "period": 1,
                            "periodUnit": "wk",
                        }
                    },
                }
            }
        )
    return {
        "resourceType": "CarePlan",
        "id": str(programme.public_id),
        "status": "active" if programme.is_current else "revoked",
        "intent": "plan",
        "title": f"Stage {programme.stage} loading programme (version {programme.version})",
        "description": programme.reason or "Proximal hamstring tendinopathy loading programme",
        "subject": patient_ref,
        "created": _instant(programme.created_at),
        "period": {"start": _instant(programme.created_at)},
        "activity": activities,
    }


def appointment_resources(
    patient: Patient, patient_ref: dict[str, Any], practitioners: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """FHIR Appointments, when the appointments app is installed."""
    if not apps.is_installed("sitbone.appointments"):
        return []
    model = apps.get_model("appointments", "Appointment")
    resources = []
    rows = model.objects.filter(patient=patient).select_related("clinician", "appointment_type")
    for row in rows.order_by("starts_at", "id"):
        clinician = row.clinician
        participants = [{"actor": patient_ref, "status": "accepted"}]
        participants.append(
            {"actor": _ref(clinician.public_id, clinician.full_name), "status": "accepted"}
        )
        resources.append(
            {
                "resourceType": "Appointment",
                "id": str(row.public_id),
                "status": "cancelled" if row.status == "cancelled" else "booked",
                "description": str(getattr(row.appointment_type, "name", "Appointment")),
                "start": _instant(row.starts_at),
                "end": _instant(row.ends_at),
                "created": _instant(row.created_at),
                "participant": participants,
            }
        )
        practitioners.setdefault(clinician.pk, practitioner(clinician))
    return resources


def practitioner(user: Any) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": str(user.public_id),
        "identifier": [{"system": f"{ID_SYSTEM}/staff", "value": str(user.public_id)}],
        "active": bool(user.is_active),
        "name": [{"text": user.full_name or user.email}],
        "telecom": [{"system": "email", "value": user.email, "use": "work"}],
    }


def patient_bundle(patient: Patient) -> dict[str, Any]:
    """Everything Sitbone holds about the patient that FHIR has a place for, as one Bundle."""
    clinic = patient.clinic
    organization = {
        "resourceType": "Organization",
        "id": str(clinic.public_id),
        "identifier": [{"system": f"{ID_SYSTEM}/clinic", "value": str(clinic.public_id)}],
        "name": clinic.name,
    }
    practitioners = {u.pk: practitioner(u) for u in patient.assigned_clinicians.all()}
    patient_resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.public_id),
        "identifier": [{"system": f"{ID_SYSTEM}/patient", "value": str(patient.public_id)}],
        "active": patient.discharged_on is None,
        "name": [{"text": patient.full_name}],
        "telecom": [{"system": "email", "value": patient.email}],
        "managingOrganization": _ref(clinic.public_id, clinic.name),
    }
    if patient.date_of_birth:
        patient_resource["birthDate"] = patient.date_of_birth.isoformat()
    if practitioners:
        patient_resource["generalPractitioner"] = [
            _ref(p["id"], p["name"][0]["text"]) for p in practitioners.values()
        ]
    patient_ref = _ref(patient.public_id, patient.full_name)
    resources: list[dict[str, Any]] = [organization, patient_resource]
    resources += [questionnaire(instrument) for instrument in QUESTIONNAIRES]
    resources += measure_resources(patient, patient_ref)
    resources += pain_observations(patient, patient_ref)
    current = (
        Programme.objects.filter(patient=patient, is_current=True)
        .prefetch_related("exercises")
        .first()
    )
    if current is not None:
        resources.append(care_plan(current, patient_ref))
    resources += appointment_resources(patient, patient_ref, practitioners)
    resources[2:2] = list(practitioners.values())
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "collection",
        "timestamp": _instant(timezone.now()),
        "entry": [{"fullUrl": _full_url(r), "resource": r} for r in resources],
    }


def _full_url(resource: dict[str, Any]) -> str:
    if resource["resourceType"] == "Questionnaire":
        return str(resource["url"])
    return _urn(resource["id"])


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Raise if the bundle or any resource in it is not valid FHIR (R4B models)."""
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
