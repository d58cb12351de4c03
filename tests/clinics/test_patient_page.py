"""The clinician's patient page and the record-access (audit) view."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat

from sitbone.assessments.services import note_create
from tests.clinics.factories import (
    assessment_for,
    clinic_today,
    decision_for,
    measure_for,
    programme_for,
    session_for,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def page_for(world: World, user: Any = None) -> str:
    client = Client()
    client.force_login(user or world.clinician)
    response = client.get(f"/clinic/patients/{world.patient.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_stage_decisions_adherence_measures_notes_and_a_timeline(
    world: World,
) -> None:
    today = clinic_today(world.patient)
    programme_for(world.patient, per_week=3)
    for days_ago in (9, 6, 3):
        session_for(world.patient, today - dt.timedelta(days=days_ago), during=2, morning=1)
    decision_for(
        world.patient,
        made_on=today - dt.timedelta(days=2),
        zone="red",
        action="regress",
        stage_change="stay",
        stage_to=1,
        approval="not_needed",
        reasons=[{"rule": "PMM-RED-DURING", "text": "Pain during reached 6/10."}],
    )
    decision_for(world.patient, made_on=today)
    measure_for(world.patient, "visa_h", 40, today - dt.timedelta(days=20))
    measure_for(world.patient, "visa_h", 55, today)
    assessment_for(world.patient, assessed_on=today - dt.timedelta(days=1))
    note_create(actor=world.clinician, patient=world.patient, text="Cushion at work helps.")

    text = page_for(world)

    assert "Stage 1" in text
    assert "The engine proposes moving up from stage 1 to stage 2" in text
    assert "Pain during reached 6/10." in text and "PMM-RED-DURING" in text
    assert "3 of 12" in text
    assert "VISA-H" in text and "+15" in text
    assert "Cushion at work helps." in text
    assert "Pain during 2/10, after 1/10, next morning 1/10" in text
    assert "Engine: regress" in text
    assert "Programme version 1 (stage 1)" in text
    assert "Next-morning load-test pain" in text


def test_a_proposal_awaiting_approval_shows_however_old_it_is(world: World) -> None:
    from sitbone.clinics.selectors import TIMELINE_DAYS, patient_workspace

    today = clinic_today(world.patient)
    old = decision_for(world.patient, made_on=today - dt.timedelta(days=TIMELINE_DAYS + 60))
    decision_for(
        world.patient, made_on=today - dt.timedelta(days=TIMELINE_DAYS + 30), approval="approved"
    )
    recent = decision_for(
        world.patient, made_on=today, stage_change="stay", approval="not_needed", stage_to=1
    )

    workspace = patient_workspace(actor=world.clinician, patient=world.patient)

    assert workspace.pending == [old]
    assert workspace.decisions == [recent]  # the older ones are outside the recent window
    review = reverse("programmes:review", args=[world.patient.public_id, old.public_id])
    assert f'href="{review}"' in page_for(world)


def test_the_timeline_folds_older_entries_and_shortens_long_text(world: World) -> None:
    today = clinic_today(world.patient)
    programme_for(world.patient, per_week=3)
    for days_ago in range(1, 31):
        session_for(world.patient, today - dt.timedelta(days=days_ago), during=2, morning=1)
    long_note = "Sits on a wedge cushion at work. " * 10  # 330 characters
    note_create(actor=world.clinician, patient=world.patient, text=long_note.strip())

    text = page_for(world)

    timeline = text[text.index('id="h-timeline"') :]
    newest, older = timeline.split("<summary>Older entries (", 1)
    assert newest.count('class="timeline-entry') == 25
    assert older.startswith("7)") and older.count('class="timeline-entry') == 7
    assert older.index("</details>") > older.rindex('class="timeline-entry')
    shown = newest[newest.index("Sits on a wedge") :].split("</span>", 1)[0]
    assert shown.endswith("…") and len(shown) == 220
    for days_ago in (1, 30):  # each day written as the site writes dates ("Fri 27 Nov")
        label = dateformat.format(today - dt.timedelta(days=days_ago), "D j M")
        assert f'<span class="timeline-date">{label}</span>' in timeline


def test_notes_and_programme_versions_are_dated_in_the_clinics_time_zone(world: World) -> None:
    from sitbone.assessments.models import ClinicalNote
    from sitbone.programmes.models import Programme

    today = clinic_today(world.patient)
    programme = programme_for(world.patient)
    note = note_create(actor=world.clinician, patient=world.patient, text="Sits on a wedge.")
    # 21:30 UTC two days ago is 07:30 or 08:30 the next morning in Sydney, whatever the season.
    late = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(21, 30), tzinfo=dt.UTC)
    ClinicalNote.objects.filter(pk=note.pk).update(created_at=late)
    Programme.objects.filter(pk=programme.pk).update(created_at=late)
    sydney = late.astimezone(zoneinfo.ZoneInfo("Australia/Sydney"))

    text = page_for(world)

    day = dateformat.format(sydney.date(), "D j M")
    assert f'<span class="timeline-date">{day}</span> <span class="timeline-title">Note by' in text
    assert f'<span class="timeline-date">{day}</span> <span class="timeline-title"><a' in text
    assert dateformat.format(sydney, "j M Y H:i") in text  # the note's own line


def test_the_audit_view_shows_who_on_staff_opened_the_record_and_when(world: World) -> None:
    page_for(world, world.admin)
    page_for(world, world.clinician)
    client = Client()
    client.force_login(world.clinician)

    text = client.get(f"/clinic/patients/{world.patient.public_id}/audit/").content.decode()

    assert "admin@harbour.test" in text and "clin@harbour.test" in text
    assert "patient.view" in text and "patient.audit_view" in text
    assert "Australia/Sydney" in text
