"""Retention purge: a record goes only once its clinic's retention period has ended (counted in
the clinic's time zone from the last activity), as the clinic's erasure setting says; audited
without patient detail; idempotent; `--dry-run` changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from sitbone.clinics.models import AuditEvent
from sitbone.patients.models import Patient
from sitbone.privacy.services import purge_expired
from tests.conftest import World

# Harbour Physio is in Australia/Sydney (UTC+11 in March). 23:30 UTC on 10 March 2019 is
# 10:30 on 11 March in Sydney: the last activity is 11 March 2019 there, so 7 years end at the
# start of 11 March 2026, Sydney time: 13:00 UTC on 10 March 2026.
LAST_ACTIVITY = dt.datetime(2019, 3, 10, 23, 30, tzinfo=dt.UTC)
PERIOD_ENDS = dt.datetime(2026, 3, 10, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def dormant(world: World) -> Patient:
    """world.patient, last active on LAST_ACTIVITY (record created then, nothing since)."""
    Patient.objects.filter(pk=world.patient.pk).update(created_at=LAST_ACTIVITY)
    world.patient.refresh_from_db()
    return world.patient


def purge(at: dt.datetime, **options: Any) -> Any:
    with time_machine.travel(at, tick=False):
        return purge_expired(**options)


def purge_events() -> Any:
    return AuditEvent.objects.filter(action="patient.retention_purge")


def test_nothing_is_touched_one_second_before_the_period_ends_in_the_clinics_zone(
    world: World, dormant: Patient
) -> None:
    report = purge(PERIOD_ENDS - dt.timedelta(seconds=1))  # 23:59:59 on 10 March in Sydney
    assert report.purged == 0
    dormant.refresh_from_db()
    assert dormant.full_name == "Pat Patient" and dormant.user is not None
    assert not purge_events().exists()


def test_the_record_is_anonymised_when_the_period_ends_and_the_audit_names_no_one(
    world: World, dormant: Patient
) -> None:
    from sitbone.accounts.models import User

    old_id, name, email = dormant.public_id, dormant.full_name, dormant.email
    report = purge(PERIOD_ENDS)
    assert report.purged == 1
    dormant.refresh_from_db()
    assert dormant.full_name == "Erased patient" and dormant.user is None
    assert dormant.email.endswith("@erased.invalid")
    assert not User.objects.filter(pk=world.patient_user.pk).exists()
    event = purge_events().get()
    assert event.patient is None and event.actor is None and event.clinic == world.clinic
    for detail in (name, email, str(old_id), str(dormant.public_id)):
        assert detail not in event.detail
    assert "anonymised after 7 years" in event.detail
    # the other patient, active now, is untouched
    assert Patient.objects.get(pk=world.other_patient.pk).full_name == "Olly Other"


def test_purging_is_idempotent(world: World, dormant: Patient) -> None:
    assert purge(PERIOD_ENDS).purged == 1
    again = purge(PERIOD_ENDS + dt.timedelta(days=1))
    assert again.purged == 0 and again.failed == 0
    assert purge_events().count() == 1


def test_with_the_delete_setting_the_record_is_deleted(world: World, dormant: Patient) -> None:
    from sitbone.interop.models import RetentionPolicy

    RetentionPolicy.objects.create(clinic=world.clinic, erasure_mode="delete")
    assert purge(PERIOD_ENDS).purged == 1
    assert not Patient.objects.filter(pk=dormant.pk).exists()
    assert "deleted after 7 years" in purge_events().get().detail


def test_a_dry_run_lists_what_would_go_and_changes_nothing(world: World, dormant: Patient) -> None:
    report = purge(PERIOD_ENDS, dry_run=True)
    assert report.would_purge == 1 and report.purged == 0
    (line,) = report.by_clinic["Harbour Physio"]
    assert str(dormant.public_id) in line and "Pat" not in line
    assert "last activity 2019-03-11" in line and "due 2026-03-11" in line
    dormant.refresh_from_db()
    assert dormant.full_name == "Pat Patient"
    assert not purge_events().exists()
    from sitbone.interop.models import RetentionPolicy

    assert not RetentionPolicy.objects.exists()  # not even a default setting is written


def test_later_activity_restarts_the_period(world: World, dormant: Patient) -> None:
    from sitbone.diary.models import MorningCheck

    MorningCheck.objects.create(
        clinic=world.clinic,
        patient=dormant,
        checked_on=dt.date(2020, 1, 5),
        task="bridge_hold_single_leg_short_lever",
        pain=1,
    )
    MorningCheck.objects.filter(patient=dormant).update(created_at=LAST_ACTIVITY)
    assert purge(PERIOD_ENDS).purged == 0
    assert purge(dt.datetime(2027, 1, 4, 13, 0, tzinfo=dt.UTC)).purged == 1  # 5 Jan 2027 Sydney


def test_a_sign_in_counts_as_activity(world: World, dormant: Patient) -> None:
    type(world.patient_user).objects.filter(pk=world.patient_user.pk).update(
        last_login=dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    )
    assert purge(PERIOD_ENDS).purged == 0


def test_a_childs_record_is_kept_until_they_are_25(world: World, dormant: Patient) -> None:
    Patient.objects.filter(pk=dormant.pk).update(date_of_birth=dt.date(2005, 6, 1))
    assert purge(PERIOD_ENDS).purged == 0
    assert purge(dt.datetime(2030, 6, 1, 0, 0, tzinfo=dt.UTC)).purged == 1  # 10:00 Sydney


def test_the_clinics_retention_years_are_used(world: World, dormant: Patient) -> None:
    from tests.privacy.factories import signed_in

    response = signed_in(world.admin).post(
        "/clinic/privacy/",
        {"retention_years": "3", "minors_kept_until_age": "25", "emergency_access_hours": "4"},
    )
    assert response.status_code == 302
    assert purge(dt.datetime(2022, 3, 10, 13, 0, tzinfo=dt.UTC)).purged == 1
    assert "after 3 years" in purge_events().get().detail


def test_a_pending_erasure_request_is_closed_by_the_purge(world: World, dormant: Patient) -> None:
    from sitbone.interop.models import ErasureRequest

    request = ErasureRequest.objects.create(clinic=world.clinic, patient=dormant)
    purge(PERIOD_ENDS)
    request.refresh_from_db()
    assert (request.status, request.mode_applied) == ("completed", "anonymise")


def test_the_command_for_cron(world: World, dormant: Patient) -> None:
    from sitbone import cli

    out = StringIO()
    with time_machine.travel(PERIOD_ENDS, tick=False):
        call_command("purge_expired", "--dry-run", stdout=out)
        assert str(dormant.public_id) in out.getvalue()
        assert "Dry run: 1 would be purged" in out.getvalue()
        assert "would anonymise record" in out.getvalue()
        assert "Pat Patient" not in out.getvalue()
        assert Patient.objects.get(pk=dormant.pk).full_name == "Pat Patient"
        out = StringIO()
        call_command("purge_expired", "--clinic", str(world.other_clinic.public_id), stdout=out)
        assert "0 purged" in out.getvalue()
        call_command("purge_expired", stdout=out)
        assert "1 purged, 0 failed" in out.getvalue()
        assert f"anonymised record {dormant.public_id}" in out.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command("purge_expired", "--clinic", "not-a-clinic")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("purge_expired", "--clinic", "00000000-0000-4000-8000-000000000000")
    assert cli.main(["purge-expired", "--dry-run"]) == 0


def test_the_admin_sees_what_the_next_purge_would_take(world: World, dormant: Patient) -> None:
    from tests.privacy.factories import signed_in

    with time_machine.travel(PERIOD_ENDS, tick=False):
        page = signed_in(world.admin).get("/clinic/privacy/")
    assert page.status_code == 200
    assert b"1 record past the retention period" in page.content
    assert b"Pat Patient" in page.content


@pytest.mark.parametrize(
    "data",
    [
        {"retention_years": "0", "minors_kept_until_age": "25", "emergency_access_hours": "4"},
        {"retention_years": "seven", "minors_kept_until_age": "25", "emergency_access_hours": "4"},
        {"retention_years": "7", "minors_kept_until_age": "12", "emergency_access_hours": "4"},
        {"retention_years": "7", "minors_kept_until_age": "25", "emergency_access_hours": "48"},
        {"minors_kept_until_age": "25", "emergency_access_hours": "4"},
    ],
)
def test_privacy_settings_refuse_bad_input_and_change_nothing(
    world: World, data: dict[str, str]
) -> None:
    from sitbone.privacy.models import PrivacySettings
    from tests.privacy.factories import signed_in

    response = signed_in(world.admin).post("/clinic/privacy/", data)
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b"must be a whole number from" in response.content or b"Enter years" in response.content
    assert not PrivacySettings.objects.exists()
    assert not AuditEvent.objects.filter(action="clinic.privacy").exists()
