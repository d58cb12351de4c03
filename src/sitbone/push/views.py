"""Web push endpoints: the service worker script, saving this browser's subscription, and
stopping notifications on a device. The device list itself is on the reminders page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sitbone.clinics.access import require_own_patient
from sitbone.push.forms import UnreadableSubscription, subscription_form_from_json
from sitbone.push.selectors import push_subscription_for_owner
from sitbone.push.services import (
    MAX_ACTIVE_DEVICES,
    TooManyDevices,
    push_available,
    push_subscription_revoke,
    push_subscription_save,
)
from sitbone.web.http import AuthenticatedHttpRequest


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker. It lives under /me/push/ with the routes it talks to, and may control
    all of /me/ (Service-Worker-Allowed)."""
    home = reverse("patients:home")
    response = HttpResponse(
        render_to_string("push/service_worker.js", {"home": home}),
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = home
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_POST
def subscription_save(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Save the subscription JSON this browser's PushManager gave (idempotent on endpoint)."""
    patient = require_own_patient(request.user)
    if not push_available():
        return JsonResponse(
            {"error": "Notifications on devices are not switched on for this service."},
            status=409,
        )
    try:
        form = subscription_form_from_json(request.body)
    except UnreadableSubscription:
        return JsonResponse(
            {"error": "We could not read what your browser sent. Please try again."}, status=400
        )
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=422)
    try:
        subscription, created = push_subscription_save(
            actor=request.user,
            patient=patient,
            endpoint=form.cleaned_data["endpoint"],
            p256dh=form.cleaned_data["p256dh"],
            auth=form.cleaned_data["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
    except TooManyDevices:
        return JsonResponse(
            {
                "error": f"Notifications are on for {MAX_ACTIVE_DEVICES} devices already. "
                "Stop them on one you no longer use, then try again."
            },
            status=422,
        )
    return JsonResponse(
        {"id": str(subscription.public_id), "label": subscription.device_label},
        status=201 if created else 200,
    )


@login_required
@require_POST
def subscription_revoke(
    request: AuthenticatedHttpRequest, subscription_id: uuid.UUID
) -> HttpResponse:
    subscription = push_subscription_for_owner(
        actor=request.user, public_id=subscription_id, request=request
    )
    push_subscription_revoke(actor=request.user, subscription=subscription)
    messages.success(request, f"Notifications stopped on {subscription.device_label}.")
    return redirect("patients:reminders")
