"""The public symptom check (/check/) and sign-up after it (/register/).

Thin views: parse the form, call one service, render. Answers live only in the visitor's session
until they sign up or book.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from sitbone.accounts.backends import SIGN_IN_BACKEND
from sitbone.clinics.models import Clinic
from sitbone.engine.screening import screen
from sitbone.privacy.forms import terms_of_care_field
from sitbone.privacy.models import ConsentSource
from sitbone.privacy.services import consent_to_care_record
from sitbone.screening.forms import CheckPageForm, RegistrationForm
from sitbone.screening.selectors import (
    check_finished,
    check_page,
    check_pages,
    clinic_for_registration,
    clinics_for_registration,
    first_unanswered_page,
    screening_state,
    supporting_items,
)
from sitbone.screening.services import (
    ConfirmationInvalid,
    RegistrationRefused,
    ResendTooSoon,
    patient_self_register,
    registration_confirm,
    registration_email_send,
    resend_count,
    screening_answers_save,
    screening_clear,
)


def booking_url() -> str:
    """The booking page once the appointments app provides it; until then its agreed address."""
    try:
        return reverse("appointments:book")
    except NoReverseMatch:
        return "/book/"


@require_http_methods(["GET"])
def start(request: HttpRequest) -> HttpResponse:
    pages = check_pages()
    state = screening_state(request.session)
    return render(
        request,
        "screening/start.html",
        {
            "first_page": pages[0],
            "page_count": len(pages),
            "question_count": sum(len(p.items) for p in pages),
            "has_answers": bool(state["answers"]),
            "finished": check_finished(state),
        },
    )


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, page_id: str) -> HttpResponse:
    current = check_page(page_id)
    if current is None:
        raise Http404("No such page in the symptom check")
    pages = check_pages()
    state = screening_state(request.session)
    initial = {
        item.id: ("yes" if state["answers"][item.id] else "no")
        for item in current.items
        if item.id in state["answers"]
    }
    form = CheckPageForm(
        request.POST if request.method == "POST" else None, items=current.items, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        state = screening_answers_save(session=request.session, answers=form.answers())
        if state["triage"] == "emergency":
            return redirect("screening:result")
        following = pages[current.number] if current.number < len(pages) else None
        if following is None:
            return redirect("screening:result")
        return redirect("screening:page", page_id=following.id)
    previous = pages[current.number - 2] if current.number > 1 else None
    return render(
        request,
        "screening/page.html",
        {
            "form": form,
            "current": current,
            "page_count": len(pages),
            "previous": previous,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
def result(request: HttpRequest) -> HttpResponse:
    state = screening_state(request.session)
    if not check_finished(state):
        missing = first_unanswered_page(state["answers"]) or check_pages()[0]
        return redirect("screening:page", page_id=missing.id)
    outcome = screen(state["answers"]).to_dict()
    pages = check_pages()
    typical = supporting_items()
    return render(
        request,
        "screening/result.html",
        {
            "outcome": outcome,
            "triage": outcome["triage"],
            "booking_url": booking_url(),
            "last_page": pages[-1],
            "first_page": pages[0],
            "typical_count": len(typical),
            "pointing": [item.question for item in typical if state["answers"].get(item.id)],
        },
    )


@require_POST
def clear(request: HttpRequest) -> HttpResponse:
    screening_clear(session=request.session)
    return redirect("screening:start")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    state = screening_state(request.session)
    if not check_finished(state):
        return render(request, "screening/register_first.html", status=200)
    if screen(state["answers"]).triage.value == "emergency":
        return render(request, "screening/register_refused.html", status=403)
    clinics = clinics_for_registration()
    if not clinics:
        return render(request, "screening/register_closed.html", status=503)
    form = RegistrationForm(request.POST if request.method == "POST" else None, clinics=clinics)
    form.fields["consent"] = terms_of_care_field()
    if request.method == "POST" and form.is_valid():
        clinic = form.chosen_clinic()
        try:
            with transaction.atomic():  # no account without its record and the consent to care
                user = patient_self_register(
                    clinic=clinic,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    affected_side=form.cleaned_data["affected_side"],
                    answers=state["answers"],
                )
                if user is not None:
                    consent_to_care_record(
                        actor=user, patient=user.patient, source=ConsentSource.SIGN_UP
                    )
        except RegistrationRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            screening_clear(session=request.session)
            email = form.cleaned_data["email"].strip().lower()
            return _email_and_show(
                request, {"email": email, "clinic": str(clinic.public_id)}, clinic
            )
    return render(
        request,
        "screening/register.html",
        {"form": form, "booking_url": booking_url(), "clinic_count": len(clinics)},
        status=400 if request.method == "POST" else 200,
    )


SENT_TO = "sitbone.register.sent_to"
"""The session's last sign-up: its address and clinic, for the page that follows and its
"send the email again" button."""


def _email_and_show(request: HttpRequest, last: dict[str, Any], clinic: Clinic) -> HttpResponse:
    """Send the sign-up email after the commit; a mail server that is down loses nothing: the
    page says so and offers to send it again."""
    sent = registration_email_send(
        email=last["email"],
        clinic=clinic,
        absolute=request.build_absolute_uri,
    )
    request.session[SENT_TO] = {**last, "failed": not sent}
    return redirect("screening:sent")


@require_http_methods(["GET", "POST"])
def sent(request: HttpRequest) -> HttpResponse:
    """The same page whether the address was new or known (see `patient_self_register`); a
    POST sends the email again."""
    last = request.session.get(SENT_TO)
    if not isinstance(last, dict):
        return redirect("screening:register")
    clinic = clinic_for_registration(last.get("clinic"))
    if clinic is None:
        return redirect("screening:register")
    if request.method == "POST":
        try:
            resend_count(last["email"])
        except ResendTooSoon as too_soon:
            return _sent_page(request, email=last["email"], wait_minutes=too_soon.minutes)
        return _email_and_show(request, last, clinic)
    return _sent_page(request, email=last["email"], failed=last.get("failed", False))


def _sent_page(request: HttpRequest, **context: Any) -> HttpResponse:
    """The "check your email" page, or why the email did not go (429 when asked too often)."""
    return render(
        request,
        "screening/register_sent.html",
        {**context, "unconfirmed_days": settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS},
        status=429 if context.get("wait_minutes") else 200,
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET only shows a button, so a mail scanner opening the link confirms nothing."""
    if request.method == "GET":
        return render(request, "screening/register_confirm.html")
    try:
        user, confirmed = registration_confirm(token=token)
    except ConfirmationInvalid:
        return render(request, "screening/register_confirm_invalid.html", status=400)
    if not confirmed:
        messages.info(request, "Your email address is already confirmed. Sign in to continue.")
        return redirect("account_login")
    request.session.pop(SENT_TO, None)
    login(request, user, backend=SIGN_IN_BACKEND)
    return HttpResponseRedirect(reverse("patients:home") + "?welcome=1")
