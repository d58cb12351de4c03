"""Clinician report pages: issue a progress report (PDF) and print the exercise sheet (PDF).

Each view starts with ``patient_for_staff`` (404 and a security event for anyone else's patient;
every read audited). PDFs are served as attachments and never cached.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sitbone.clinics.access import patient_for_staff
from sitbone.patients.models import Patient
from sitbone.reports.forms import ProgressReportForm
from sitbone.reports.selectors import report_for, reports_for
from sitbone.reports.services import (
    exercise_sheet_pdf,
    progress_report_create,
    progress_report_pdf,
)
from sitbone.web.http import AuthenticatedHttpRequest


def _patient(request: AuthenticatedHttpRequest, patient_id: str, what: str) -> Patient:
    return patient_for_staff(actor=request.user, public_id=patient_id, request=request, what=what)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "report.list")
    form = ProgressReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = progress_report_create(
            actor=request.user,
            patient=patient,
            audience=form.cleaned_data["audience"],
            summary=form.cleaned_data["summary"],
        )
        return redirect(
            "reports:progress_pdf", patient_id=patient.public_id, report_id=report.public_id
        )
    return render(
        request,
        "reports/index.html",
        {"patient": patient, "form": form, "reports": reports_for(patient=patient)},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_GET
def progress_pdf(
    request: AuthenticatedHttpRequest, patient_id: str, report_id: str
) -> HttpResponse:
    patient = _patient(request, patient_id, "report.progress_pdf")
    report = report_for(patient=patient, public_id=report_id)
    if report is None:
        raise Http404
    name = f"progress-{slugify(patient.full_name)}-{report.created_at:%Y-%m-%d}.pdf"
    return _pdf(progress_report_pdf(report=report), name)


@never_cache
@login_required
@require_GET
def exercise_sheet(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = _patient(request, patient_id, "report.exercise_sheet")
    return _pdf(exercise_sheet_pdf(patient=patient), f"exercises-{slugify(patient.full_name)}.pdf")
