"""Privacy pages: the patient's choices (/me/privacy/), emergency access for staff
(/clinic/emergency-access/), and the clinic admin's privacy pages (/clinic/privacy/)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sitbone.clinics.access import (
    emergency_access_live,
    require_own_patient,
    require_staff,
    staff_reads_audit,
)
from sitbone.clinics.models import Clinic, clinic_today
from sitbone.privacy.forms import (
    BreachForm,
    CareConsentForm,
    ConsentChoicesForm,
    EmergencyAccessForm,
    EmergencySearchForm,
    PrivacySettingsForm,
    breach_initial,
)
from sitbone.privacy.models import OPTIONAL_PURPOSES, Breach, ConsentPurpose, ConsentSource
from sitbone.privacy.selectors import (
    audit_breach_patients_read,
    breach_for_admin,
    breaches_for_admin,
    clinic_patients_by_reference,
    consent_overview,
    emergency_access_for_admin,
    emergency_accesses_for_admin,
    emergency_accesses_of,
    emergency_reads_count,
    emergency_search,
    erasure_mode_for,
    patient_for_emergency_access,
    privacy_settings_for,
    purge_events,
    purge_schedule,
)
from sitbone.privacy.services import (
    BreachFacts,
    PrivacyRefused,
    breach_record,
    breach_update,
    consent_choices_save,
    consent_to_care_record,
    emergency_access_open,
    emergency_access_review,
    privacy_settings_update,
)
from sitbone.web.http import AuthenticatedHttpRequest

# --- The patient's privacy page --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Current choices with their wording; the optional ones change here, and the terms of
    care can be agreed to when they were never recorded or have a newer wording."""
    patient = require_own_patient(request.user)
    overview = consent_overview(actor=request.user, patient=patient)
    texts = [overview.state(p).text for p in OPTIONAL_PURPOSES]
    posted = request.POST if request.method == "POST" else None
    # A post must name its form: one naming neither could otherwise be read as the choices
    # with nothing ticked, withdrawing every optional choice.
    which = request.POST.get("form", "") if posted is not None else None
    choices = ConsentChoicesForm(
        posted if which not in (None, "care") else None,
        texts=texts,
        initial={p: overview.state(p).given for p in OPTIONAL_PURPOSES},
    )
    if which not in (None, "choices", "care"):  # not one of this page's forms
        choices.add_error(None, "We could not tell what you sent. Check your choices and save.")
    care = CareConsentForm(
        posted if which == "care" else None, text=overview.state(ConsentPurpose.CARE).text
    )
    if which == "choices" and choices.is_valid():
        changed = consent_choices_save(
            actor=request.user, patient=patient, choices=choices.choices()
        )
        messages.success(
            request, "Your choices are saved." if changed else "Your choices were already saved."
        )
        return redirect("privacy:mine")
    if which == "care" and care.is_valid():
        consent_to_care_record(
            actor=request.user, patient=patient, source=ConsentSource.PRIVACY_PAGE
        )
        messages.success(request, "Thank you. Your agreement is recorded.")
        return redirect("privacy:mine")
    return render(
        request,
        "privacy/mine.html",
        {"patient": patient, "overview": overview, "choices": choices, "care": care},
        status=400 if posted is not None else 200,
    )


# --- Emergency access for staff --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def emergency_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a patient outside your care team; your own emergency accesses are listed. The search
    is posted, so a typed name never travels in an address or an access log."""
    staff = require_staff(request.user)
    limited = staff.care_team_only and not staff.is_admin  # only they need emergency access
    form = EmergencySearchForm(request.POST if limited and "q" in request.POST else None)
    found = (
        emergency_search(actor=request.user, query=form.cleaned_data["q"])
        if form.is_bound and form.is_valid()
        else None
    )
    mine = list(emergency_accesses_of(actor=request.user)[:20])
    staff_reads_audit(
        actor=request.user,
        patients=[*(found or []), *(a.patient for a in mine if a.patient is not None)],
        request=request,
        what="patient.emergency_search",
    )
    return render(
        request,
        "privacy/emergency_start.html",
        {
            "staff": staff,
            "form": form,
            "found": found,
            "mine": mine,
            "now": timezone.now(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def emergency_open(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    """Give a reason, get time-limited access to this one patient. Another clinic's patient is
    a 404 whatever the reason."""
    patient, needed = patient_for_emergency_access(
        actor=request.user, public_id=patient_id, request=request
    )
    if not needed:
        messages.info(request, "You can open this record without emergency access.")
        return redirect("clinics:patient_detail", patient_id=patient.public_id)
    if emergency_access_live(actor=request.user, patient=patient) is not None:
        messages.info(request, "Your emergency access to this record is still open.")
        return redirect("clinics:patient_detail", patient_id=patient.public_id)
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        access = emergency_access_open(
            actor=request.user,
            patient=patient,
            reason=form.cleaned_data["reason"],
            review_link=request.build_absolute_uri(reverse("privacy_clinic:emergency_list")),
        )
        until = timezone.localtime(access.expires_at, ZoneInfo(patient.clinic.time_zone))
        messages.warning(
            request,
            f"Emergency access is open until {until:%H:%M} (clinic time). Every page you open "
            "is logged and your clinic admins have been told.",
        )
        return redirect("clinics:patient_detail", patient_id=patient.public_id)
    staff_reads_audit(
        actor=request.user, patients=[patient], request=request, what="patient.emergency_form"
    )
    hours = privacy_settings_for(patient.clinic).emergency_access_hours
    return render(
        request,
        "privacy/emergency_open.html",
        {"patient": patient, "form": form, "hours": hours},
        status=400 if request.method == "POST" else 200,
    )


# --- The clinic admin's privacy pages --------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def clinic_privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Settings, what the next purge would take, past purges, and what needs the admin."""
    staff = require_staff(request.user, admin=True)
    chosen = privacy_settings_for(staff.clinic)
    form = PrivacySettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "retention_years": chosen.retention_years,
            "minors_kept_until_age": chosen.minors_kept_until_age,
            "care_team_only": chosen.care_team_only,
            "emergency_access_hours": chosen.emergency_access_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        privacy_settings_update(actor=request.user, clinic=staff.clinic, **form.cleaned_data)
        messages.success(request, "Privacy settings saved.")
        return redirect("privacy_clinic:index")
    today = clinic_today(staff.clinic)
    schedule = purge_schedule(clinic=staff.clinic)
    due = [c for c in schedule if c.due_on <= today]
    staff_reads_audit(
        actor=request.user,
        patients=[c.patient for c in schedule[:10]],
        request=request,
        what="clinic.purge_schedule",
    )
    return render(
        request,
        "privacy/clinic_privacy.html",
        {
            "form": form,
            "clinic": staff.clinic,
            "erasure_mode": erasure_mode_for(staff.clinic),
            "due_count": len(due),
            "unconfirmed_days": settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS,
            "upcoming": schedule[:10],
            "today": today,
            "purges": list(purge_events(actor=request.user)[:20]),
            "unreviewed": emergency_accesses_for_admin(actor=request.user)
            .filter(reviewed_at__isnull=True)
            .count(),
            "breaches": breaches_for_admin(actor=request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def emergency_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every emergency access at the clinic: who, when, why, which patient; unreviewed first."""
    staff = require_staff(request.user, admin=True)
    accesses = list(emergency_accesses_for_admin(actor=request.user)[:200])
    staff_reads_audit(
        actor=request.user,
        patients=[a.patient for a in accesses if a.patient is not None],
        request=request,
        what="clinic.emergency_access_list",
    )
    reads = emergency_reads_count(accesses)
    return render(
        request,
        "privacy/emergency_list.html",
        {
            "rows": [(a, reads[a.pk]) for a in accesses],
            "clinic": staff.clinic,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def emergency_review(request: AuthenticatedHttpRequest, access_id: str) -> HttpResponse:
    access = emergency_access_for_admin(actor=request.user, public_id=access_id, request=request)
    emergency_access_review(actor=request.user, access=access)
    messages.success(request, f"Marked as reviewed: access by {access.actor_email}.")
    return redirect("privacy_clinic:emergency_list")


@login_required
@require_GET
def breach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user, admin=True)
    return render(
        request,
        "privacy/breach_list.html",
        {"rows": breaches_for_admin(actor=request.user), "clinic": staff.clinic},
    )


def _breach_form(request: AuthenticatedHttpRequest, **kwargs: object) -> BreachForm:
    return BreachForm(
        request.POST if request.method == "POST" else None,
        find_patients=lambda refs: clinic_patients_by_reference(
            actor=request.user, references=refs
        ),
        **kwargs,  # type: ignore[arg-type]
    )


def _breach_form_page(
    request: AuthenticatedHttpRequest,
    form: BreachForm,
    save: Callable[[BreachFacts], tuple[Breach, str]],
    *,
    breach: Breach | None,
    clinic: Clinic,
) -> HttpResponse:
    """A new breach or a new version of one: ``save`` writes the form's facts and returns the
    breach with what to tell the admin; a refusal goes back onto the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved, done = save(form.facts())
        except PrivacyRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, done)
            return redirect("privacy_clinic:breach_detail", breach_id=saved.public_id)
    return render(
        request,
        "privacy/breach_form.html",
        {"form": form, "breach": breach, "clinic": clinic},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user, admin=True)

    def record(facts: BreachFacts) -> tuple[Breach, str]:
        breach = breach_record(actor=request.user, clinic=staff.clinic, facts=facts)
        return breach, f"{breach.reference} is recorded."

    form = _breach_form(request, editing=False)
    return _breach_form_page(request, form, record, breach=None, clinic=staff.clinic)


@login_required
@require_GET
def breach_detail(request: AuthenticatedHttpRequest, breach_id: str) -> HttpResponse:
    file = breach_for_admin(actor=request.user, public_id=breach_id, request=request)
    audit_breach_patients_read(actor=request.user, file=file, request=request)
    return render(
        request,
        "privacy/breach_detail.html",
        {"file": file, "breach": file.breach, "current": file.current},
    )


@login_required
@require_http_methods(["GET", "POST"])
def breach_edit(request: AuthenticatedHttpRequest, breach_id: str) -> HttpResponse:
    file = breach_for_admin(actor=request.user, public_id=breach_id, request=request)

    def update(facts: BreachFacts) -> tuple[Breach, str]:
        version = breach_update(actor=request.user, breach=file.breach, facts=facts)
        return file.breach, f"{file.breach.reference} version {version.number} is saved."

    if request.method == "GET":
        audit_breach_patients_read(actor=request.user, file=file, request=request)
    form = _breach_form(request, editing=True, initial=breach_initial(file.current))
    return _breach_form_page(request, form, update, breach=file.breach, clinic=file.breach.clinic)
