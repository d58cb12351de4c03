"""Clinician pages for the record: assessments, outcome measures, adjunct therapies, notes.

Every view starts with ``patient_for_staff``: a patient of another clinic (or a bad id) is a 404
and a security event, and every read is audited. Invalid input answers 400 and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sitbone.assessments.forms import AdjunctForm, AssessmentForm, NoteForm, measure_form_class
from sitbone.assessments.mappers import bridge_symmetry, curl_symmetry, gates_from_assessment
from sitbone.assessments.selectors import (
    adjunct_evidence,
    adjuncts_for,
    assessment_for,
    assessments_for,
    examination_checklists,
)
from sitbone.assessments.services import adjunct_record, assessment_record, note_create
from sitbone.clinics.access import patient_for_staff
from sitbone.clinics.models import clinic_today
from sitbone.clinics.selectors import measure_history
from sitbone.engine.errors import EngineInputError
from sitbone.engine.instruments import INSTRUMENTS
from sitbone.engine.probability import PROVOCATION_TESTS
from sitbone.measures.services import measure_record
from sitbone.patients.models import Patient
from sitbone.web.http import AuthenticatedHttpRequest

CLINICIAN_INSTRUMENTS = ("visa_h", "lefs", "nprs", "groc", "nirschl")


def _patient(request: AuthenticatedHttpRequest, patient_id: str, what: str) -> Patient:
    return patient_for_staff(actor=request.user, public_id=patient_id, request=request, what=what)


def _age(patient: Patient, today: dt.date) -> int | None:
    born = patient.date_of_birth
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@login_required
@require_GET
def assessment_list(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "assessment.list")
    return render(
        request,
        "assessments/assessment_list.html",
        {"patient": patient, "assessments": assessments_for(patient=patient)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "assessment.new")
    today = clinic_today(patient.clinic)
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        today=today,
        initial={
            "assessed_on": today,
            "pretest_percent": (patient.clinic.default_pretest_probability * 100).quantize(
                Decimal("0.1")
            ),
            "age_years": _age(patient, today),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(
                actor=request.user,
                patient=patient,
                assessed_on=form.cleaned_data["assessed_on"],
                data=form.engine_data(),
            )
        except EngineInputError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Assessment saved.")
            return redirect(
                "assessments:detail",
                patient_id=patient.public_id,
                assessment_id=assessment.public_id,
            )
    return render(
        request,
        "assessments/assessment_form.html",
        {"patient": patient, "form": form, "checklists": examination_checklists()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def assessment_detail(
    request: AuthenticatedHttpRequest, patient_id: str, assessment_id: str
) -> HttpResponse:
    patient = _patient(request, patient_id, "assessment.view")
    assessment = assessment_for(patient=patient, public_id=assessment_id)
    if assessment is None:
        raise Http404
    checklists = examination_checklists()
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "patient": patient,
            "a": assessment,
            "used_test": PROVOCATION_TESTS.get(assessment.posttest_test),
            "tests": [
                (t, getattr(assessment, t.name))
                for t in sorted(PROVOCATION_TESTS.values(), key=lambda t: t.accuracy_rank)
            ],
            "curl_lsi": curl_symmetry(assessment),
            "bridge_lsi": bridge_symmetry(assessment),
            "gates": gates_from_assessment(assessment),
            "red_flags": [
                r for r in checklists["red_flags"] if r["id"] in assessment.red_flags_present
            ],
            "differentials": [
                r
                for r in checklists["differentials"]
                if r["id"] in assessment.differentials_suspected
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def adjuncts(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "adjunct.list")
    today = clinic_today(patient.clinic)
    form = AdjunctForm(
        request.POST if request.method == "POST" else None, today=today, initial={"given_on": today}
    )
    if request.method == "POST" and form.is_valid():
        adjunct_record(actor=request.user, patient=patient, data=form.cleaned_data)
        messages.success(request, "Treatment recorded.")
        return redirect("assessments:adjuncts", patient_id=patient.public_id)
    return render(
        request,
        "assessments/adjuncts.html",
        {
            "patient": patient,
            "form": form,
            "therapies": adjuncts_for(patient=patient),
            "evidence": adjunct_evidence(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def measures(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "measure.list")
    return render(
        request,
        "assessments/measures.html",
        {
            "patient": patient,
            "history": measure_history(patient=patient),
            "instruments": [INSTRUMENTS[i] for i in CLINICIAN_INSTRUMENTS],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(
    request: AuthenticatedHttpRequest, patient_id: str, instrument: str
) -> HttpResponse:
    patient = _patient(request, patient_id, "measure.new")
    if instrument not in CLINICIAN_INSTRUMENTS:
        raise Http404
    today = clinic_today(patient.clinic)
    form = measure_form_class(instrument)(
        request.POST if request.method == "POST" else None, today=today, initial={"taken_on": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, scored = measure_record(
                actor=request.user,
                patient=patient,
                instrument=instrument,
                answers=form.answers(),
                taken_on=form.cleaned_data["taken_on"],
            )
        except EngineInputError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{INSTRUMENTS[instrument].short_name} saved: {scored['total']}."
            )
            return redirect("assessments:measures", patient_id=patient.public_id)
    return render(
        request,
        "assessments/measure_form.html",
        {"patient": patient, "form": form, "instrument": INSTRUMENTS[instrument]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def note_new(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "note.new")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = NoteForm(request.POST)
    if form.is_valid():
        note_create(actor=request.user, patient=patient, text=form.cleaned_data["text"])
        messages.success(request, "Note added.")
        return redirect("clinics:patient_detail", patient_id=patient.public_id)
    return render(
        request, "assessments/note_form.html", {"patient": patient, "form": form}, status=400
    )
