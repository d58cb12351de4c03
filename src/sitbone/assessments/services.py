"""Writes for the clinician's record: assessments, adjunct therapies, clinical notes.

Every clinical number comes from the engine: screening triage (clinical-brief §3) and post-test
probability (§2.3) are computed by ``sitbone.engine`` and stored exactly as it answered. A saved
assessment feeds the stage gates (§5.6), so the engine is asked for a fresh decision straight away
when the patient has sessions to judge.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from sitbone.assessments.mappers import STRETCH_TESTS, post_test_input
from sitbone.assessments.models import AdjunctTherapy, Assessment, ClinicalNote
from sitbone.clinics.models import AuditCategory, clinic_today
from sitbone.clinics.services import audit_record
from sitbone.diary.models import SessionLog
from sitbone.engine.commands import COMMANDS
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User

ASSESSMENT_FIELDS = (
    "training_spike",
    "previous_hamstring_injury",
    "prolonged_sitting",
    "stretching_habit",
    "age_years",
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
)


def post_test(*, pretest: Decimal, results: dict[str, str]) -> dict[str, Any] | None:
    """The engine's post-test probability for the tests performed (None when none was done).

    Raises ``EngineInputError`` for a pre-test probability outside (0, 1).
    """
    document = post_test_input(pretest=pretest, results=results)
    return None if document is None else COMMANDS["post-test"](document)


def screening(answers: dict[str, bool]) -> dict[str, Any]:
    """The engine's triage of the history items (unanswered items count as no)."""
    return COMMANDS["screen"]({"answers": answers})


@transaction.atomic
def assessment_record(
    *, actor: User, patient: Patient, assessed_on: dt.date, data: dict[str, Any]
) -> Assessment:
    """Store an assessment with the engine's screening and post-test answers.

    ``data`` holds the form's cleaned values: the model fields named in ``ASSESSMENT_FIELDS``,
    ``screening_answers`` ({item id: bool}), ``pretest_probability``, one result per stretch test
    (engine test ids), ``red_flags_present`` and ``differentials_suspected`` (checklist ids).
    Raises ``EngineInputError`` (nothing is written) when the engine refuses the input.
    """
    results = {name: data.get(name) or "" for name in STRETCH_TESTS}
    pretest = Decimal(data["pretest_probability"])
    answer = post_test(pretest=pretest, results=results)
    screen = screening(dict(data.get("screening_answers") or {}))
    assessment = Assessment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        assessed_on=assessed_on,
        assessed_by=actor,
        affected_side=patient.affected_side,
        screening_answers=dict(data.get("screening_answers") or {}),
        screening_result=screen,
        pretest_probability=pretest,
        posttest_probability=None if answer is None else Decimal(str(answer["posttest"])),
        posttest_test="" if answer is None else answer["used"]["name"],
        posttest_likelihood_ratio=(
            None if answer is None else Decimal(str(answer["used"]["likelihood_ratio"]))
        ),
        posttest_reasons=[] if answer is None else answer.get("reasons", []),
        red_flags_present=list(data.get("red_flags_present") or []),
        differentials_suspected=list(data.get("differentials_suspected") or []),
        **results,
        **{name: data.get(name) for name in ASSESSMENT_FIELDS if name in data},
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="assessment.create",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
    )
    if SessionLog.objects.filter(patient=patient).exists():
        from sitbone.programmes.services import decision_record

        decision_record(patient=patient, made_on=max(assessed_on, clinic_today(patient.clinic)))
    return assessment


@transaction.atomic
def adjunct_record(*, actor: User, patient: Patient, data: dict[str, Any]) -> AdjunctTherapy:
    therapy = AdjunctTherapy.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=data["kind"],
        given_on=data["given_on"],
        given_by=data.get("given_by") or "",
        dose=data.get("dose") or "",
        guidance=data.get("guidance") or "",
        notes=data.get("notes") or "",
        recorded_by=actor,
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="adjunct.create",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=therapy.kind,
    )
    return therapy


@transaction.atomic
def note_create(*, actor: User, patient: Patient, text: str) -> ClinicalNote:
    note = ClinicalNote.objects.create(
        clinic=patient.clinic, patient=patient, author=actor, text=text
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="note.create",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
    )
    return note
