"""The bare reference endpoint for capacity runs: the log-session INSERT and nothing else.

It exists only under ``sitbone.config.settings.bench`` (sitbone.bench.urls is that settings'
URL conf). No authentication, no form, no engine: it writes one ``SessionLog`` row in a
transaction for the patient and programme ids the load generator passes, so that
``log_session / bare_insert`` measures what the real endpoint costs on top of its write.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sitbone.diary.models import SessionLog


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    try:
        clinic_id = int(request.GET["clinic"])
        patient_id = int(request.GET["patient"])
        programme_id = int(request.GET["programme"])
    except (KeyError, ValueError):
        return HttpResponse(status=400)
    with transaction.atomic():
        SessionLog.objects.create(
            clinic_id=clinic_id,
            patient_id=patient_id,
            programme_id=programme_id,
            performed_on=dt.date(2000, 1, 1),
            pain_during=2,
            pain_after=2,
        )
    return HttpResponse(status=204)
