"""Clinic workspace: caseload, patient summary, adding patients, staff and clinic settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sitbone.assessments.forms import NoteForm
from sitbone.clinics.access import patient_for_staff, require_staff, staff_reads_audit
from sitbone.clinics.forms import (
    ClinicSettingsForm,
    DischargeForm,
    InvitationRenewForm,
    PatientDetailsForm,
    PatientInviteForm,
    StaffInviteForm,
)
from sitbone.clinics.models import InvitationKind, clinic_today
from sitbone.clinics.selectors import (
    care_team_of,
    clinic_clinicians,
    discharged_patients,
    invitations_open,
    last_invitation,
    morning_pain_chart,
    patient_workspace,
    staff_members,
    staff_reads_of_patient,
)
from sitbone.clinics.services import clinic_settings_update, invitation_create, invitation_send
from sitbone.clinics.triage import NEED_LABELS, Need, patient_list_for_triage
from sitbone.patients.forms import redrawn_after_conflict
from sitbone.patients.services import (
    DetailsConflict,
    DischargeRefused,
    DuplicatePatient,
    InvitationNotNeeded,
    InvitationRefused,
    TreatmentUnchanged,
    details_fingerprints,
    details_of,
    patient_create_with_invitation,
    patient_details_update,
    patient_discharge,
    patient_invitation_renew,
    patient_reopen,
)
from sitbone.privacy.selectors import consent_overview
from sitbone.screening.services import (
    NotAwaitingConfirmation,
    ResendTooSoon,
    registration_link_resend,
)
from sitbone.web.http import AuthenticatedHttpRequest
from sitbone.web.idempotency import problem

if TYPE_CHECKING:
    from sitbone.accounts.models import User

TRIAGE_PAGE_SIZE = 25
DISCHARGED_PAGE_SIZE = 50


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Triage: the clinician's patients ordered by need, each saying why (filters: ?show=)."""
    staff = require_staff(request.user)
    triage = patient_list_for_triage(actor=request.user, show=request.GET.get("show", "all"))
    filters = [(need.value, NEED_LABELS[need], triage.counts[need.value]) for need in Need]
    # Counts and order cover the whole caseload; one page of rows is drawn (an unknown page
    # number shows the nearest page rather than an error).
    page = Paginator(triage.rows, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    staff_reads_audit(
        actor=request.user,
        patients=[row.patient for row in page],
        request=request,
        what="caseload.view",
    )
    return render(
        request,
        "clinics/home.html",
        {"triage": triage, "page": page, "staff": staff, "filters": filters},
    )


@login_required
@require_GET
def patient_detail(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="patient.view"
    )
    workspace = patient_workspace(actor=request.user, patient=patient)
    return render(
        request,
        "clinics/patient_detail.html",
        {
            "w": workspace,
            "patient": patient,
            "section": "overview",
            "note_form": NoteForm(),
            "morning_chart": morning_pain_chart(workspace.mornings),
            "consents": consent_overview(actor=request.user, patient=patient),
            "unconfirmed_days": settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS,
            "care_team": care_team_of(patient),
        },
    )


@login_required
@require_GET
def patient_audit(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="patient.audit_view"
    )
    events = staff_reads_of_patient(patient=patient)
    return render(
        request,
        "clinics/patient_audit.html",
        {"patient": patient, "events": events, "section": "audit"},
    )


@login_required
@require_POST
def confirmation_resend(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    """Send a person whose sign-up is not confirmed a fresh link (they rang: the email never
    came, or its three days are over)."""
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="patient.view"
    )
    back = reverse("clinics:patient_detail", args=[patient.public_id])
    try:
        sent = registration_link_resend(
            actor=request.user, patient=patient, absolute=request.build_absolute_uri
        )
    except NotAwaitingConfirmation:
        return problem(
            request,
            409,
            "There is no sign-up link to send",
            "This person's account is confirmed already, or they joined by invitation. "
            "Nothing was sent.",
            back=back,
        )
    except ResendTooSoon as too_soon:
        return problem(
            request,
            429,
            "Please wait before sending the link again",
            "The sign-up email went to this address several times in the last hour. Try again "
            f"in {too_soon.minutes} minute{'s' if too_soon.minutes > 1 else ''}.",
            back=back,
        )
    if not sent:
        return problem(
            request,
            503,
            "The sign-up link could not be sent",
            "Our email service did not take the email just now. Nothing changed: try again in "
            "a few minutes.",
            back=back,
        )
    messages.success(request, f"A new sign-up link was sent to {patient.email}.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def patient_details(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    """Staff correct or bring up to date what the record says about the person: name, birth
    date, side, activities, goals, irritability and equipment, and (admins) the care team. The
    sign-in address is the person's own to change."""
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="patient.details_view"
    )
    care_team = care_team_of(patient)
    clinicians = _clinicians_for_admin(request.user)
    details = details_of(patient)
    form = PatientDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={
            **details,
            "care_team": [str(user.public_id) for user in care_team],
            "opened": details_fingerprints({**details, "care_team": care_team}),
        },
        clinicians=clinicians,
    )
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            changed = patient_details_update(
                actor=request.user,
                patient=patient,
                data=form.cleaned_data,
                opened=form.cleaned_data["opened"],
            )
        except DetailsConflict as conflict:
            form = redrawn_after_conflict(
                lambda data: PatientDetailsForm(data, clinicians=clinicians),
                request.POST,
                conflict,
                f"Since you opened this page, someone else changed the "
                f"{' and '.join(conflict.names)}, so nothing was saved. The form now shows the "
                "record as it is, with your other changes kept: check it and save again.",
            )
            care_team, status = conflict.current["care_team"], 409
        else:
            if changed:
                messages.success(request, f"Saved: {', '.join(changed)} changed.")
            else:
                messages.info(request, "Nothing was changed.")
            return redirect("clinics:patient_detail", patient_id=patient.public_id)
    return render(
        request,
        "clinics/patient_details.html",
        {"patient": patient, "form": form, "section": "overview", "care_team": care_team},
        status=status,
    )


def _clinicians_for_admin(actor: User) -> list[User]:
    """The clinic's clinicians when ``actor`` is its admin (who alone sets a care team)."""
    staff = require_staff(actor)
    return clinic_clinicians(clinic=staff.clinic) if staff.is_admin else []


@login_required
@require_http_methods(["GET", "POST"])
def patient_treatment(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    """Discharge the patient when treatment ends, or take a discharged patient back (a POST
    with ``reopen``)."""
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="patient.treatment_view"
    )
    back = reverse("clinics:patient_detail", args=[patient.public_id])
    reopen = request.method == "POST" and "reopen" in request.POST
    form = DischargeForm(
        request.POST if request.method == "POST" and not reopen else None,
        initial={"on": clinic_today(patient.clinic)},
    )
    try:
        if reopen:
            patient_reopen(actor=request.user, patient=patient)
            messages.success(request, f"{patient.full_name} is back in treatment.")
            return redirect(back)
        if request.method == "POST" and form.is_valid():
            done = patient_discharge(
                actor=request.user, patient=patient, on=form.cleaned_data["on"]
            )
            messages.success(
                request, f"{patient.full_name} was discharged on {done.discharged_on:%-d %B %Y}."
            )
            return redirect(back)
    except TreatmentUnchanged as unchanged:
        return problem(request, 409, "Nothing was changed", str(unchanged), back=back)
    except DischargeRefused as refused:
        form.add_error("on", str(refused))
    return render(
        request,
        "clinics/patient_treatment.html",
        {"patient": patient, "form": form, "section": "overview"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_invitation(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    """A new invitation for a patient who has no account yet: the first one expired (they last
    a week) or went to a wrong address, which can be corrected here."""
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="patient.invitation_view"
    )
    back = reverse("clinics:patient_detail", args=[patient.public_id])
    form = InvitationRenewForm(
        request.POST if request.method == "POST" else None, initial={"email": patient.email}
    )
    try:
        if patient.user_id is not None:
            raise InvitationNotNeeded
        if request.method == "POST" and form.is_valid():
            renewed, invitation, token = patient_invitation_renew(
                actor=request.user, patient=patient, email=form.cleaned_data["email"]
            )
            link = request.build_absolute_uri(reverse("accounts:invitation_accept", args=[token]))
            done = f"A new invitation was sent to {renewed.email}"
            if invitation_send(invitation=invitation, link=link):
                messages.success(
                    request, f"{done}. It works once, for {settings.SITBONE_INVITATION_DAYS} days."
                )
            else:
                messages.warning(request, _unsent_invitation("A new invitation was made", link))
            return redirect(back)
    except InvitationNotNeeded:
        return problem(
            request,
            409,
            "There is no invitation to send",
            f"{patient.full_name} has an account already. They sign in with it, and change "
            "its address from their account page.",
            back=back,
        )
    except InvitationRefused as refused:
        form.add_error("email", str(refused))
    last = last_invitation(patient)
    return render(
        request,
        "clinics/patient_invitation.html",
        {
            "patient": patient,
            "form": form,
            "section": "overview",
            "last": last,
            "last_expired": last is not None and last.expires_at <= timezone.now(),
            "days": settings.SITBONE_INVITATION_DAYS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def discharged(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The discharged patients of the actor's caseload, most recent first (triage lists only
    those in treatment)."""
    page = Paginator(discharged_patients(actor=request.user), DISCHARGED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    staff_reads_audit(
        actor=request.user, patients=page.object_list, request=request, what="caseload.discharged"
    )
    return render(request, "clinics/discharged.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def patient_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user)
    form = PatientInviteForm(
        request.POST if request.method == "POST" else None,
        clinicians=_clinicians_for_admin(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            patient, invitation, token = patient_create_with_invitation(
                actor=request.user, staff=staff, data=form.cleaned_data
            )
        except DuplicatePatient:
            form.add_error("email", "This clinic already has a patient with this email address.")
        else:
            link = request.build_absolute_uri(reverse("accounts:invitation_accept", args=[token]))
            if invitation_send(invitation=invitation, link=link):
                messages.success(
                    request, f"{patient.full_name} was added and sent an invitation: {link}"
                )
            else:
                messages.warning(
                    request, _unsent_invitation(f"{patient.full_name} was added", link)
                )
            return redirect("clinics:patient_detail", patient_id=patient.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "clinics/patient_new.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = require_staff(request.user, admin=True)
    form = StaffInviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        invitation, token = invitation_create(
            actor=request.user,
            clinic=context.clinic,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            kind=InvitationKind(form.cleaned_data["role"]),
        )
        link = request.build_absolute_uri(reverse("accounts:invitation_accept", args=[token]))
        if invitation_send(invitation=invitation, link=link):
            messages.success(request, f"Invitation sent to {invitation.email}: {link}")
        else:
            messages.warning(request, _unsent_invitation(f"{invitation.email} was invited", link))
        return redirect("clinics:staff")
    return render(
        request,
        "clinics/staff.html",
        {
            "form": form,
            "members": staff_members(actor=request.user),
            "invitations": invitations_open(actor=request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def clinic_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = require_staff(request.user, admin=True)
    clinic = context.clinic
    form = ClinicSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": clinic.name,
            "time_zone": clinic.time_zone,
            "require_staff_mfa": clinic.require_staff_mfa,
        },
    )
    if request.method == "POST" and form.is_valid():
        clinic_settings_update(actor=request.user, clinic=clinic, **form.cleaned_data)
        messages.success(request, "Clinic settings saved.")
        return redirect("clinics:settings")
    return render(
        request,
        "clinics/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _unsent_invitation(done: str, link: str) -> str:
    """What staff read when the invitation stands but its email could not be sent."""
    return (
        f"{done}, but the invitation email could not be sent just now. "
        f"Give them this link another way (it works once): {link}"
    )
