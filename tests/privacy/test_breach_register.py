"""The breach register: clinic admins record suspected and confirmed breaches, every edit is a new
version, deadlines are counted, and nobody else can see it (404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sitbone.clinics.models import AuditEvent
from sitbone.privacy.models import Breach, BreachVersion
from tests.conftest import World, make_user
from tests.privacy.factories import breach_in, signed_in


def local_input(value: dt.datetime, world: World) -> str:
    """A datetime as the form's datetime-local field sends it, in the clinic's zone."""
    from zoneinfo import ZoneInfo

    return value.astimezone(ZoneInfo(world.clinic.time_zone)).strftime("%Y-%m-%dT%H:%M")


def form_data(world: World, **changes: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "status": "suspected",
        "discovered_at": local_input(timezone.now() - dt.timedelta(hours=3), world),
        "description": "A printed exercise sheet with a name on it was found in the car park.",
        "data_involved": "Name and exercise programme",
        "affected_count": "",
        "patients": "",
        "harm_risk": "not_assessed",
        "risk_assessment": "",
        "notifiable": "undecided",
        "regulator_notified_at": "",
        "individuals_notified_at": "",
        "actions": "",
    }
    data.update(changes)
    return data


def test_an_admin_records_a_breach_and_sees_it_with_its_deadlines(world: World) -> None:
    admin = signed_in(world.admin)
    data = form_data(world, patients=f"{world.patient.email}\n{world.other_patient.public_id}")
    response = admin.post("/clinic/privacy/breaches/new/", data)
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert response["Location"] == f"/clinic/privacy/breaches/{breach.public_id}/"
    assert breach.reference == "BR-0001" and breach.clinic == world.clinic
    version = breach.versions.get()
    assert version.number == 1 and version.status == "suspected"
    assert set(version.affected_patients.all()) == {world.patient, world.other_patient}
    assert version.affected_count == 2  # from the list when no number is given
    (event,) = AuditEvent.objects.filter(action="breach.record")
    assert event.patient is None and "BR-0001" in event.detail

    listing = admin.get("/clinic/privacy/breaches/").content.decode()
    assert "BR-0001" in listing and "Suspected" in listing
    detail = admin.get(response["Location"]).content.decode()
    assert "Australia (NDB): finish assessing a suspected breach" in detail
    assert "EU or UK GDPR: tell the data protection authority" in detail
    assert "Pat Patient" in detail and "Olly Other" in detail
    # naming the affected patients is an audited read, once per patient
    assert AuditEvent.objects.filter(action="breach.view", patient=world.patient).count() == 1


def test_numbers_count_up_per_clinic(world: World) -> None:
    first, second = breach_in(world), breach_in(world)
    assert (first.number, second.number) == (1, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": ""}, "Describe what happened"),
        ({"discovered_at": "yesterday"}, "Enter a date and time"),
        ({"discovered_at": "2999-01-01T09:00"}, "The date cannot be in the future"),
        ({"discovered_at": "0001-01-01T00:00"}, "Enter a date in 2000 or later"),
        ({"regulator_notified_at": "1999-12-31T23:59"}, "Enter a date in 2000 or later"),
        ({"affected_count": "-3"}, "cannot be negative"),
        ({"status": "hushed-up"}, "Select a status"),
        ({"notifiable": "yes"}, "Select the scheme the breach is notifiable under"),
        ({"patients": "nobody@nowhere.test"}, "No patient of this clinic matches: nobody@"),
        ({"patients": "pat@harbour.test", "affected_count": "0"}, "cannot be smaller"),
        ({"description": "x" * 4001}, "4,000 characters or fewer"),
        ({"description": "NUL \x00 byte"}, "Null characters are not allowed"),
        (
            {"regulator_notified_at": "2001-01-01T09:00"},
            "Notification cannot come before the clinic became aware",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_records_nothing(
    world: World, changes: dict[str, str], message: str
) -> None:
    response = signed_in(world.admin).post(
        "/clinic/privacy/breaches/new/", form_data(world, **changes)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "<title>Error:" in html
    assert message in html
    assert not Breach.objects.exists() and not BreachVersion.objects.exists()
    assert not AuditEvent.objects.filter(action="breach.record").exists()


def test_another_clinics_patient_cannot_be_listed_and_is_not_revealed(world: World) -> None:
    from sitbone.patients.models import Patient

    Patient.objects.create(clinic=world.other_clinic, full_name="Hana", email="hana@hilltop.test")
    response = signed_in(world.admin).post(
        "/clinic/privacy/breaches/new/", form_data(world, patients="hana@hilltop.test")
    )
    assert response.status_code == 400
    assert b"No patient of this clinic matches: hana@hilltop.test" in response.content
    assert not Breach.objects.exists()


def test_an_edit_adds_a_version_and_keeps_the_earlier_one(world: World) -> None:
    whole_minute = (timezone.now() - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    breach = breach_in(world, discovered_at=whole_minute)
    admin = signed_in(world.admin)
    url = f"/clinic/privacy/breaches/{breach.public_id}/edit/"
    first = breach.versions.get()
    page = admin.get(url)
    assert page.status_code == 200 and b"A laptop with exported reports" in page.content

    data = form_data(
        world,
        status="confirmed",
        description=first.description,
        data_involved=first.data_involved,
        discovered_at=local_input(first.discovered_at, world),
        harm_risk="likely",
        notifiable="yes",
        schemes=["ndb", "gdpr"],
        regulator_notified_at=local_input(timezone.now() - dt.timedelta(hours=1), world),
    )
    missing_note = admin.post(url, data)
    assert missing_note.status_code == 400
    assert b"Say what changed and why" in missing_note.content
    assert breach.versions.count() == 1

    response = admin.post(url, {**data, "change_note": "Confirmed with the courier"})
    assert response.status_code == 302
    second, _ = breach.versions.all()
    assert (second.number, second.status, second.schemes) == (2, "confirmed", ["gdpr", "ndb"])
    assert second.edited_by == world.admin
    kept_now = BreachVersion.objects.get(pk=first.pk)
    assert (kept_now.number, kept_now.status, kept_now.harm_risk) == (
        1,
        "suspected",
        "not_assessed",
    )
    assert AuditEvent.objects.filter(action="breach.update").count() == 1

    detail = admin.get(f"/clinic/privacy/breaches/{breach.public_id}/").content.decode()
    assert "Version 2" in detail and "Version 1" in detail
    assert "Changed: status, serious harm, notifiable, schemes, regulator told." in detail
    assert "Confirmed with the courier" in detail

    unchanged = admin.post(url, {**data, "change_note": "Saving again"})
    assert unchanged.status_code == 400
    assert b"Nothing was changed" in unchanged.content
    assert breach.versions.count() == 2


def test_versions_cannot_be_changed_once_written(world: World) -> None:
    version = breach_in(world).versions.get()
    version.description = "Something else"
    with pytest.raises(ValidationError):
        version.save()


def test_a_late_notification_clock_is_shown_overdue(world: World) -> None:
    breach = breach_in(world, discovered_at=timezone.now() - dt.timedelta(days=4))
    page = signed_in(world.admin).get(f"/clinic/privacy/breaches/{breach.public_id}/")
    assert b"<strong>Overdue</strong>" in page.content


@pytest.mark.parametrize(
    "role",
    [
        "patient_user",
        "other_patient_user",
        "clinician",
        "unassigned_clinician",
        "other_clinic_clinician",
        "other_clinic_admin",
    ],
)
def test_nobody_but_the_clinics_admins_reaches_the_register(world: World, role: str) -> None:
    from sitbone.clinics.models import Membership

    if role == "other_clinic_admin":
        user = make_user("admin@hilltop.test", "Hal Hilltop")
        Membership.objects.create(clinic=world.other_clinic, user=user, role="admin")
    else:
        user = getattr(world, role)
    breach = breach_in(world)
    client = signed_in(user)
    base = "/clinic/privacy/breaches/"
    own_register = role == "other_clinic_admin"  # their own clinic's register, empty
    for path in (base, f"{base}new/", "/clinic/privacy/"):
        response = client.get(path)
        assert response.status_code == (200 if own_register else 404), path
        assert b"BR-0001" not in response.content
    for path in (f"{base}{breach.public_id}/", f"{base}{breach.public_id}/edit/"):
        assert client.get(path).status_code == 404, path
    if not own_register:
        assert client.post(f"{base}new/", form_data(world)).status_code == 404
    edit = form_data(world, status="closed", change_note="Closing it")
    assert client.post(f"{base}{breach.public_id}/edit/", edit).status_code == 404
    assert Breach.objects.count() == 1 and BreachVersion.objects.count() == 1


def test_a_probe_of_a_breach_id_is_logged(world: World) -> None:
    response = signed_in(world.admin).get("/clinic/privacy/breaches/not-a-real-id/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(category="denied", actor=world.admin).count() == 1
