"""The clinician's home: patients ordered by need, each row saying why, with filters and counts,
built in a fixed number of queries whatever the caseload."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sitbone.clinics.triage import Need, patient_list_for_triage
from tests.clinics.factories import (
    clinic_today,
    decision_for,
    measure_for,
    programme_for,
    session_for,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def settled(patient: Any, today: dt.date) -> None:
    """A patient who needs nothing: three green sessions this week, each checked in, and a
    recent VISA-H."""
    programme_for(patient, per_week=3)
    for days_ago in (6, 4, 2):
        session_for(patient, today - dt.timedelta(days=days_ago))
    staying(patient, today - dt.timedelta(days=1))
    measure_for(patient, "visa_h", 60, today - dt.timedelta(days=3))


def staying(patient: Any, made_on: dt.date, **fields: Any) -> Any:
    """A decision to keep the stage, which needs no approval."""
    return decision_for(
        patient,
        made_on=made_on,
        approval="not_needed",
        stage_change="stay",
        stage_to=patient.stage,
        **fields,
    )


def new_patient(world: World, name: str) -> Any:
    from sitbone.patients.models import Patient

    patient = Patient.objects.create(
        clinic=world.clinic, full_name=name, email=f"{name.split()[0].lower()}@harbour.test"
    )
    patient.assigned_clinicians.add(world.clinician)
    return patient


def test_patients_are_ordered_by_need_and_each_row_says_why(world: World) -> None:
    today = clinic_today(world.patient)
    calm = world.patient
    settled(calm, today)
    red = new_patient(world, "Rita Red")
    settled(red, today)
    staying(
        red,
        today,
        zone="red",
        action="regress",
        reasons=[{"rule": "PMM-TREND-RISING", "text": "Rising."}],
    )
    waiting = new_patient(world, "Wes Waiting")
    settled(waiting, today)
    decision_for(waiting, made_on=today)
    quiet = new_patient(world, "Quinn Quiet")
    programme_for(quiet, per_week=3)
    session_for(quiet, today - dt.timedelta(days=5), morning=None)

    triage = patient_list_for_triage(actor=world.clinician)

    names = [row.patient.full_name for row in triage.rows]
    assert names == ["Rita Red", "Wes Waiting", "Quinn Quiet", "Pat Patient"]
    reasons = {row.patient.full_name: [r.text for r in row.reasons] for row in triage.rows}
    assert any(text.startswith("Red zone on") for text in reasons["Rita Red"])
    assert "Morning pain rising week on week" in reasons["Rita Red"]
    assert "Proposed advance: stage 1 → 2" in reasons["Wes Waiting"]
    assert "1 of 3 sessions in the last 7 days" in reasons["Quinn Quiet"]
    assert "1 missed morning check-in this week" in reasons["Quinn Quiet"]
    assert "No VISA-H recorded yet" in reasons["Quinn Quiet"]
    assert reasons["Pat Patient"] == []


def test_without_the_appointments_app_the_list_still_builds(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sitbone.clinics import triage as module

    today = clinic_today(world.patient)
    settled(world.patient, today)
    monkeypatch.setattr(module, "appointment_selectors", None)

    triage = patient_list_for_triage(actor=world.clinician)

    assert triage.appointments_enabled is False
    assert [(r.patient.full_name, r.next_appointment_at, r.reasons) for r in triage.rows] == [
        ("Pat Patient", None, ())
    ]


def test_a_rising_trend_is_the_latest_decision_citing_the_rule(world: World) -> None:
    """The database answers whether the latest decision cites PMM-TREND-RISING: an older
    decision citing it, or a rule id named only in a reason's text, does not count, and a
    stray non-object entry in the list does not stop the check."""
    today = clinic_today(world.patient)
    rising = [{"rule": "PMM-TREND-RISING", "text": "Rising."}]
    settled(world.patient, today)  # latest decision yesterday, citing nothing
    staying(world.patient, today - dt.timedelta(days=4), reasons=rising)
    named = new_patient(world, "Nia Named")
    settled(named, today)
    staying(named, today, reasons=[{"rule": "PMM-HOLD", "text": "Not PMM-TREND-RISING: steady."}])
    cited = new_patient(world, "Cal Cited")
    settled(cited, today)
    staying(cited, today, reasons=["stray", {"rule": "PMM-HOLD", "text": "Hold."}, *rising])

    reasons = {
        row.patient.full_name: [r.text for r in row.reasons]
        for row in patient_list_for_triage(actor=world.clinician).rows
    }

    assert reasons == {
        "Cal Cited": ["Morning pain rising week on week"],
        "Nia Named": [],
        "Pat Patient": [],
    }


def test_a_visa_h_older_than_four_weeks_is_due(world: World) -> None:
    today = clinic_today(world.patient)
    settled(world.patient, today)
    measure_for(world.patient, "visa_h", 50, today - dt.timedelta(days=40))
    from sitbone.measures.models import MeasureResult

    MeasureResult.objects.filter(taken_on=today - dt.timedelta(days=3)).delete()

    row = patient_list_for_triage(actor=world.clinician).rows[0]

    assert [r.need for r in row.reasons] == [Need.DUE]
    assert row.reasons[0].text.startswith("VISA-H due (last ")


def test_filters_show_only_matching_patients_and_counts_cover_everyone(world: World) -> None:
    today = clinic_today(world.patient)
    settled(world.patient, today)
    waiting = new_patient(world, "Wes Waiting")
    settled(waiting, today)
    decision_for(waiting, made_on=today)

    only_approvals = patient_list_for_triage(actor=world.clinician, show="approval")
    everyone = patient_list_for_triage(actor=world.clinician, show="nonsense")

    assert [r.patient.full_name for r in only_approvals.rows] == ["Wes Waiting"]
    assert only_approvals.counts["approval"] == 1
    assert only_approvals.counts["attention"] == 1
    assert only_approvals.total == 2
    assert everyone.shown == "all"
    assert len(everyone.rows) == 2


def test_the_home_page_lists_the_reasons_and_the_filter_links(world: World) -> None:
    today = clinic_today(world.patient)
    decision_for(world.patient, made_on=today)
    client = Client()
    client.force_login(world.clinician)

    page = client.get("/clinic/?show=approval").content.decode()

    assert "Proposed advance: stage 1 → 2" in page
    assert "Review stage change" in page
    assert 'href="?show=red"' in page


def test_each_row_says_when_the_last_session_was(world: World) -> None:
    today = clinic_today(world.patient)
    settled(world.patient, today)  # sessions 6, 4 and 2 days ago
    new_patient(world, "Nell New")
    client = Client()
    client.force_login(world.clinician)

    page = client.get("/clinic/").content.decode()

    last = today - dt.timedelta(days=2)
    assert f"last session {last.strftime('%a')} {last.day} {last.strftime('%b')}</p>" in page
    assert "last session none yet</p>" in page


def test_a_clinician_sees_only_their_own_caseload_and_another_clinic_sees_none(
    world: World,
) -> None:
    mine = patient_list_for_triage(actor=world.clinician)
    admin = patient_list_for_triage(actor=world.admin)
    foreign = patient_list_for_triage(actor=world.other_clinic_clinician)

    assert [r.patient.pk for r in mine.rows] == [world.patient.pk]
    assert {r.patient.pk for r in admin.rows} == {world.patient.pk, world.other_patient.pk}
    assert foreign.rows == []


def build_caseload(world: World, count: int) -> None:
    """`count` patients for the clinician, each with a programme, sessions, check-ins, a
    pending decision, measures and every other signal the list reads."""
    from sitbone.diary.models import MorningCheck, SessionLog
    from sitbone.measures.models import MeasureResult
    from sitbone.patients.models import Patient
    from sitbone.programmes.models import Decision, Programme

    today = clinic_today(world.patient)
    start = Patient.objects.count()
    patients = Patient.objects.bulk_create(
        Patient(clinic=world.clinic, full_name=f"Load {i:03d}", email=f"load{i}@harbour.test")
        for i in range(start, start + count)
    )
    world.clinician.caseload.add(*patients)
    programmes = Programme.objects.bulk_create(
        Programme(clinic=world.clinic, patient=p, version=1, stage=2, sessions_per_week=3)
        for p in patients
    )
    SessionLog.objects.bulk_create(
        SessionLog(
            clinic=world.clinic,
            patient=p,
            programme=programme,
            performed_on=today - dt.timedelta(days=d),
            pain_during=3,
            pain_after=2,
        )
        for p, programme in zip(patients, programmes, strict=True)
        for d in (2, 4)
    )
    MorningCheck.objects.bulk_create(
        MorningCheck(
            clinic=world.clinic,
            patient=p,
            checked_on=today - dt.timedelta(days=3),
            task="t",
            pain=2,
        )
        for p in patients
    )
    Decision.objects.bulk_create(
        Decision(
            clinic=world.clinic,
            patient=p,
            made_on=today,
            zone="red" if i % 3 == 0 else "green",
            action="progress",
            stage_from=2,
            stage_to=3,
            stage_change="advance",
            reasons=[{"rule": "PMM-TREND-RISING", "text": "x"}],
            approval="pending",
        )
        for i, p in enumerate(patients)
    )
    MeasureResult.objects.bulk_create(
        MeasureResult(
            clinic=world.clinic,
            patient=p,
            instrument="visa_h",
            taken_on=today - dt.timedelta(days=40),
            answers={},
            total=50,
        )
        for p in patients
    )


def queries_for_triage(world: World) -> tuple[int, int]:
    actor = type(world.clinician).objects.get(pk=world.clinician.pk)
    with CaptureQueriesContext(connection) as captured:
        triage = patient_list_for_triage(actor=actor)
    return len(captured), len(triage.rows)


def test_the_triage_list_takes_the_same_number_of_queries_for_5_and_200_patients(
    world: World,
) -> None:
    build_caseload(world, 4)
    small_first, _ = queries_for_triage(world)
    small, small_rows = queries_for_triage(world)
    build_caseload(world, 195)
    large_first, _ = queries_for_triage(world)  # the 195 new patients have no snapshot yet
    large, large_rows = queries_for_triage(world)

    assert (small_rows, large_rows) == (5, 200)
    assert (small_first, small) == (large_first, large)
    assert large == 2  # the actor's staff membership, then each patient with their snapshot
    # ... and when snapshots are out of date, one read of those patients with everything and
    # one statement storing their snapshots (in a savepoint: the test runs in a transaction).
    assert large_first == 6


def test_the_home_page_takes_the_same_number_of_queries_for_5_and_200_patients(
    world: World, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(world.clinician)
    build_caseload(world, 4)
    assert client.get("/clinic/").status_code == 200  # stores the five patients' snapshots
    with CaptureQueriesContext(connection) as small:
        assert client.get("/clinic/").status_code == 200
    expected = len(small)  # counted now: the log is cleared when the next request starts
    build_caseload(world, 195)
    assert client.get("/clinic/").status_code == 200  # and the 195 new patients'
    with django_assert_num_queries(expected):
        response = client.get("/clinic/")
    page = response.content.decode()
    assert page.count('class="triage-row') == 25
    assert "Showing 1 to 25 of 200" in page
    with django_assert_num_queries(expected):
        last = client.get("/clinic/?show=all&page=8").content.decode()
    assert last.count('class="triage-row') == 25
    assert "Page 8 of 8" in last and 'rel="next"' not in last


def test_the_pages_together_hold_every_patient_once_in_order(world: World) -> None:
    client = Client()
    client.force_login(world.clinician)
    build_caseload(world, 59)
    seen: list[str] = []
    for number in (1, 2, 3):
        page = client.get(f"/clinic/?page={number}").content.decode()
        seen += re.findall(r'href="/clinic/patients/([0-9a-f-]{36})/"', page)
    expected = [
        str(row.patient.public_id) for row in patient_list_for_triage(actor=world.clinician).rows
    ]
    assert len(expected) == 60
    assert seen == expected
    # a page number that is not a page shows the nearest page, not an error
    assert client.get("/clinic/?page=99").content.decode().count('class="triage-row') == 10
    assert client.get("/clinic/?page=abc").status_code == 200


def test_a_programme_started_this_week_only_counts_the_days_since(world: World) -> None:
    today = clinic_today(world.patient)
    programme_for(world.patient, per_week=7, started_days_ago=3)
    session_for(world.patient, today - dt.timedelta(days=1), morning=None)

    row = patient_list_for_triage(actor=world.clinician).rows[0]

    assert "1 of 3 sessions in the last 3 days" in [r.text for r in row.reasons]


def test_a_programme_started_today_is_not_behind(world: World) -> None:
    programme_for(world.patient, per_week=3, started_days_ago=0)

    row = patient_list_for_triage(actor=world.clinician).rows[0]

    assert Need.MISSED not in row.needs


def test_a_sign_up_not_yet_confirmed_is_shown_as_such_and_needs_nobody(world: World) -> None:
    """They cannot sign in until they open the emailed link, so no session or questionnaire is
    missing; once confirmed, the usual reasons apply."""
    from django.utils import timezone

    from sitbone.accounts.services import account_create

    user = account_create(email="sam@harbour.test", password="a long passphrase", full_name="Sam")
    user.is_active = False
    user.save(update_fields=["is_active"])
    waiting = new_patient(world, "Sam Signup")
    waiting.user = user
    waiting.screening_answers = {"source": "self-registration", "answers": {}}
    waiting.save(update_fields=["user", "screening_answers"])
    programme_for(waiting, per_week=3)

    triage = patient_list_for_triage(actor=world.clinician)
    (row,) = [r for r in triage.rows if r.patient.pk == waiting.pk]
    assert row.awaiting_confirmation
    assert row.reasons == ()
    assert triage.counts["missed"] == 0  # their stored reasons do not count either
    assert patient_list_for_triage(actor=world.clinician, show="missed").rows == []
    page = Client()
    page.force_login(world.clinician)
    html = page.get("/clinic/").content.decode()
    assert "signed up, email not confirmed yet" in html
    assert "Cannot sign in until they open the link emailed at sign-up." in html
    detail = page.get(f"/clinic/patients/{waiting.public_id}/").content.decode()
    assert "Cannot sign in yet: sam@harbour.test has not been confirmed" in detail

    user.is_active = True
    user.last_login = timezone.now()
    user.save(update_fields=["is_active", "last_login"])
    (row,) = [
        r for r in patient_list_for_triage(actor=world.clinician).rows if r.patient == row.patient
    ]
    assert not row.awaiting_confirmation
    assert {reason.need for reason in row.reasons} == {Need.MISSED, Need.DUE}
    assert patient_list_for_triage(actor=world.clinician).counts["missed"] == 1
