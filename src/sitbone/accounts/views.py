from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sitbone.accounts.backends import SIGN_IN_BACKEND
from sitbone.accounts.forms import InvitationAcceptForm
from sitbone.clinics.services import invitation_accept, invitation_by_token
from sitbone.privacy.forms import terms_of_care_field
from sitbone.privacy.models import ConsentSource
from sitbone.privacy.services import consent_to_care_record


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
