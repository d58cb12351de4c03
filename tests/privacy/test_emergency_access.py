"""Emergency ("break-glass") access: where a clinic limits clinicians to their care team, someone
outside it reaches one patient only with a reason, for a few hours, every read audited with the
access's id, and the clinic admins told. Never across clinics."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from sitbone.clinics.models import AuditEvent
from sitbone.privacy.models import EmergencyAccess
from tests.conftest import ROLES, World
from tests.privacy.factories import care_team_only, emergency_access_for, signed_in
from tests.web.access_matrix import concrete_path, iter_routes, outcome
from tests.web.test_access_matrix import EXPECTED, admin_object, params_for

REASON = "Pat is in clinic with severe pain and Cleo is away until Monday"


def page_of(patient: Any) -> str:
    return f"/clinic/patients/{patient.public_id}/"


def emergency_of(patient: Any) -> str:
    return f"/clinic/emergency-access/{patient.public_id}/"


def reads(patient: Any, **filters: Any) -> Any:
    return AuditEvent.objects.filter(category="read", patient=patient, **filters)


# --- The care-team rule ----------------------------------------------------------------------


def test_without_the_care_team_rule_every_clinician_of_the_clinic_reads_the_record(
    world: World,
) -> None:
    client = signed_in(world.unassigned_clinician)
    assert client.get(page_of(world.patient)).status_code == 200
    response = client.get(emergency_of(world.patient))
    assert response.status_code == 302 and response["Location"] == page_of(world.patient)
    assert b"emergency access is not needed" in client.get("/clinic/emergency-access/").content
    assert not EmergencyAccess.objects.exists()


def test_with_the_care_team_rule_a_clinician_outside_it_gets_404_and_a_security_event(
    world: World,
) -> None:
    care_team_only(world.clinic)
    assert signed_in(world.unassigned_clinician).get(page_of(world.patient)).status_code == 404
    denied = AuditEvent.objects.filter(category="denied", actor=world.unassigned_clinician)
    assert denied.count() == 1
    assert signed_in(world.clinician).get(page_of(world.patient)).status_code == 200
    assert signed_in(world.admin).get(page_of(world.patient)).status_code == 200
    # the unassigned clinician still reaches their own patient
    assert (
        signed_in(world.unassigned_clinician).get(page_of(world.other_patient)).status_code == 200
    )


def test_a_clinician_booked_with_the_patient_is_in_their_care_team(world: World) -> None:
    from tests.appointments.factories import book, working_hours

    care_team_only(world.clinic)
    working_hours(world.clinic, world.unassigned_clinician)
    book(world, clinician=world.unassigned_clinician)
    assert signed_in(world.unassigned_clinician).get(page_of(world.patient)).status_code == 200


def test_the_api_follows_the_same_rule(world: World) -> None:
    care_team_only(world.clinic)
    client = signed_in(world.unassigned_clinician)
    url = f"/api/v1/patients/{world.patient.public_id}"
    assert client.get(url).status_code == 404
    listed = {p["id"] for p in client.get("/api/v1/patients").json()["items"]}
    assert listed == {str(world.other_patient.public_id)}
    access = emergency_access_for(world)
    assert client.get(url).status_code == 200
    assert reads(world.patient, action="api.patient.view").get().detail == access.audit_detail
    listed = {p["id"] for p in client.get("/api/v1/patients").json()["items"]}
    assert str(world.patient.public_id) in listed
    assert reads(world.patient, action="api.patient.list").get().detail == access.audit_detail


# --- Opening emergency access ----------------------------------------------------------------


def test_the_form_names_the_patient_and_that_read_is_audited_once(world: World) -> None:
    care_team_only(world.clinic)
    page = signed_in(world.unassigned_clinician).get(emergency_of(world.patient))
    assert page.status_code == 200
    assert b"Emergency access to Pat Patient" in page.content
    assert reads(world.patient, action="patient.emergency_form").count() == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason you need this record now"),
        ("emergency", "at least 20 characters"),
        ("   short   but   padded   ", "at least 20 characters"),
        ("A real reason, but\x00with a NUL byte in it", "Null characters are not allowed"),
        (
            "A real reason, but\x07with a bell in it here",
            "hidden character after “real reason, but”",
        ),
        ("x" * 501, "500 characters or fewer"),
    ],
)
def test_a_missing_or_thin_reason_is_refused_and_opens_nothing(
    world: World, reason: str, message: str
) -> None:
    care_team_only(world.clinic)
    response = signed_in(world.unassigned_clinician).post(
        emergency_of(world.patient), {"reason": reason}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "<title>Error:" in html
    assert message in html
    assert not EmergencyAccess.objects.exists()
    assert not AuditEvent.objects.filter(action="emergency_access.open").exists()
    assert mail.outbox == []
    assert signed_in(world.unassigned_clinician).get(page_of(world.patient)).status_code == 404


def test_a_reason_opens_the_record_for_hours_tells_the_admins_and_audits_every_read(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    care_team_only(world.clinic, hours=4)
    client = signed_in(world.unassigned_clinician)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(emergency_of(world.patient), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == page_of(world.patient)

    access = EmergencyAccess.objects.get()
    assert (access.actor, access.patient, access.reason) == (
        world.unassigned_clinician,
        world.patient,
        REASON,
    )
    assert dt.timedelta(hours=4) <= access.expires_at - before < dt.timedelta(hours=4, minutes=1)
    assert AuditEvent.objects.filter(action="emergency_access.open").count() == 1

    (message,) = mail.outbox
    assert message.to == [world.admin.email]
    assert world.unassigned_clinician.email in message.body
    assert "/clinic/privacy/emergency-access/" in message.body
    assert world.patient.full_name not in message.body and REASON not in message.body

    assert client.get(page_of(world.patient)).status_code == 200
    assert client.get(f"/clinic/patients/{world.patient.public_id}/assessments/").status_code == 200
    during = reads(world.patient, actor=world.unassigned_clinician).exclude(
        action="patient.emergency_form"
    )
    assert sorted(during.values_list("action", flat=True)) == ["assessment.list", "patient.view"]
    assert set(during.values_list("detail", flat=True)) == {access.audit_detail}

    # asking again while it is open opens nothing new
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(emergency_of(world.patient), {"reason": REASON})
    assert again.status_code == 302
    assert EmergencyAccess.objects.count() == 1 and len(mail.outbox) == 1


def test_emergency_access_ends_when_its_time_is_up(world: World) -> None:
    care_team_only(world.clinic, hours=4)
    opened = timezone.now()
    with time_machine.travel(opened, tick=False):
        signed_in(world.unassigned_clinician).post(emergency_of(world.patient), {"reason": REASON})
    # a fresh sign-in each time: the idle timeout would end one session this long
    with time_machine.travel(opened + dt.timedelta(hours=3, minutes=59), tick=False):
        assert signed_in(world.unassigned_clinician).get(page_of(world.patient)).status_code == 200
    with time_machine.travel(opened + dt.timedelta(hours=4, seconds=1), tick=False):
        client = signed_in(world.unassigned_clinician)
        assert client.get(page_of(world.patient)).status_code == 404
        # and it can be asked for again, with a new reason
        assert client.get(emergency_of(world.patient)).status_code == 200
    assert AuditEvent.objects.filter(category="denied", actor=world.unassigned_clinician).exists()


def test_another_clinics_patient_stays_404_even_with_a_reason(world: World) -> None:
    from sitbone.patients.models import Patient

    care_team_only(world.clinic)
    care_team_only(world.other_clinic)
    foreign = signed_in(world.other_clinic_clinician)
    assert foreign.get(emergency_of(world.patient)).status_code == 404
    assert foreign.post(emergency_of(world.patient), {"reason": REASON}).status_code == 404
    hilltop = Patient.objects.create(
        clinic=world.other_clinic, full_name="Hana Hilltop", email="hana@hilltop.test"
    )
    local = signed_in(world.unassigned_clinician)
    assert local.post(emergency_of(hilltop), {"reason": REASON}).status_code == 404
    assert local.post("/clinic/emergency-access/not-a-uuid/", {"reason": REASON}).status_code == 404
    assert not EmergencyAccess.objects.exists()
    assert mail.outbox == []
    assert foreign.get(page_of(world.patient)).status_code == 404
    assert AuditEvent.objects.filter(category="denied").count() >= 4


def test_the_service_itself_refuses_another_clinics_patient(world: World) -> None:
    from sitbone.clinics.access import AccessDenied
    from sitbone.privacy.services import emergency_access_open

    care_team_only(world.other_clinic)
    with pytest.raises(AccessDenied):
        emergency_access_open(
            actor=world.other_clinic_clinician, patient=world.patient, reason=REASON, review_link=""
        )
    assert not EmergencyAccess.objects.exists()


@pytest.mark.parametrize("role", ["patient_user", "other_patient_user"])
def test_patients_cannot_use_emergency_access(world: World, role: str) -> None:
    care_team_only(world.clinic)
    client = signed_in(getattr(world, role))
    assert client.get("/clinic/emergency-access/").status_code == 404
    assert client.post(emergency_of(world.patient), {"reason": REASON}).status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_the_search_finds_patients_of_the_clinic_only_and_each_shown_is_an_audited_read(
    world: World,
) -> None:
    from sitbone.patients.models import Patient

    care_team_only(world.clinic)
    Patient.objects.create(clinic=world.other_clinic, full_name="Pat Hilltop", email="p@h.test")
    client = signed_in(world.unassigned_clinician)
    page = client.post("/clinic/emergency-access/", {"q": "pat"})
    assert page.status_code == 200
    assert b"Pat Patient" in page.content and b"Pat Hilltop" not in page.content
    assert reads(world.patient, action="patient.emergency_search").count() == 1
    short = client.post("/clinic/emergency-access/", {"q": "p"})
    assert short.status_code == 400 and b"at least 2 characters" in short.content


# --- The admins see it -----------------------------------------------------------------------


def test_the_admin_sees_who_when_why_and_which_patient_and_marks_it_reviewed(
    world: World,
) -> None:
    care_team_only(world.clinic)
    signed_in(world.unassigned_clinician).post(emergency_of(world.patient), {"reason": REASON})
    signed_in(world.unassigned_clinician).get(page_of(world.patient))
    access = EmergencyAccess.objects.get()
    admin = signed_in(world.admin)
    overview = admin.get("/clinic/privacy/")
    assert b"1 to review" in overview.content
    listing = admin.get("/clinic/privacy/emergency-access/").content.decode()
    for shown in (world.unassigned_clinician.email, world.patient.full_name, REASON):
        assert shown in listing
    assert "Not reviewed" in listing

    url = f"/clinic/privacy/emergency-access/{access.public_id}/reviewed/"
    assert signed_in(world.unassigned_clinician).post(url).status_code == 404
    assert admin.post(url).status_code == 302
    assert admin.post(url).status_code == 302  # twice changes nothing more
    access.refresh_from_db()
    assert access.reviewed_by == world.admin and access.reviewed_at is not None
    assert AuditEvent.objects.filter(action="emergency_access.reviewed").count() == 1
    assert b"Nothing to review" in admin.get("/clinic/privacy/").content


def test_accesses_not_yet_reviewed_come_first(world: World) -> None:
    from sitbone.privacy.services import emergency_access_review

    emergency_access_for(world, expired=True)  # older, not reviewed
    newer = emergency_access_for(world)
    emergency_access_review(actor=world.admin, access=newer)
    listing = signed_in(world.admin).get("/clinic/privacy/emergency-access/").content.decode()
    assert listing.index("<strong>Not reviewed</strong>") < listing.index("<td>Reviewed ")


@pytest.mark.parametrize(
    "role", ["clinician", "unassigned_clinician", "other_clinic_clinician", "patient_user"]
)
def test_only_the_clinics_admins_see_the_emergency_access_list(world: World, role: str) -> None:
    access = emergency_access_for(world)
    client = signed_in(getattr(world, role))
    assert client.get("/clinic/privacy/emergency-access/").status_code == 404
    url = f"/clinic/privacy/emergency-access/{access.public_id}/reviewed/"
    assert client.post(url).status_code == 404
    access.refresh_from_db()
    assert access.reviewed_at is None


# --- The access matrix under the care-team rule ----------------------------------------------

COLUMN = {role: i for i, role in enumerate(ROLES)}


def care_team_expectation(key: str, *, with_access: bool) -> str:
    """What the unassigned clinician gets once the care-team rule is on: every route that opens
    `world.patient`'s record (the assigned clinician gets in, another clinic's does not) is a
    404, unless they hold an emergency access; everything else is as before."""
    row = EXPECTED[key]
    if key == "emergency:open":
        return "redirect" if with_access else "200"
    if with_access:
        return row[COLUMN["unassigned_clinician"]]
    opens_the_record = (
        row[COLUMN["assigned_clinician"]] != "404"
        and row[COLUMN["other_clinic_clinician"]] == "404"
    )
    return "404" if opens_the_record else row[COLUMN["unassigned_clinician"]]


@pytest.mark.parametrize("with_access", [False, True])
def test_every_route_under_the_care_team_rule(world: World, with_access: bool) -> None:
    care_team_only(world.clinic)
    if with_access:
        emergency_access_for(world)
    client = Client()
    client.force_login(world.unassigned_clinician)
    params = params_for(world)
    wrong = {}
    for key, pattern in iter_routes():
        path = concrete_path(pattern, {**params, **admin_object(world, pattern)})
        expected = care_team_expectation(key, with_access=with_access)
        got = outcome(client, path)
        if got != expected:
            wrong[key] = (got, expected)
    assert wrong == {}, f"route → (got, expected): {wrong}"
