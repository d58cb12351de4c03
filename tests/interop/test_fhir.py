"""The FHIR R4 Bundle of a demo patient: every resource validates, codes and references hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import World


@pytest.fixture
def demo(db: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from sitbone.demo.seed import seed_demo_clinic
    from sitbone.patients.models import Patient

    monkeypatch.setenv("SITBONE_DEMO_PASSWORD", "demo-password-for-tests")
    seed_demo_clinic()
    return Patient.objects.select_related("clinic").get(email="alex@demo.clinic")


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_demo_patients_bundle_validates_resource_by_resource(demo: Any) -> None:
    from fhir.resources.R4B import get_fhir_model_class

    from sitbone.interop.fhir import patient_bundle

    bundle = patient_bundle(demo)
    get_fhir_model_class("Bundle").model_validate(bundle)
    kinds = set()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        kinds.add(resource["resourceType"])
    assert {
        "Organization",
        "Patient",
        "Practitioner",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "CarePlan",
    } <= kinds


def test_references_resolve_inside_the_bundle(demo: Any) -> None:
    from sitbone.interop.fhir import patient_bundle

    bundle = patient_bundle(demo)
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])

    def references(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["reference"]] if isinstance(node.get("reference"), str) else []
            return found + [r for value in node.values() for r in references(value)]
        if isinstance(node, list):
            return [r for value in node for r in references(value)]
        return []

    refs = references([entry["resource"] for entry in bundle["entry"]])
    assert refs and set(refs) <= full_urls
    for response in resources(bundle, "QuestionnaireResponse"):
        assert response["questionnaire"] in full_urls


def test_pain_uses_loinc_and_totals_use_the_project_code_system(demo: Any) -> None:
    from sitbone.diary.models import MorningCheck, SessionLog
    from sitbone.interop.fhir import LOINC, MEASURE_SYSTEM, patient_bundle

    bundle = patient_bundle(demo)
    observations = resources(bundle, "Observation")
    pain = [
        o
        for o in observations
        if any(c["system"] == LOINC and c["code"] == "72514-3" for c in o["code"]["coding"])
    ]
    expected_pain = 2 * SessionLog.objects.filter(patient=demo).count()
    expected_pain += MorningCheck.objects.filter(patient=demo).count()
    assert len(pain) == expected_pain
    assert all(0 <= o["valueInteger"] <= 10 for o in pain)
    totals = {
        c["code"]
        for o in observations
        for c in o["code"]["coding"]
        if c["system"] == MEASURE_SYSTEM and c["code"].endswith("-total")
    }
    assert totals == {"visa-h-total", "lefs-total"}
    derived = [o for o in observations if "derivedFrom" in o]
    assert derived and all(
        d["derivedFrom"][0]["reference"].startswith("urn:uuid:") for d in derived
    )


def test_questionnaires_carry_the_engines_items(demo: Any) -> None:
    from sitbone.interop.fhir import patient_bundle

    bundle = patient_bundle(demo)
    by_id = {q["id"]: q for q in resources(bundle, "Questionnaire")}
    lefs, visa = by_id["sitbone-lefs"], by_id["sitbone-visa-h"]
    assert len(lefs["item"]) == 20 and lefs["status"] == "active"
    assert all(len(item["answerOption"]) == 5 for item in lefs["item"])
    assert len(visa["item"]) == 8 and visa["status"] == "draft"  # wording unverified (§4.1)
    assert visa["item"][7]["type"] == "group"
    for response in resources(bundle, "QuestionnaireResponse"):
        items = by_id[
            "sitbone-lefs" if response["questionnaire"].endswith("lefs") else "sitbone-visa-h"
        ]
        assert [i["linkId"] for i in response["item"]] == [i["linkId"] for i in items["item"]]


def test_the_care_plan_is_the_current_programme_with_doses(demo: Any) -> None:
    from sitbone.interop.fhir import patient_bundle
    from sitbone.programmes.models import Programme

    (plan,) = resources(patient_bundle(demo), "CarePlan")
    current = Programme.objects.get(patient=demo, is_current=True)
    assert plan["id"] == str(current.public_id) and plan["status"] == "active"
    codes = [a["detail"]["code"]["coding"][0]["code"] for a in plan["activity"]]
    assert codes == [e.exercise_id for e in current.exercises.all()]
    for activity, exercise in zip(plan["activity"], current.exercises.all(), strict=True):
        assert f"{exercise.sets} sets" in activity["detail"]["description"]
        repeat = activity["detail"]["scheduledTiming"]["repeat"]
        assert repeat == {"frequency": current.sessions_per_week, "period": 1, "periodUnit": "wk"}


def test_the_command_writes_a_validated_bundle(demo: Any, tmp_path: Path) -> None:
    from sitbone.clinics.models import AuditEvent

    out = tmp_path / "alex.json"
    call_command("export_fhir", patient=str(demo.public_id), out=str(out))
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"
    assert resources(bundle, "Patient")[0]["id"] == str(demo.public_id)
    assert AuditEvent.objects.filter(action="patient.fhir_export", patient=demo).exists()


def test_the_sitbone_command_has_the_export_fhir_alias(demo: Any, tmp_path: Path) -> None:
    from sitbone.cli import main

    out = tmp_path / "alias.json"
    assert main(["export-fhir", "--patient", str(demo.public_id), "--out", str(out)]) == 0
    assert json.loads(out.read_text())["type"] == "collection"


@pytest.mark.parametrize("value", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_the_command_refuses_an_unknown_patient(db: Any, value: str) -> None:
    with pytest.raises(CommandError):
        call_command("export_fhir", patient=value)


def test_the_api_serves_the_same_bundle(world: World, demo: Any) -> None:
    from django.test import Client

    from sitbone.api.services import api_token_create
    from sitbone.clinics.models import Membership
    from sitbone.interop.fhir import patient_bundle

    admin = Membership.objects.get(clinic=demo.clinic, role="admin").user
    _, secret = api_token_create(
        actor=admin,
        clinic=demo.clinic,
        name="EHR",
        scopes=["patients:read", "clinical:read"],
        days=1,
    )
    response = Client().get(
        f"/api/v1/patients/{demo.public_id}/fhir", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    served, built = response.json(), patient_bundle(demo)
    for bundle in (served, built):
        bundle.pop("id"), bundle.pop("timestamp")
    assert served == built


def test_appointments_are_exported_when_the_app_is_there(world: World) -> None:
    from django.apps import apps

    from sitbone.interop.fhir import patient_bundle

    if not apps.is_installed("sitbone.appointments"):
        pytest.skip("the appointments app is not installed in this build")
    from tests.appointments.factories import book, working_hours

    working_hours(world.clinic, world.clinician)
    appointment = book(world)
    bundle = patient_bundle(world.patient)
    (exported,) = resources(bundle, "Appointment")
    assert exported["id"] == str(appointment.public_id)
    assert exported["status"] == "booked"
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("Appointment").model_validate(exported)
    practitioners = {p["id"] for p in resources(bundle, "Practitioner")}
    assert str(world.clinician.public_id) in practitioners
