"""Foreign-key injection (issue 9, item 6; OWASP API1/API3): a request that names someone else's
record — another patient's programme, exercise or log, another clinic's clinician or appointment
type — is refused with a 4xx and writes nothing, through the forms and through the API.

"Writes nothing" is checked by counting the rows of every table before and after (the audit
trail, sessions and sign-in bookkeeping aside, which record the attempt itself).

Where a form has no field for a record at all (the patient is always the one signed in, the
programme always their current one), a forged field is ignored: the tests show that the write
lands on the sender's own record and nobody else's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.appointments.factories import book, kind, local, working_hours
from tests.conftest import World

NOW = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
"""Monday 1 June 2026, 10:00 in Sydney (the world's clinic)."""
WED = date(2026, 6, 3)

BOOKKEEPING = {
    "clinics.AuditEvent",
    "clinics.AuditChainHead",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "api.IdempotencyRecord",
    "api.RateWindow",
}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label not in BOOKKEEPING and model._meta.managed
    }


@contextmanager
def nothing_written() -> Iterator[None]:
    before = row_counts()
    yield
    after = row_counts()
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def two_clinics(world: World, frozen: Any) -> World:
    """Both clinics' clinicians work 09:00–17:00 every day; both patients have a programme (the
    other patient's at stage 3, with exercises the patient's stage-1 programme does not have)."""
    from sitbone.programmes.services import programme_from_prescription

    working_hours(world.clinic, world.clinician)
    working_hours(world.other_clinic, world.other_clinic_clinician)
    programme_from_prescription(actor=world.clinician, patient=world.patient, stage=1, reason="1")
    programme_from_prescription(
        actor=world.unassigned_clinician, patient=world.other_patient, stage=3, reason="3"
    )
    return world


def programme_of(patient: Any) -> Any:
    return patient.programmes.get(is_current=True)


def foreign_exercise(world: World) -> str:
    """An exercise prescribed to the other patient but not to the patient."""
    own = set(programme_of(world.patient).exercises.values_list("exercise_id", flat=True))
    theirs = programme_of(world.other_patient).exercises.values_list("exercise_id", flat=True)
    return next(e for e in theirs if e not in own)


def slot(clinician: Any, clinic: Any, hour: int = 10) -> str:
    from sitbone.appointments.selectors import slot_token

    return slot_token(clinician.public_id, local(clinic, WED, time(hour)))


# --- Forms: the patient's diary --------------------------------------------------------------


def test_a_forged_patient_or_programme_in_the_session_form_is_ignored(two_clinics: World) -> None:
    from sitbone.diary.models import SessionLog
    from tests.patients.conftest import session_post

    world = two_clinics
    other = programme_of(world.other_patient)
    data = session_post(programme_of(world.patient))
    data |= {
        "patient": str(world.other_patient.public_id),
        "patient_id": str(world.other_patient.pk),
        "programme": str(other.public_id),
        "programme_id": str(other.pk),
        "ex0-exercise_id": foreign_exercise(world),
    }
    response = client_for(world.patient_user).post("/me/session/", data)
    assert response.status_code == 302
    logged = SessionLog.objects.get()
    assert (logged.patient, logged.programme) == (world.patient, programme_of(world.patient))
    own = set(programme_of(world.patient).exercises.values_list("exercise_id", flat=True))
    assert set(logged.entries.values_list("exercise_id", flat=True)) <= own
    assert not SessionLog.objects.filter(patient=world.other_patient).exists()


def test_a_forged_patient_in_the_morning_check_in_is_ignored(two_clinics: World) -> None:
    from sitbone.diary.models import MorningCheck

    world = two_clinics
    response = client_for(world.patient_user).post(
        "/me/morning/",
        {"pain": "2", "stiffness_minutes": "5", "patient": str(world.other_patient.public_id)},
    )
    assert response.status_code == 302
    assert list(MorningCheck.objects.values_list("patient", flat=True)) == [world.patient.pk]


def test_next_morning_pain_for_another_patients_run_is_refused(two_clinics: World) -> None:
    from sitbone.diary.models import RunLog

    world = two_clinics
    theirs = RunLog.objects.create(
        clinic=world.clinic,
        patient=world.other_patient,
        performed_on=NOW.date() - timedelta(days=1),
        minutes=20,
        pain_during=1,
    )
    prefix = f"nm-{theirs.public_id.hex[:12]}"
    with nothing_written():
        response = client_for(world.patient_user).post(
            f"/me/load/run/{theirs.public_id}/next-morning/", {f"{prefix}-next_morning_pain": "9"}
        )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.next_morning_pain is None


# --- Forms: booking --------------------------------------------------------------------------


def patient_book_url(world: World, clinic: Any = None) -> str:
    chosen = kind(clinic or world.clinic)
    return f"{reverse('appointments:book_review')}?kind={chosen.public_id}&day={WED}"


@pytest.mark.parametrize("forged", ["clinician", "appointment type"])
def test_a_patient_cannot_book_another_clinics_clinician_or_type(
    two_clinics: World, forged: str
) -> None:
    world = two_clinics
    if forged == "clinician":
        url, data = (
            patient_book_url(world),
            {"slot": slot(world.other_clinic_clinician, world.clinic)},
        )
    else:
        url = patient_book_url(world, world.other_clinic)
        data = {"slot": slot(world.clinician, world.clinic)}
    with nothing_written():
        response = client_for(world.patient_user).post(url, data)
    assert 400 <= response.status_code < 500


def test_a_patient_cannot_move_their_appointment_to_another_clinics_clinician(
    two_clinics: World,
) -> None:
    world = two_clinics
    appointment = book(world, starts_at=local(world.clinic, WED, time(9)))
    url = reverse("appointments:reschedule", args=[appointment.public_id]) + f"?day={WED}"
    with nothing_written():
        response = client_for(world.patient_user).post(
            url, {"slot": slot(world.other_clinic_clinician, world.clinic, 14)}
        )
    assert 400 <= response.status_code < 500
    appointment.refresh_from_db()
    assert (appointment.clinician, appointment.starts_at) == (
        world.clinician,
        local(world.clinic, WED, time(9)),
    )


@pytest.mark.parametrize("forged", ["clinician", "appointment type"])
def test_staff_cannot_book_their_patient_with_another_clinics_clinician_or_type(
    two_clinics: World, forged: str
) -> None:
    world = two_clinics
    base = reverse("appointments:staff_book", args=[world.patient.public_id])
    if forged == "clinician":
        url = f"{base}?kind={kind(world.clinic).public_id}&day={WED}"
        token = slot(world.other_clinic_clinician, world.clinic)
    else:
        url = f"{base}?kind={kind(world.other_clinic).public_id}&day={WED}"
        token = slot(world.clinician, world.clinic)
    with nothing_written():
        response = client_for(world.clinician).post(url, {"slot": token, "count": "1"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("forged", ["clinician", "appointment type"])
def test_a_newcomer_cannot_book_another_clinics_clinician_or_type(
    two_clinics: World, forged: str
) -> None:
    world = two_clinics
    base = reverse("booking:clinic", args=[world.clinic.public_id])
    if forged == "clinician":
        url = f"{base}?kind={kind(world.clinic, 'initial_assessment').public_id}&day={WED}"
        token = slot(world.other_clinic_clinician, world.clinic)
    else:
        url = f"{base}?kind={kind(world.other_clinic, 'initial_assessment').public_id}&day={WED}"
        token = slot(world.clinician, world.clinic)
    data = {"slot": token, "full_name": "Nina Newcomer", "email": "nina@example.test"}
    with nothing_written():
        response = Client().post(url, {**data, "phone": "0412 345 678"})
    assert 400 <= response.status_code < 500


def test_a_clinic_admin_cannot_change_another_clinics_clinicians_hours(two_clinics: World) -> None:
    world = two_clinics
    url = reverse("appointments:availability_edit", args=[world.other_clinic_clinician.public_id])
    with nothing_written():
        response = client_for(world.admin).post(
            url,
            {
                "hours-weekday": "0",
                "hours-start_time": "06:00",
                "hours-end_time": "07:00",
            },
        )
    assert response.status_code == 404


# --- The API ---------------------------------------------------------------------------------


def api_post(user: Any, path: str, body: dict[str, Any]) -> Any:
    return client_for(user).post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json"
    )


def test_the_api_refuses_a_session_with_an_exercise_from_someone_elses_programme(
    two_clinics: World,
) -> None:
    world = two_clinics
    body = {
        "performed_on": "2026-05-31",
        "pain_during": 2,
        "pain_after": 2,
        "entries": [
            {"exercise_id": foreign_exercise(world), "sets_done": 3, "reps": 8, "pain_during": 2}
        ],
    }
    with nothing_written():
        response = api_post(
            world.patient_user, f"/patients/{world.patient.public_id}/sessions", body
        )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.entries[0].exercise_id"


@pytest.mark.parametrize(
    ("collection", "body"),
    [
        ("sessions", {"performed_on": "2026-05-31", "pain_during": 2, "pain_after": 2}),
        ("morning-checks", {"checked_on": "2026-05-31", "pain": 2}),
    ],
)
@pytest.mark.parametrize("forged", ["patient", "patient_id", "programme", "programme_id", "clinic"])
def test_the_api_refuses_a_diary_entry_naming_another_record_in_its_body(
    two_clinics: World, collection: str, body: dict[str, Any], forged: str
) -> None:
    world = two_clinics
    target = (
        world.other_patient if forged.startswith("patient") else programme_of(world.other_patient)
    )
    if forged == "clinic":
        target = world.other_clinic
    with nothing_written():
        response = api_post(
            world.patient_user,
            f"/patients/{world.patient.public_id}/{collection}",
            {**body, forged: str(target.public_id)},
        )
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("collection", ["sessions", "morning-checks"])
def test_the_api_refuses_a_diary_entry_for_another_patient(
    two_clinics: World, collection: str
) -> None:
    world = two_clinics
    body = (
        {"performed_on": "2026-05-31", "pain_during": 2, "pain_after": 2}
        if collection == "sessions"
        else {"checked_on": "2026-05-31", "pain": 2}
    )
    with nothing_written():
        response = api_post(
            world.patient_user, f"/patients/{world.other_patient.public_id}/{collection}", body
        )
    assert response.status_code == 404


def test_the_api_refuses_a_measure_for_another_clinics_patient(two_clinics: World) -> None:
    from sitbone.patients.models import Patient

    world = two_clinics
    elsewhere = Patient.objects.create(
        clinic=world.other_clinic, full_name="Hill Patient", email="hill@hilltop.test"
    )
    body = {"instrument": "lefs", "taken_on": "2026-05-31", "answers": [3] * 20}
    with nothing_written():
        response = api_post(world.clinician, f"/patients/{elsewhere.public_id}/measures", body)
        forged = api_post(
            world.clinician,
            f"/patients/{world.patient.public_id}/measures",
            {**body, "patient_id": str(elsewhere.public_id)},
        )
    assert response.status_code == 404
    assert forged.status_code == 422
