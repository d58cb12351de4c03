"""The patient's "Your data" pages and the clinic admin's erasure and retention pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sitbone.clinics.access import (
    patient_for_staff,
    require_own_patient,
    require_staff,
    staff_reads_audit,
)
from sitbone.clinics.models import AuditCategory
from sitbone.clinics.services import audit_record
from sitbone.interop.export import patient_archive
from sitbone.interop.forms import ErasureAskForm, ErasureDecisionForm, RetentionForm
from sitbone.interop.models import ErasureRequest, ErasureStatus
from sitbone.interop.selectors import erasure_request_for_admin, erasure_requests_for_admin
from sitbone.interop.services import (
    ErasureError,
    erasure_confirm,
    erasure_decline,
    erasure_request_create,
    retention_policy_for,
    retention_policy_update,
)
from sitbone.web.http import AuthenticatedHttpRequest


@login_required
@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    requests = ErasureRequest.objects.filter(patient=patient).order_by("-requested_at")[:5]
    return render(request, "interop/my_data.html", {"patient": patient, "requests": requests})


@login_required
@require_GET
def my_data_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    archive = patient_archive(patient)
    audit_record(
        category=AuditCategory.READ,
        action="patient.export",
        actor=request.user,
        clinic=patient.clinic,
        patient=patient,
        request=request,
        detail="patient downloaded their own data",
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="sitbone-my-data-{stamp}.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_data_erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    form = ErasureAskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        erasure_request_create(actor=request.user, patient=patient)
        messages.success(
            request,
            f"We sent your request to {patient.clinic.name}. They will confirm it, and you can "
            "keep using Sitbone until then.",
        )
        return redirect("interop:my_data")
    status = 400 if request.method == "POST" else 200
    return render(request, "interop/my_data_erase.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def clinic_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user, admin=True)
    policy = retention_policy_for(staff.clinic)
    form = RetentionForm(
        request.POST if request.method == "POST" else None,
        initial={"erasure_mode": policy.erasure_mode},
    )
    if request.method == "POST" and form.is_valid():
        retention_policy_update(
            actor=request.user, clinic=staff.clinic, erasure_mode=form.cleaned_data["erasure_mode"]
        )
        messages.success(request, "Retention setting saved.")
        return redirect("interop_clinic:data")
    requests = list(erasure_requests_for_admin(actor=request.user)[:100])
    staff_reads_audit(
        actor=request.user,
        patients=[r.patient for r in requests if r.patient is not None],
        request=request,
        what="erasure.list",
    )
    return render(
        request,
        "interop/clinic_data.html",
        {"form": form, "requests": requests},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def erasure_review(request: AuthenticatedHttpRequest, erasure_request_id: str) -> HttpResponse:
    erasure = erasure_request_for_admin(actor=request.user, public_id=erasure_request_id)
    if erasure.patient is not None:
        patient_for_staff(
            actor=request.user,
            public_id=erasure.patient.public_id,
            request=request,
            what="patient.erasure_review",
        )
    form = ErasureDecisionForm(request.POST if request.method == "POST" else None)
    policy = retention_policy_for(erasure.clinic)
    if request.method == "POST" and erasure.status != ErasureStatus.PENDING:
        messages.error(request, "This request has already been decided.")
        return redirect("interop_clinic:data")
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                erasure_confirm(actor=request.user, request=erasure)
                messages.success(request, "The patient's data was erased.")
            else:
                erasure_decline(
                    actor=request.user, request=erasure, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "The request was declined.")
        except ErasureError as error:
            messages.error(request, str(error))
        return redirect("interop_clinic:data")
    return render(
        request,
        "interop/erasure_review.html",
        {"erasure": erasure, "form": form, "policy": policy},
        status=400 if request.method == "POST" else 200,
    )
