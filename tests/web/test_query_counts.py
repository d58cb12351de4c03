"""SQL per request does not grow with the record (issue 8): every page and POST the bench names
runs the same number of queries for a patient with a week of history and for one with months of
it. A query per row (an N+1) would make the second count larger."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sitbone.diary.models import MorningCheck
from sitbone.programmes.models import Programme
from sitbone.reports.services import progress_report_create
from tests.api.conftest import make_token
from tests.clinics.factories import (
    assessment_for,
    clinic_today,
    decision_for,
    measure_for,
    programme_for,
    session_for,
)
from tests.conftest import World
from tests.patients.conftest import session_post

pytestmark = pytest.mark.django_db


def grow(patient: Any, clinician: Any, days: range) -> None:
    """Sessions every other day with their morning checks, a decision a week, a VISA-H and a
    LEFS a month, an assessment and a report a month."""
    today = clinic_today(patient)
    for ago in days:
        day = today - dt.timedelta(days=ago)
        if ago % 2 == 0:
            session_for(patient, day, during=ago % 4, after=1)
        if ago % 7 == 0:
            decision_for(patient, made_on=day, approval="not_needed", stage_change="stay")
        if ago % 28 == 0:
            measure_for(patient, "visa_h", 40 + ago % 30, day)
            assessment_for(patient, assessed_on=day)
            progress_report_create(
                actor=clinician, patient=patient, audience="patient", summary="ok"
            )


def counts(world: World, token: str, report_url: str) -> dict[str, int]:
    patient_client, staff_client, api_client = Client(), Client(), Client()
    patient_client.force_login(world.patient_user)
    staff_client.force_login(world.clinician)
    record = f"/clinic/patients/{world.patient.public_id}/"
    pages: dict[str, tuple[Client, str, dict[str, str]]] = {
        "patient_today": (patient_client, "/me/", {}),
        "session_form": (patient_client, "/me/session/", {}),
        "morning_form": (patient_client, "/me/morning/", {}),
        "patient_progress": (patient_client, "/me/progress/", {}),
        "clinician_patient": (staff_client, record, {}),
        "report_pdf": (staff_client, report_url, {}),
        "exercise_sheet": (staff_client, f"{record}reports/exercise-sheet.pdf", {}),
        "api_sessions_list": (
            api_client,
            f"/api/v1/patients/{world.patient.public_id}/sessions",
            {"Authorization": f"Bearer {token}"},
        ),
    }
    result = {}
    for name, (client, path, headers) in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, (name, response.status_code)
        result[name] = len(queries)
    # the two POSTs the bench names, each a first of its kind: a new session, today's check-in
    MorningCheck.objects.filter(
        patient=world.patient, checked_on=clinic_today(world.patient)
    ).delete()
    programme = Programme.objects.get(patient=world.patient, is_current=True)
    posts = {
        "log_session": ("/me/session/", session_post(programme)),
        "morning_checkin": (
            "/me/morning/",
            {"pain": "2", "stiffness_minutes": "5", "idempotency_key": uuid.uuid4().hex},
        ),
    }
    for name, (path, data) in posts.items():
        with CaptureQueriesContext(connection) as queries:
            response = patient_client.post(path, data)
        assert response.status_code == 302, (name, response.status_code)
        result[name] = len(queries)
    return result


def test_every_named_page_takes_the_same_queries_for_a_week_and_for_six_months(
    world: World,
) -> None:
    programme_for(world.patient, started_days_ago=200)
    grow(world.patient, world.clinician, range(1, 8))
    _, token = make_token(world.clinic, world.admin)
    report = progress_report_create(
        actor=world.clinician, patient=world.patient, audience="referrer", summary="Report."
    )
    report_url = f"/clinic/patients/{world.patient.public_id}/reports/{report.public_id}.pdf"
    counts(world, token, report_url)  # first visits create what is made once (e.g. sessions)

    short = counts(world, token, report_url)
    grow(world.patient, world.clinician, range(8, 180))
    long = counts(world, token, report_url)

    assert long == short


def test_the_today_page_takes_the_same_queries_whether_the_check_in_is_due_or_done(
    world: World,
) -> None:
    """Whether this morning's check-in is due is one question to the database, not up to three
    depending on the answer."""
    programme_for(world.patient, started_days_ago=30)
    today = clinic_today(world.patient)
    session_for(world.patient, today - dt.timedelta(days=1), morning=None)
    client = Client()
    client.force_login(world.patient_user)
    client.get("/me/")  # the first visit creates what is made once

    def today_page() -> tuple[bool, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/me/")
        return response.context["checkin_due"], len(queries)

    due, before = today_page()
    MorningCheck.objects.create(
        clinic=world.patient.clinic,
        patient=world.patient,
        checked_on=today,
        task="bridge_hold_single_leg_short_lever",
        pain=1,
    )
    done, after = today_page()

    assert (due, done) == (True, False)
    assert after == before


def test_the_signed_in_patient_is_never_looked_up_on_its_own(world: World) -> None:
    """The idempotency middleware, the view and the page header all need the patient's own
    record; it comes joined to the user's row (sitbone.clinics.access.signed_in_user), so no
    request reads it by itself."""
    programme_for(world.patient, started_days_ago=30)
    client = Client()
    client.force_login(world.patient_user)
    form = client.get("/me/morning/")
    assert form.status_code == 200

    def lookups(queries: CaptureQueriesContext) -> int:
        return sum(
            'FROM "patients_patient"' in query["sql"]
            and '"patients_patient"."user_id" =' in query["sql"]
            for query in queries.captured_queries
        )

    with CaptureQueriesContext(connection) as page:
        assert client.get("/me/").status_code == 200
    with CaptureQueriesContext(connection) as post:
        response = client.post(
            "/me/morning/",
            {"pain": "2", "stiffness_minutes": "5", "idempotency_key": uuid.uuid4().hex},
        )
    assert response.status_code == 302
    assert (lookups(page), lookups(post)) == (0, 0)


def test_no_default_ordering_sorts_by_a_related_model() -> None:
    """Ordering by a foreign key's name follows the related model's own ordering: "patient"
    joins the patients table to sort by name in every default-ordered query on that model.
    Orderings name the column (``patient_id``) instead."""
    from django.apps import apps

    ours = [m for m in apps.get_models() if m.__module__.startswith("sitbone.")]
    by_relation = [
        f"{model._meta.label}: {item}"
        for model in ours
        for item in model._meta.ordering
        if any(f.is_relation and f.name == str(item).lstrip("-") for f in model._meta.fields)
    ]
    assert len(ours) > 30
    assert by_relation == []
