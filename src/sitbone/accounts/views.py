from __future__ import annotations

from typing import Any

from allauth.account.views import PasswordResetView as AllauthPasswordResetView
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sitbone.accounts.adapters import mail_failed
from sitbone.accounts.backends import SIGN_IN_BACKEND
from sitbone.accounts.forms import EmailChangeForm, InvitationAcceptForm
from sitbone.accounts.services import (
    EMAIL_CHANGE_HOURS,
    EmailChangeRefused,
    email_change_confirm,
    email_change_request,
    email_change_target,
)
from sitbone.clinics.services import invitation_accept, invitation_by_token
from sitbone.privacy.forms import terms_of_care_field
from sitbone.privacy.models import ConsentSource
from sitbone.privacy.services import consent_to_care_record
from sitbone.web.http import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        initial={"full_name": invitation.full_name},
    )
    patient = invitation.patient if invitation.kind == "patient" else None
    if patient is not None:  # a patient agrees to the terms of care as they join
        form.fields["consent"] = terms_of_care_field()
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = invitation_accept(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                if patient is not None:
                    consent_to_care_record(
                        actor=user, patient=patient, source=ConsentSource.INVITATION
                    )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            return redirect("web:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def session_keepalive_view(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in" from the idle warning: marks the session as active now (204).

    SessionTimeoutMiddleware runs first, so a session already past its limit cannot be revived.
    """
    request.session["sitbone_seen_at"] = timezone.now().timestamp()
    return HttpResponse(status=204)


@login_required
@require_http_methods(["GET", "POST"])
def email_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The sign-in address: shown, and changed by a link sent to the new one.

    Asking needs the password; the link is opened signed in and confirmed with a button (a mail
    scanner following links must not change anything); the old address is told afterwards.
    """
    user = request.user
    token = request.POST.get("confirm") or request.GET.get("confirm") or ""
    form = EmailChangeForm(request=request)
    refused = ""
    target = ""
    status = 200
    if request.method == "POST" and "confirm" in request.POST:
        try:
            changed = email_change_confirm(user=user, token=token, request=request)
        except EmailChangeRefused as error:
            refused, status = str(error), 400
        else:
            messages.success(request, f"You now sign in with {changed.new_email}.")
            if not changed.old_address_told:
                messages.warning(request, "The message telling your old address could not be sent.")
            return redirect("accounts:email")
    elif request.method == "POST":
        form = EmailChangeForm(request.POST, request=request)
        status = 400
        if form.is_valid():
            new_email = form.cleaned_data["email"]
            try:
                email_change_request(
                    user=user,
                    new_email=new_email,
                    confirm_url=request.build_absolute_uri(reverse("accounts:email")),
                )
            except EmailChangeRefused as error:  # the mail could not go: nothing to confirm
                form.add_error(None, str(error))
                status = 503
            else:
                messages.info(
                    request,
                    f"We sent a link to {new_email}. Open it within {EMAIL_CHANGE_HOURS} hours, "
                    "signed in, to confirm the change. Until then you sign in as before.",
                )
                return redirect("accounts:email")
    elif token:
        try:
            target = email_change_target(user=user, token=token)
        except EmailChangeRefused as error:
            refused, status = str(error), 400
    return render(
        request,
        "account/email.html",
        {"form": form, "token": token, "target": target, "refused": refused},
        status=status,
    )


class PasswordResetView(AllauthPasswordResetView):  # type: ignore[misc]
    """allauth's "forgotten password" page, which also says when its email could not be sent.

    Known and unknown addresses both get an email (allauth tells an unknown address that no
    account uses it), so a mail server that is down fails both alike and the answer still does
    not reveal whether the address has an account. Nothing is stored by a reset request, so
    nothing needs undoing: the person is asked to try again later (503, the service is what
    failed, not what they typed).
    """

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        if not mail_failed(self.request):
            return response
        form.add_error(
            None,
            "We could not send the email just now. Your password is unchanged; please try "
            "again in a few minutes.",
        )
        refused: HttpResponse = self.render_to_response(
            self.get_context_data(form=form), status=503
        )
        return refused


password_reset_view = PasswordResetView.as_view()
