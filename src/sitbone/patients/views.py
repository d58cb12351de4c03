"""The patient's own pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sitbone.clinics.access import require_own_patient
from sitbone.patients.selectors import patient_overview
from sitbone.web.http import AuthenticatedHttpRequest


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    return render(request, "patients/home.html", {"o": patient_overview(patient=patient, limit=7)})
