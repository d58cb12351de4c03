"""The programme editor keeps every version with who, when, what and why; threshold overrides are
validated by the engine; approvals move the stage and declines do not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sitbone.clinics.models import AuditEvent
from sitbone.programmes.models import Approval, Decision, Programme
from sitbone.programmes.selectors import version_diff
from sitbone.programmes.services import prescription_for, programme_from_prescription
from tests.clinics.factories import decision_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def editor_data(rows: list[dict[str, Any]], **programme: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ex-TOTAL_FORMS": str(len(rows)),
        "ex-INITIAL_FORMS": "0",
        "ex-MIN_NUM_FORMS": "0",
        "ex-MAX_NUM_FORMS": "1000",
        "stage": "1",
        "sessions_per_week": "3",
        "reason": "Sets 3 → 4 after two green weeks",
    }
    data.update(programme)
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"ex-{index}-{key}"] = "" if value is None else str(value)
    return data


def rows_of(programme: Programme) -> list[dict[str, Any]]:
    return [
        {
            "exercise_id": e.exercise_id,
            "sets": e.sets,
            "reps": e.reps,
            "hold_seconds": e.hold_seconds,
            "load": e.load,
            "rest_seconds": e.rest_seconds,
        }
        for e in programme.exercises.all()
    ]


@pytest.fixture
def started(world: World) -> Programme:
    return programme_from_prescription(
        actor=world.clinician, patient=world.patient, stage=1, reason="Initial programme"
    )


def edit_url(world: World) -> str:
    return f"/clinic/patients/{world.patient.public_id}/programme/edit/"


def test_the_editor_starts_from_the_engines_prescription_for_a_stage(world: World) -> None:
    page = client_for(world.clinician).get(edit_url(world) + "?from_stage=3")

    expected = prescription_for(patient=world.patient, stage=3)["exercises"]
    text = page.content.decode()
    assert page.status_code == 200
    for item in expected:
        assert f'<option value="{item["exercise_id"]}" selected>' in text
    assert "Started from the engine&#x27;s stage 3 prescription" in text


def test_editing_one_dose_makes_a_new_version_and_keeps_the_old_one(
    world: World, started: Programme
) -> None:
    rows = rows_of(started)
    rows[0]["sets"] = rows[0]["sets"] + 1

    response = client_for(world.clinician).post(edit_url(world), editor_data(rows))

    assert response.status_code == 302
    versions = list(Programme.objects.filter(patient=world.patient).order_by("version"))
    assert [(v.version, v.is_current) for v in versions] == [(1, False), (2, True)]
    new = versions[1]
    assert new.created_by == world.clinician
    assert new.reason == "Sets 3 → 4 after two green weeks"
    diff = version_diff(versions[0], new)
    assert diff.added == diff.removed == []
    assert len(diff.changed) == 1
    assert f"sets {rows[0]['sets'] - 1} → {rows[0]['sets']}" in diff.changed[0]
    assert AuditEvent.objects.filter(action="programme.revise", patient=world.patient).exists()
    history = client_for(world.clinician).get(
        f"/clinic/patients/{world.patient.public_id}/programme/"
    )
    text = history.content.decode()
    assert "Version 2" in text and "Version 1" in text
    assert "Sets 3 → 4 after two green weeks" in text
    assert "Cleo Clinician" in text


def test_exercises_can_be_added_removed_and_swapped(world: World, started: Programme) -> None:
    rows = rows_of(started)
    removed = rows[0]["exercise_id"]
    rows[0]["remove"] = "on"
    swapped_from = rows[1]["exercise_id"]
    rows[1]["exercise_id"] = "calf_raise_double_leg"
    rows.append({"exercise_id": "dead_bug", "sets": 2, "reps": 8, "load": "", "rest_seconds": 60})

    response = client_for(world.clinician).post(edit_url(world), editor_data(rows))

    assert response.status_code == 302
    new = Programme.objects.get(patient=world.patient, is_current=True)
    ids = [e.exercise_id for e in new.exercises.all()]
    assert removed not in ids and swapped_from not in ids
    assert "calf_raise_double_leg" in ids and ids[-1] == "dead_bug"
    diff = version_diff(started, new)
    assert "Dead bug" in diff.added
    assert len(diff.removed) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": ""}, "This field is required"),
        ({"sessions_per_week": "15"}, "less than or equal to 14"),
        ({"row_sets": "0"}, "greater than or equal to 1"),
        ({"row_exercise_id": "moonwalk"}, "Select a valid choice"),
        ({"row_reps": "", "row_hold_seconds": ""}, "Give the repetitions or the hold time"),
        ({"duplicate": True}, "An exercise appears twice"),
        ({"remove_all": True}, "A programme needs at least one exercise"),
        # a hidden character (pasted, or stored long ago) is named with where it is
        ({"row_load": "70%\u200b effort"}, "Remove the hidden character after “70%” (U+200B)"),
        ({"reason": "Sets up\x07"}, "Remove the hidden character after “Sets up” (U+0007)"),
    ],
)
def test_a_bad_edit_is_refused_and_no_version_is_written(
    world: World, started: Programme, change: dict[str, Any], message: str
) -> None:
    rows = rows_of(started)
    for key, value in change.items():
        if key.startswith("row_"):
            rows[0][key.removeprefix("row_")] = value
    if change.get("duplicate"):
        rows[1]["exercise_id"] = rows[0]["exercise_id"]
    if change.get("remove_all"):
        for row in rows:
            row["remove"] = "on"
    programme = {k: v for k, v in change.items() if k in ("reason", "sessions_per_week")}

    response = client_for(world.clinician).post(edit_url(world), editor_data(rows, **programme))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Programme.objects.filter(patient=world.patient).count() == 1


def thresholds_url(world: World) -> str:
    return f"/clinic/patients/{world.patient.public_id}/thresholds/"


def test_threshold_overrides_are_saved_when_the_engine_accepts_them(world: World) -> None:
    response = client_for(world.clinician).post(
        thresholds_url(world), {"red_pain": "7", "gate_lsi_min": "0.85"}
    )

    assert response.status_code == 302
    world.patient.refresh_from_db()
    assert world.patient.thresholds == {"red_pain": 7, "gate_lsi_min": 0.85}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amber_pain": "6"}, "amber_pain (6) must be below red_pain (6)"),
        ({"red_pain": "11"}, "red_pain must be a whole number from 1 to 10; got 11"),
        ({"gate_lsi_min": "3"}, "gate_lsi_min must be a number from 0.5 to 1.5; got 3"),
        ({"red_pain": "lots"}, "Enter a whole number"),
    ],
)
def test_bad_thresholds_get_the_engines_message_and_nothing_changes(
    world: World, data: dict[str, str], message: str
) -> None:
    world.patient.thresholds = {"red_pain": 8}
    world.patient.save()

    response = client_for(world.clinician).post(thresholds_url(world), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    world.patient.refresh_from_db()
    assert world.patient.thresholds == {"red_pain": 8}


def review_url(world: World, decision: Decision) -> str:
    return f"/clinic/patients/{world.patient.public_id}/decisions/{decision.public_id}/"


def test_approving_moves_the_stage_and_starts_a_new_programme_version(
    world: World, started: Programme
) -> None:
    decision = decision_for(world.patient)

    response = client_for(world.clinician).post(
        review_url(world, decision), {"decision": "approve", "note": "Well done, on to stage 2."}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    world.patient.refresh_from_db()
    assert decision.approval == Approval.APPROVED
    assert decision.review_note == "Well done, on to stage 2."
    assert decision.reviewed_by == world.clinician
    assert world.patient.stage == 2
    current = Programme.objects.get(patient=world.patient, is_current=True)
    assert (current.version, current.stage) == (2, 2)
    assert AuditEvent.objects.filter(action="decision.approve").exists()


def test_declining_keeps_the_stage_and_the_programme(world: World, started: Programme) -> None:
    decision = decision_for(world.patient)

    without_note = client_for(world.clinician).post(
        review_url(world, decision), {"decision": "decline"}
    )
    response = client_for(world.clinician).post(
        review_url(world, decision), {"decision": "decline", "note": "Let us wait a week."}
    )

    assert without_note.status_code == 400
    assert "Tell the patient why you declined" in without_note.content.decode()
    assert response.status_code == 302
    decision.refresh_from_db()
    world.patient.refresh_from_db()
    assert decision.approval == Approval.DECLINED
    assert world.patient.stage == 1
    assert Programme.objects.filter(patient=world.patient).count() == 1


def test_a_reviewed_proposal_cannot_be_reviewed_again(world: World, started: Programme) -> None:
    decision = decision_for(world.patient, approval=Approval.DECLINED)

    response = client_for(world.clinician).post(
        review_url(world, decision), {"decision": "approve"}
    )

    assert response.status_code == 409
    world.patient.refresh_from_db()
    assert world.patient.stage == 1


def test_the_approvals_list_shows_the_caseloads_pending_proposals(world: World) -> None:
    decision_for(world.patient)
    decision_for(world.other_patient)

    mine = client_for(world.clinician).get("/clinic/approvals/").content.decode()
    foreign = client_for(world.other_clinic_clinician).get("/clinic/approvals/").content.decode()

    assert "Pat Patient" in mine and "Olly Other" not in mine
    assert "Pat Patient" not in foreign and "Nothing to approve." in foreign


@pytest.mark.parametrize(
    "what", ["edit", "thresholds", "approve", "decline"], ids=lambda w: f"mutation-{w}"
)
def test_another_clinics_clinician_gets_404_and_nothing_changes(
    world: World, started: Programme, what: str
) -> None:
    decision = decision_for(world.patient)
    client = client_for(world.other_clinic_clinician)
    if what == "edit":
        response = client.post(edit_url(world), editor_data(rows_of(started)))
    elif what == "thresholds":
        response = client.post(thresholds_url(world), {"red_pain": "9"})
    else:
        response = client.post(review_url(world, decision), {"decision": what, "note": "x"})

    assert response.status_code == 404
    decision.refresh_from_db()
    world.patient.refresh_from_db()
    assert decision.approval == Approval.PENDING
    assert (world.patient.stage, world.patient.thresholds) == (1, {})
    assert Programme.objects.filter(patient=world.patient).count() == 1


def test_a_decision_of_another_patient_is_not_found_through_this_patient(world: World) -> None:
    other = decision_for(world.other_patient)
    url = f"/clinic/patients/{world.patient.public_id}/decisions/{other.public_id}/"

    response = client_for(world.clinician).post(url, {"decision": "approve"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.approval == Approval.PENDING
