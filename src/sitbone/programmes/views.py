"""Clinician pages for programmes: version history with diffs, the editor, per-patient threshold
overrides, and approving or declining the engine's proposed stage changes.

Every per-patient view starts with ``patient_for_staff`` (404 and a security event for anyone
else's patient; every read audited). Invalid input answers 400 and writes nothing.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sitbone.clinics.access import patient_for_staff, require_staff, staff_reads_audit
from sitbone.engine.errors import EngineInputError
from sitbone.patients.models import Patient
from sitbone.programmes.forms import (
    BaseExerciseFormSet,
    ExerciseFormSet,
    ProgrammeForm,
    ReviewForm,
    ThresholdsForm,
)
from sitbone.programmes.selectors import (
    current_programme,
    decision_for,
    decisions_awaiting_approval,
    exercise_name,
    programme_versions,
)
from sitbone.programmes.services import (
    PatientThresholdsConflict,
    clinic_thresholds_update,
    decision_review,
    patient_thresholds_update,
    prescription_exercises,
    prescription_for,
    prescription_sessions_per_week,
    programme_revise,
)
from sitbone.web.http import AuthenticatedHttpRequest


def _patient(request: AuthenticatedHttpRequest, patient_id: str, what: str) -> Patient:
    return patient_for_staff(actor=request.user, public_id=patient_id, request=request, what=what)


@login_required
@require_GET
def versions(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "programme.view")
    programme = current_programme(patient=patient)
    rows = (
        [(exercise_name(e.exercise_id), e) for e in programme.exercises.all()] if programme else []
    )
    return render(
        request,
        "programmes/versions.html",
        {
            "patient": patient,
            "programme": programme,
            "rows": rows,
            "versions": programme_versions(patient=patient),
        },
    )


def _editor_start(patient: Patient, from_stage: str | None) -> tuple[dict[str, Any], list[Any]]:
    """Initial values: the engine's prescription for a stage when asked, else the current
    programme, else the engine's prescription for the patient's stage."""
    programme = current_programme(patient=patient)
    if from_stage in {"1", "2", "3", "4"} or programme is None:
        stage = int(from_stage) if from_stage in {"1", "2", "3", "4"} else min(patient.stage, 4)
        prescription = prescription_for(patient=patient, stage=stage)
        return (
            {
                "stage": stage,
                "sessions_per_week": prescription_sessions_per_week(prescription),
                "reason": f"Started from the engine's stage {stage} prescription",
            },
            [
                {**item, "load": item.get("load") or "", "rest_seconds": item.get("rest_seconds")}
                for item in prescription_exercises(prescription)
            ],
        )
    return (
        {"stage": programme.stage, "sessions_per_week": programme.sessions_per_week},
        [
            {
                "exercise_id": item.exercise_id,
                "sets": item.sets,
                "reps": item.reps,
                "hold_seconds": item.hold_seconds,
                "load": item.load,
                "rest_seconds": item.rest_seconds,
            }
            for item in programme.exercises.all()
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "programme.edit")
    if request.method == "POST":
        form = ProgrammeForm(request.POST)
        rows = cast(BaseExerciseFormSet, ExerciseFormSet(request.POST, prefix="ex"))
        if form.is_valid() and rows.is_valid():
            programme = programme_revise(
                actor=request.user,
                patient=patient,
                stage=form.cleaned_data["stage"],
                exercises=rows.exercises(),
                sessions_per_week=form.cleaned_data["sessions_per_week"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Programme version {programme.version} saved.")
            return redirect("programmes:versions", patient_id=patient.public_id)
        status = 400
    else:
        initial, exercises = _editor_start(patient, request.GET.get("from_stage"))
        form = ProgrammeForm(initial=initial)
        rows = cast(BaseExerciseFormSet, ExerciseFormSet(initial=exercises, prefix="ex"))
        status = 200
    return render(
        request,
        "programmes/edit.html",
        {"patient": patient, "form": form, "rows": rows, "stages": [1, 2, 3, 4]},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thresholds(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "thresholds.view")
    clinic_values = dict(patient.clinic.settings.get("thresholds") or {})
    form = ThresholdsForm(
        request.POST if request.method == "POST" else None,
        clinic_values=clinic_values,
        initial=dict(patient.thresholds or {}),
    )
    if request.method == "POST" and form.is_valid():
        try:
            patient_thresholds_update(
                actor=request.user, patient=patient, overrides=form.overrides()
            )
        except EngineInputError as error:
            _engine_error_on(form, error)
        else:
            messages.success(request, "Thresholds saved for this patient.")
            return redirect("programmes:thresholds", patient_id=patient.public_id)
    return render(
        request,
        "programmes/thresholds.html",
        {"patient": patient, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def clinic_thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinic's own thresholds (admins): every patient's decisions start from these."""
    staff = require_staff(request.user, admin=True)
    form = ThresholdsForm(
        request.POST if request.method == "POST" else None,
        clinic_values={},
        inherited="Sitbone default",
        initial=dict(staff.clinic.settings.get("thresholds") or {}),
    )
    conflicts: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        try:
            clinic_thresholds_update(
                actor=request.user, clinic=staff.clinic, overrides=form.overrides()
            )
        except EngineInputError as error:
            _engine_error_on(form, error)
        except PatientThresholdsConflict as conflict:
            conflicts = conflict.patients
            staff_reads_audit(
                actor=request.user,
                patients=conflicts,
                request=request,
                what="thresholds.conflicts",
            )
            form.add_error(
                None,
                f"{len(conflicts)} patient{'s' if len(conflicts) > 1 else ''} of the clinic "
                f"{'have' if len(conflicts) > 1 else 'has'} their own thresholds that would not "
                f"fit these values ({conflict}). Change or clear theirs first; "
                "nothing was saved.",
            )
        else:
            messages.success(request, "Clinic thresholds saved.")
            return redirect("programmes:clinic_thresholds")
    return render(
        request,
        "programmes/clinic_thresholds.html",
        {"form": form, "conflicts": conflicts},
        status=400 if request.method == "POST" else 200,
    )


def _engine_error_on(form: ThresholdsForm, error: EngineInputError) -> None:
    """The engine's refusal, on the field it names (or the whole form)."""
    name = (error.field or "").rsplit(".", 1)[-1]
    form.add_error(name if name in form.fields else None, error.message)


@login_required
@require_GET
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_staff(request.user)
    decisions = list(decisions_awaiting_approval(actor=request.user))
    staff_reads_audit(
        actor=request.user,
        patients=[d.patient for d in decisions],
        request=request,
        what="approvals.view",
    )
    return render(request, "programmes/approvals.html", {"decisions": decisions})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: AuthenticatedHttpRequest, patient_id: str, decision_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "decision.view")
    decision = decision_for(patient=patient, public_id=decision_id)
    if decision is None:
        raise Http404
    form = ReviewForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                decision_review(
                    actor=request.user,
                    decision=decision,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except ValueError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                verb = "approved" if form.cleaned_data["decision"] == "approve" else "declined"
                messages.success(request, f"Stage change {verb} for {patient.full_name}.")
                return redirect("clinics:patient_detail", patient_id=patient.public_id)
    return render(
        request,
        "programmes/review.html",
        {"patient": patient, "decision": decision, "form": form},
        status=status,
    )
