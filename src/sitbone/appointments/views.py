"""Booking pages for newcomers, patients and staff; the diary; availability; calendar feeds.

Each view parses, authorises through the access module, calls one service or selector and
renders. A slot that was free when the page was drawn but is gone at submit time gets HTTP 409,
"That time was just taken", and the page again with fresh times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sitbone.appointments import ics
from sitbone.appointments.forms import (
    AppointmentTypeForm,
    AvailabilityExceptionForm,
    BookingPolicyForm,
    NewcomerBookingForm,
    SlotChoiceForm,
    SlotSearchForm,
    StaffBookingForm,
    WorkingHoursForm,
    screening_from_session,
)
from sitbone.appointments.models import Appointment, AppointmentType, BookingSource
from sitbone.appointments.selectors import (
    NEWCOMER_ATTEMPTS_PER_HOUR,
    BookingRules,
    Slot,
    SlotDay,
    appointment_for_actor,
    appointment_type_for_admin,
    appointment_types_all,
    appointment_types_for,
    appointments_for_patient,
    availability_for,
    bookable_clinicians,
    bookable_slots,
    booking_suggestion,
    calendar_feed_live,
    clinic_for_public_booking,
    clinic_zone,
    clinician_in_clinic,
    clinics_for_public_booking,
    diary,
    feed_content,
    newcomer_attempts_recent,
    patients_for_booking,
    policy_for,
    rules_for_public,
    rules_for_staff,
    staff_for_availability,
)
from sitbone.appointments.services import (
    TYPE_FIELDS,
    BookingRefused,
    SlotTaken,
    TypeNameTaken,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_series_book,
    appointment_type_create,
    appointment_type_update,
    availability_exception_add,
    availability_exception_remove,
    booking_policy_update,
    calendar_feed_issue,
    calendar_feed_revoke,
    newcomer_book,
    patient_may_change,
    working_hours_add,
    working_hours_remove,
)
from sitbone.clinics.access import (
    AccessDenied,
    clinician_for_staff,
    own_patient_record,
    patient_for_staff,
    require_own_patient,
    require_staff,
    staff_context,
    staff_reads_audit,
)
from sitbone.clinics.models import Clinic, clinic_today
from sitbone.web.http import AuthenticatedHttpRequest

WINDOW_DAYS = 14
"""How many days of free times one booking page offers (later dates are a link away)."""


# --- Shared booking machinery ----------------------------------------------------------------


@dataclass
class SlotPage:
    """Everything the slot picker shows."""

    search: SlotSearchForm
    kind: AppointmentType | None
    start: date | None
    """The first day of the window shown; the first free time is 'from' it when not today."""
    from_today: bool
    days: list[SlotDay]
    selected: SlotDay | None
    first: Slot | None
    checked: str
    earlier: str | None
    later: str | None
    query: str
    day_links: list[tuple[SlotDay, str]]


def _slot_page(
    request: HttpRequest,
    *,
    actor: Any,
    clinic: Clinic,
    kinds: list[AppointmentType],
    rules: BookingRules,
    clinicians: list[Any] | None = None,
    prefer: tuple[int, ...] = (),
    choose_clinician: bool = False,
    ignore_appointment: Appointment | None = None,
) -> SlotPage:
    """Read the GET parameters (type, physio, window start, day) and compute the free times."""
    staff = (
        clinicians if clinicians is not None else bookable_clinicians(actor=actor, clinic=clinic)
    )
    data = request.GET.copy()
    if kinds and "kind" not in data:
        data["kind"] = str(kinds[0].public_id)
    search = SlotSearchForm(
        data,
        kinds=[(str(k.public_id), f"{k.name} ({k.duration_minutes} min)") for k in kinds],
        clinicians=[(str(u.public_id), u.full_name) for u in staff] if choose_clinician else None,
    )
    today = clinic_today(clinic)
    empty = SlotPage(search, None, None, True, [], None, None, "", None, None, "", [])
    if not search.is_valid():
        return empty
    kind = next(k for k in kinds if str(k.public_id) == search.cleaned_data["kind"])
    chosen = search.cleaned_data.get("clinician")
    if chosen:
        staff = [u for u in staff if str(u.public_id) == chosen]
    start: date = search.cleaned_data.get("day") or today
    horizon = (rules.latest - timedelta(microseconds=1)).astimezone(clinic_zone(clinic)).date()
    start = min(max(start, today), horizon)  # a day beyond the horizon shows its last days
    days = bookable_slots(
        actor=actor,
        clinic=clinic,
        kind=kind,
        first_day=start,
        days=WINDOW_DAYS,
        rules=rules,
        clinicians=staff,
        prefer=prefer,
        one_per_time=not chosen,
        ignore_appointment=ignore_appointment,
    )
    wanted = request.GET.get("show", "")
    selected = next((d for d in days if d.day.isoformat() == wanted), days[0] if days else None)
    first = days[0].slots[0] if days else None
    base = {k: v for k, v in {"kind": str(kind.public_id), "clinician": chosen or ""}.items() if v}

    def link(**extra: str) -> str:
        return "?" + urlencode({**base, **extra})

    later_start = start + timedelta(days=WINDOW_DAYS)
    earlier_start = max(start - timedelta(days=WINDOW_DAYS), today)
    posted = request.POST.get("slot", "") if request.method == "POST" else ""
    slot_tokens = {s.token for s in selected.slots} if selected else set()
    checked = (
        posted if posted in slot_tokens else (first.token if first and selected is days[0] else "")
    )
    return SlotPage(
        search=search,
        kind=kind,
        start=start,
        from_today=start == today,
        days=days,
        selected=selected,
        first=first,
        checked=checked,
        earlier=link(day=earlier_start.isoformat()) if start > today else None,
        later=link(day=later_start.isoformat()) if later_start <= horizon else None,
        query=link(day=start.isoformat(), show=selected.day.isoformat() if selected else ""),
        day_links=[(d, link(day=start.isoformat(), show=d.day.isoformat())) for d in days],
    )


def _resolve_slot(clinic: Clinic, form: SlotChoiceForm, *, actor: Any) -> tuple[Any, Any] | None:
    clinician_public_id, starts_at = form.cleaned_data["slot"]
    clinician = clinician_in_clinic(actor=actor, clinic=clinic, public_id=clinician_public_id)
    return (clinician, starts_at) if clinician is not None else None


def _taken(form: SlotChoiceForm, message: str) -> None:
    form.add_error(None, message)


def _zone_context(clinic: Clinic) -> dict[str, Any]:
    return {"tz": clinic.time_zone, "clinic": clinic}


# --- Newcomers (public, no sign-in) ----------------------------------------------------------


def _redirect_signed_in_patient(request: HttpRequest) -> HttpResponse | None:
    if own_patient_record(request.user) is not None and staff_context(request.user) is None:
        return redirect("appointments:book_review")
    return None


@require_GET
def newcomer_start(request: HttpRequest) -> HttpResponse:
    if (response := _redirect_signed_in_patient(request)) is not None:
        return response
    clinics = clinics_for_public_booking(actor=request.user)
    if len(clinics) == 1:
        return redirect("booking:clinic", clinic_id=clinics[0].public_id)
    return render(request, "appointments/newcomer_clinics.html", {"clinics": clinics})


@require_http_methods(["GET", "POST"])
def newcomer_clinic(request: HttpRequest, clinic_id: str) -> HttpResponse:
    if (response := _redirect_signed_in_patient(request)) is not None:
        return response
    clinic = clinic_for_public_booking(actor=request.user, public_id=clinic_id)
    screening = screening_from_session(request.session)
    if screening.get("triage") == "emergency":
        return render(
            request,
            "appointments/newcomer_emergency.html",
            {"clinic": clinic},
            status=403 if request.method == "POST" else 200,
        )
    kinds = appointment_types_for(actor=request.user, clinic=clinic, audience="newcomer")
    rules = rules_for_public(clinic)
    form = NewcomerBookingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        ip = request.META.get("REMOTE_ADDR")
        if newcomer_attempts_recent(actor=request.user, ip=ip) >= NEWCOMER_ATTEMPTS_PER_HOUR:
            return render(
                request, "appointments/newcomer_limited.html", {"clinic": clinic}, status=429
            )
        status = 400
        kind = _kind_from_query(request, kinds)
        if form.is_valid() and kind is not None:
            resolved = _resolve_slot(clinic, form, actor=request.user)
            try:
                if resolved is None:
                    raise SlotTaken
                newcomer_book(
                    clinic=clinic,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    screening=screening,
                    clinician=resolved[0],
                    kind=kind,
                    starts_at=resolved[1],
                    rules=rules,
                    request=request,
                    invitation_link=lambda token: request.build_absolute_uri(
                        reverse("accounts:invitation_accept", args=[token])
                    ),
                    sign_in_link=request.build_absolute_uri(reverse("account_login")),
                )
            except SlotTaken as error:
                _taken(form, error.message)
                status = 409
            except BookingRefused as error:
                form.add_error(None, error.message)
            else:
                request.session["sitbone_booking_email"] = form.cleaned_data["email"]
                return redirect("booking:done")
    page = _slot_page(request, actor=request.user, clinic=clinic, kinds=kinds, rules=rules)
    if not page.search.is_valid():
        status = 400
    return render(
        request,
        "appointments/newcomer_book.html",
        {
            "form": form,
            "page": page,
            "screening": screening,
            "policy": policy_for(clinic),
            **_zone_context(clinic),
        },
        status=status,
    )


def _kind_from_query(request: HttpRequest, kinds: list[AppointmentType]) -> AppointmentType | None:
    wanted = request.GET.get("kind") or (str(kinds[0].public_id) if kinds else "")
    return next((k for k in kinds if str(k.public_id) == wanted), None)


@require_GET
def newcomer_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "appointments/newcomer_done.html",
        {"email": request.session.get("sitbone_booking_email", "")},
    )


# --- The patient's own appointments ----------------------------------------------------------


@login_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    if staff_context(request.user) is not None:
        return redirect("appointments:diary")
    patient = require_own_patient(request.user)
    upcoming, past = appointments_for_patient(actor=request.user, patient=patient)
    return render(
        request,
        "appointments/mine.html",
        {
            "patient": patient,
            "upcoming": [(a, patient_may_change(a)) for a in upcoming],
            "past": past,
            "suggestion": booking_suggestion(actor=request.user, patient=patient),
            "policy": policy_for(patient.clinic),
            **_zone_context(patient.clinic),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def patient_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient = require_own_patient(request.user)
    clinic = patient.clinic
    kinds = appointment_types_for(actor=request.user, clinic=clinic, audience="patient")
    rules = rules_for_public(clinic)
    form = SlotChoiceForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        kind = _kind_from_query(request, kinds)
        if form.is_valid() and kind is not None:
            resolved = _resolve_slot(clinic, form, actor=request.user)
            try:
                if resolved is None:
                    raise SlotTaken
                appointment = appointment_book(
                    actor=request.user,
                    clinic=clinic,
                    patient=patient,
                    clinician=resolved[0],
                    kind=kind,
                    starts_at=resolved[1],
                    source=BookingSource.PATIENT,
                    rules=rules,
                    request=request,
                )
            except SlotTaken as error:
                _taken(form, error.message)
                status = 409
            except BookingRefused as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, "Your appointment is booked.")
                return redirect("appointments:detail", appointment_id=appointment.public_id)
    page = _slot_page(
        request,
        actor=request.user,
        clinic=clinic,
        kinds=kinds,
        rules=rules,
        prefer=tuple(patient.assigned_clinicians.values_list("pk", flat=True)),
    )
    if not page.search.is_valid():
        status = 400
    return render(
        request,
        "appointments/book.html",
        {
            "form": form,
            "page": page,
            "heading": "Book a review",
            "submit_label": "Book this time",
            "suggestion": booking_suggestion(actor=request.user, patient=patient),
            **_zone_context(clinic),
        },
        status=status,
    )


# --- One appointment (patient or staff) ------------------------------------------------------


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, appointment_id: Any) -> HttpResponse:
    appointment, as_staff = appointment_for_actor(
        actor=request.user, public_id=appointment_id, request=request, what="appointment.view"
    )
    return render(
        request,
        "appointments/detail.html",
        {
            "a": appointment,
            "as_staff": as_staff,
            "can_change": as_staff or patient_may_change(appointment),
            "policy": policy_for(appointment.clinic),
            **_zone_context(appointment.clinic),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reschedule(request: AuthenticatedHttpRequest, appointment_id: Any) -> HttpResponse:
    appointment, as_staff = appointment_for_actor(
        actor=request.user,
        public_id=appointment_id,
        request=request,
        what="appointment.reschedule_view",
    )
    clinic = appointment.clinic
    context = {"a": appointment, "policy": policy_for(clinic), **_zone_context(clinic)}
    if not as_staff and not patient_may_change(appointment):
        status = 409 if request.method == "POST" else 200
        return render(request, "appointments/too_late.html", context, status=status)
    rules = rules_for_staff() if as_staff else rules_for_public(clinic)
    form = SlotChoiceForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            resolved = _resolve_slot(clinic, form, actor=request.user)
            try:
                if resolved is None:
                    raise SlotTaken
                appointment_reschedule(
                    actor=request.user,
                    appointment=appointment,
                    clinician=resolved[0],
                    starts_at=resolved[1],
                    by_patient=not as_staff,
                    rules=rules,
                    request=request,
                )
            except SlotTaken as error:
                _taken(form, error.message)
                status = 409
            except BookingRefused as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, "Your appointment has been moved.")
                return redirect("appointments:detail", appointment_id=appointment.public_id)
    page = _slot_page(
        request,
        actor=request.user,
        clinic=clinic,
        kinds=[appointment.appointment_type],
        rules=rules,
        prefer=(appointment.clinician_id,),
        choose_clinician=as_staff,
        ignore_appointment=appointment,
    )
    if not page.search.is_valid():
        status = 400
    kind_name = appointment.appointment_type.name.lower()
    return render(
        request,
        "appointments/book.html",
        {
            "form": form,
            "page": page,
            "heading": (
                f"Move {appointment.patient.full_name}'s {kind_name}"
                if as_staff
                else f"Change the time of your {kind_name}"
            ),
            "moving": appointment,
            "submit_label": "Move to this time",
            **context,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedHttpRequest, appointment_id: Any) -> HttpResponse:
    appointment, as_staff = appointment_for_actor(
        actor=request.user,
        public_id=appointment_id,
        request=request,
        what="appointment.cancel_view",
    )
    clinic = appointment.clinic
    context = {"a": appointment, "policy": policy_for(clinic), **_zone_context(clinic)}
    if not as_staff and not patient_may_change(appointment):
        status = 409 if request.method == "POST" else 200
        return render(request, "appointments/too_late.html", context, status=status)
    error = ""
    if request.method == "POST":
        try:
            appointment_cancel(
                actor=request.user,
                appointment=appointment,
                by_patient=not as_staff,
                request=request,
            )
        except BookingRefused as refused:
            error = refused.message
        else:
            messages.success(request, "The appointment is cancelled.")
            if as_staff:
                local_day = appointment.starts_at.astimezone(clinic_zone(clinic)).date()
                url = reverse("appointments:diary")
                return redirect(f"{url}?{urlencode({'date': local_day.isoformat()})}")
            return redirect("appointments:mine")
    return render(
        request,
        "appointments/cancel.html",
        {**context, "error": error, "as_staff": as_staff},
        status=409 if error else 200,
    )


# --- Calendar feeds --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = staff_context(request.user)
    owner: dict[str, Any]
    if staff is not None:
        clinic, owner = staff.clinic, {"clinician": request.user}
    else:
        patient = require_own_patient(request.user)
        clinic, owner = patient.clinic, {"patient": patient}
    address = error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = calendar_feed_issue(actor=request.user, clinic=clinic, **owner)
            address = request.build_absolute_uri(reverse("appointments:feed", args=[token]))
        elif action == "revoke":
            calendar_feed_revoke(actor=request.user, **owner)
            messages.success(request, "Your calendar address is turned off.")
            return redirect("appointments:calendar")
        else:
            error = "Choose one of the buttons: make a calendar address, or turn it off."
    return render(
        request,
        "appointments/calendar.html",
        {
            "feed": calendar_feed_live(actor=request.user, **owner),
            "address": address,
            "error": error,
            "as_staff": staff is not None,
        },
        status=400 if error else 200,
    )


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    content = feed_content(actor=request.user, token=token, request=request)
    body = ics.appointments_ics(
        content.appointments,
        audience="clinician" if content.audience == "clinician" else "patient",
        name=content.name,
        uid=f"{content.feed.public_id}@sitbone",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="sitbone.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Staff: diary ----------------------------------------------------------------------------


def _diary_params(
    request: AuthenticatedHttpRequest,
) -> tuple[Any, date | None, Any]:
    staff = require_staff(request.user)
    wanted = request.GET.get("clinician")
    clinician = (
        clinician_for_staff(actor=request.user, public_id=wanted, request=request)
        if wanted
        else request.user
    )
    raw = request.GET.get("date", "")
    try:
        day = date.fromisoformat(raw) if raw else clinic_today(staff.clinic)
    except ValueError:
        day = None
    if day is not None and not 2000 <= day.year < 2100:  # year 1 or 9999 overflows as instants
        day = None
    return staff, day, clinician


def _diary_render(request: AuthenticatedHttpRequest, *, week: bool) -> HttpResponse:
    staff, day, clinician = _diary_params(request)
    template = "appointments/diary_week.html" if week else "appointments/diary_day.html"
    base_context = {
        "clinician": clinician,
        "staff_list": bookable_clinicians(actor=request.user, clinic=staff.clinic),
        **_zone_context(staff.clinic),
    }
    if day is None:
        return render(
            request,
            template,
            {**base_context, "date_error": "Enter a real date, like 2026-12-03", "days": []},
            status=400,
        )
    first = day - timedelta(days=day.weekday()) if week else day
    days = diary(actor=request.user, clinician=clinician, first_day=first, days=7 if week else 1)
    staff_reads_audit(
        actor=request.user,
        patients=[a.patient for d in days for a in d.appointments],
        request=request,
        what="appointment.diary",
    )
    step = 7 if week else 1
    query = {"clinician": str(clinician.public_id)} if clinician.pk != request.user.pk else {}
    return render(
        request,
        template,
        {
            **base_context,
            "days": days,
            "day": day,
            "today": clinic_today(staff.clinic),
            "previous": "?"
            + urlencode({**query, "date": (first - timedelta(days=step)).isoformat()}),
            "next": "?" + urlencode({**query, "date": (first + timedelta(days=step)).isoformat()}),
            "query": "?" + urlencode({**query, "date": day.isoformat()}),
            "is_own": clinician.pk == request.user.pk,
        },
    )


@login_required
@require_GET
def diary_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _diary_render(request, week=False)


@login_required
@require_GET
def diary_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _diary_render(request, week=True)


# --- Staff: booking for a patient ------------------------------------------------------------


@login_required
@require_GET
def book_for(request: AuthenticatedHttpRequest) -> HttpResponse:
    patients = list(patients_for_booking(actor=request.user))
    staff_reads_audit(
        actor=request.user, patients=patients, request=request, what="appointment.book_for_view"
    )
    return render(request, "appointments/book_for.html", {"patients": patients})


@login_required
@require_http_methods(["GET", "POST"])
def staff_book(request: AuthenticatedHttpRequest, patient_id: str) -> HttpResponse:
    staff = require_staff(request.user)
    patient = patient_for_staff(
        actor=request.user, public_id=patient_id, request=request, what="appointment.book_view"
    )
    clinic = staff.clinic
    kinds = appointment_types_for(actor=request.user, clinic=clinic, audience="staff")
    rules = rules_for_staff()
    form = StaffBookingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        kind = _kind_from_query(request, kinds)
        if form.is_valid() and kind is not None:
            resolved = _resolve_slot(clinic, form, actor=request.user)
            every = int(form.cleaned_data["repeat"])
            try:
                if resolved is None:
                    raise SlotTaken
                if every:
                    booked = appointment_series_book(
                        actor=request.user,
                        clinic=clinic,
                        patient=patient,
                        clinician=resolved[0],
                        kind=kind,
                        first_start=resolved[1],
                        every_weeks=every,
                        count=form.cleaned_data["count"],
                        request=request,
                    )
                else:
                    booked = [
                        appointment_book(
                            actor=request.user,
                            clinic=clinic,
                            patient=patient,
                            clinician=resolved[0],
                            kind=kind,
                            starts_at=resolved[1],
                            source=BookingSource.STAFF,
                            rules=rules,
                            request=request,
                        )
                    ]
            except SlotTaken as error:
                _taken(form, error.message)
                status = 409
            except BookingRefused as error:
                form.add_error(None, error.message)
                status = 409
            else:
                count = len(booked)
                messages.success(request, f"Booked {count} appointment{'s' if count > 1 else ''}.")
                return redirect("appointments:detail", appointment_id=booked[0].public_id)
    page = _slot_page(
        request,
        actor=request.user,
        clinic=clinic,
        kinds=kinds,
        rules=rules,
        prefer=tuple(patient.assigned_clinicians.values_list("pk", flat=True)),
        choose_clinician=True,
    )
    if not page.search.is_valid():
        status = 400
    return render(
        request,
        "appointments/book.html",
        {
            "form": form,
            "page": page,
            "heading": f"Book for {patient.full_name}",
            "patient": patient,
            "submit_label": "Book",
            **_zone_context(clinic),
        },
        status=status,
    )


# --- Staff: availability and settings --------------------------------------------------------


@login_required
@require_GET
def availability(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user)
    if not staff.is_admin:
        return redirect("appointments:availability_edit", clinician_id=request.user.public_id)
    return render(
        request,
        "appointments/availability_list.html",
        {"members": staff_for_availability(actor=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit(request: AuthenticatedHttpRequest, clinician_id: Any) -> HttpResponse:
    staff = require_staff(request.user)
    clinician = clinician_for_staff(
        actor=request.user, public_id=clinician_id, request=request, manage=True
    )
    clinic = staff.clinic
    zone = clinic_zone(clinic)
    today = clinic_today(clinic)
    post = request.POST if request.method == "POST" else None
    removing = post is not None and ("remove_hours" in post or "remove_exception" in post)
    posted_exception = post is not None and any(key.startswith("exception-") for key in post)
    # Anything else posted is the working-hours form, so a missing field gets its message.
    posted_hours = post is not None and not (removing or posted_exception)
    hours_form = WorkingHoursForm(post if posted_hours else None, prefix="hours")
    exception_form = AvailabilityExceptionForm(
        post if posted_exception else None, zone=zone, today=today, prefix="exception"
    )
    status = 200
    if post is not None:
        status = 400
        here = reverse("appointments:availability_edit", args=[clinician.public_id])
        if posted_hours and hours_form.is_valid():
            working_hours_add(
                actor=request.user,
                clinic=clinic,
                clinician=clinician,
                weekday=hours_form.cleaned_data["weekday"],
                start=hours_form.cleaned_data["start_time"],
                end=hours_form.cleaned_data["end_time"],
            )
            messages.success(request, "Working hours added.")
            return redirect(here)
        if posted_exception and exception_form.is_valid():
            data = exception_form.cleaned_data
            availability_exception_add(
                actor=request.user,
                clinic=clinic,
                clinician=clinician,
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                note=data["note"],
            )
            messages.success(request, "Change to availability saved.")
            return redirect(here)
        removed = False
        if "remove_hours" in post:
            removed = working_hours_remove(
                actor=request.user,
                clinic=clinic,
                clinician=clinician,
                public_id=_uuid_or_none(post["remove_hours"]),
            )
        elif "remove_exception" in post:
            removed = availability_exception_remove(
                actor=request.user,
                clinic=clinic,
                clinician=clinician,
                public_id=_uuid_or_none(post["remove_exception"]),
            )
        if removed:
            messages.success(request, "Removed.")
            return redirect(here)
        if not (posted_hours or posted_exception):
            raise AccessDenied
    return render(
        request,
        "appointments/availability_edit.html",
        {
            "clinician": clinician,
            "availability": availability_for(actor=request.user, clinician=clinician),
            "hours_form": hours_form,
            "exception_form": exception_form,
            "is_own": clinician.pk == request.user.pk,
            **_zone_context(clinic),
        },
        status=status,
    )


def _uuid_or_none(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def booking_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = require_staff(request.user, admin=True)
    policy = policy_for(staff.clinic)
    form = BookingPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "cancellation_hours": policy.cancellation_hours,
            "max_days_ahead": policy.max_days_ahead,
            "min_notice_hours": policy.min_notice_hours,
            "buffer_minutes": policy.buffer_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        booking_policy_update(actor=request.user, clinic=staff.clinic, data=form.cleaned_data)
        messages.success(request, "Booking settings saved.")
        return redirect("appointments:settings")
    return render(
        request,
        "appointments/settings.html",
        {"form": form, "kinds": appointment_types_all(actor=request.user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: AuthenticatedHttpRequest, type_id: Any) -> HttpResponse:
    kind = appointment_type_for_admin(actor=request.user, public_id=type_id)
    initial = {field: getattr(kind, field) for field in TYPE_FIELDS}
    return _type_page(
        request,
        initial,
        kind=kind,
        save=lambda data: appointment_type_update(actor=request.user, kind=kind, data=data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def type_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An admin adds an appointment type (e.g. a shockwave session) to the clinic's list."""
    staff = require_staff(request.user, admin=True)
    return _type_page(
        request,
        {"duration_minutes": 30, "is_active": True},
        kind=None,
        save=lambda data: appointment_type_create(
            actor=request.user, clinic=staff.clinic, data=data
        ),
    )


def _type_page(
    request: AuthenticatedHttpRequest,
    initial: dict[str, Any],
    *,
    kind: AppointmentType | None,
    save: Callable[[dict[str, Any]], AppointmentType],
) -> HttpResponse:
    """The appointment type form, new or existing: saved, back to the booking settings."""
    form = AppointmentTypeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except TypeNameTaken as taken:
            form.add_error("name", str(taken))
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("appointments:settings")
    return render(
        request,
        "appointments/type_edit.html",
        {"form": form, "kind": kind},
        status=400 if request.method == "POST" else 200,
    )
