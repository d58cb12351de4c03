"""PDF reports: valid PDFs that carry the patient's name, latest VISA-H and current stage."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from sitbone.clinics.models import AuditEvent
from sitbone.programmes.services import programme_from_prescription
from sitbone.reports.charts import Point, line_chart
from sitbone.reports.models import ProgressReport
from tests.clinics.factories import clinic_today, measure_for, session_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def history(world: World) -> None:
    today = clinic_today(world.patient)
    world.patient.stage = 2
    world.patient.save()
    programme_from_prescription(
        actor=world.clinician, patient=world.patient, stage=2, reason="Stage 2"
    )
    for days_ago in (12, 10, 8, 5, 3):
        session_for(world.patient, today - dt.timedelta(days=days_ago))
    measure_for(world.patient, "visa_h", 41, today - dt.timedelta(days=60))
    measure_for(world.patient, "visa_h", 58, today - dt.timedelta(days=2))
    measure_for(world.patient, "lefs", 55, today - dt.timedelta(days=2))


def test_the_exercise_sheet_is_a_pdf_with_name_stage_visa_h_and_each_exercise(
    world: World, history: None
) -> None:
    response = client_for(world.clinician).get(
        f"/clinic/patients/{world.patient.public_id}/reports/exercise-sheet.pdf"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Pat Patient" in text
    assert "Stage 2" in text
    assert "VISA-H 58/100" in text
    assert "Double-leg bridge" in text
    assert AuditEvent.objects.filter(action="report.exercise_sheet").exists()


def test_a_progress_report_is_recorded_then_drawn_as_a_pdf(world: World, history: None) -> None:
    client = client_for(world.clinician)
    base = f"/clinic/patients/{world.patient.public_id}/reports/"

    response = client.post(
        base, {"audience": "insurer", "summary": "Steady progress; back to running soon."}
    )

    assert response.status_code == 302
    report = ProgressReport.objects.get(patient=world.patient)
    assert (report.audience, report.created_by) == ("insurer", world.clinician)
    pdf = client.get(response["Location"])
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Pat Patient" in text
    assert "Stage 2" in text
    assert "VISA-H 58/100" in text
    assert "Steady progress; back to running soon." in text
    assert "an insurer or case manager" in text
    assert "Scores over time" in text
    assert "Treatment record" in text and "Sessions completed 5" in text


def test_a_report_is_kept_as_issued_whatever_is_recorded_later(world: World, history: None) -> None:
    """The record must show what was sent: a later download is the same document, even after
    new scores, and each download is still an audited read."""
    client = client_for(world.clinician)
    base = f"/clinic/patients/{world.patient.public_id}/reports/"
    issued = client.post(base, {"audience": "referrer", "summary": "Issued before the rise."})
    first = client.get(issued["Location"]).content
    measure_for(world.patient, "visa_h", 70, clinic_today(world.patient))

    again = client.get(issued["Location"]).content

    assert again == first
    assert "VISA-H 58/100" in pdf_text(again)
    fresh = client.post(base, {"audience": "referrer", "summary": "After the rise."})
    assert "VISA-H 70/100" in pdf_text(client.get(fresh["Location"]).content)
    assert AuditEvent.objects.filter(action="report.progress_pdf").count() == 3


def test_a_report_issued_before_documents_were_kept_is_drawn_once_then_kept(
    world: World, history: None
) -> None:
    client = client_for(world.clinician)
    base = f"/clinic/patients/{world.patient.public_id}/reports/"
    issued = client.post(base, {"audience": "patient", "summary": "Older report."})
    ProgressReport.objects.update(pdf=None)

    first = client.get(issued["Location"]).content

    assert first.startswith(b"%PDF-")
    assert bytes(ProgressReport.objects.get().pdf) == first


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"audience": "newspaper", "summary": "x"}, "Select a valid choice"),
        ({"audience": "patient", "summary": "   "}, "This field is required"),
        ({"audience": "patient", "summary": "x" * 4001}, "at most 4000 characters"),
    ],
)
def test_a_bad_report_request_is_refused_and_nothing_is_recorded(
    world: World, data: dict[str, str], message: str
) -> None:
    response = client_for(world.clinician).post(
        f"/clinic/patients/{world.patient.public_id}/reports/", data
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_another_clinics_clinician_gets_404_for_reports_and_records_none(
    world: World, history: None
) -> None:
    client = client_for(world.other_clinic_clinician)
    base = f"/clinic/patients/{world.patient.public_id}/reports/"

    created = client.post(base, {"audience": "patient", "summary": "Probe"})
    sheet = client.get(base + "exercise-sheet.pdf")

    assert (created.status_code, sheet.status_code) == (404, 404)
    assert not ProgressReport.objects.exists()


def test_a_report_of_another_patient_is_not_found_through_this_patient(world: World) -> None:
    other = ProgressReport.objects.create(
        clinic=world.clinic, patient=world.other_patient, audience="patient", summary="x"
    )

    response = client_for(world.clinician).get(
        f"/clinic/patients/{world.patient.public_id}/reports/{other.public_id}.pdf"
    )

    assert response.status_code == 404


def test_charts_escape_text_and_describe_their_data() -> None:
    svg = str(
        line_chart(
            [Point(dt.date(2026, 1, 1), 40), Point(dt.date(2026, 2, 1), 55)],
            low=0,
            high=100,
            title="<VISA-H>",
        )
    )

    assert "&lt;VISA-H&gt;" in svg and "<VISA-H>" not in svg
    assert "1 Jan: 40, 1 Feb: 55" in svg
    assert line_chart([], low=0, high=10, title="x") == ""


def six_months_of_history(world: World) -> None:
    """26 weeks: a programme version a month, three sessions a week with morning checks and
    a decision after each, and VISA-H, LEFS and NPRS every four weeks."""
    from sitbone.programmes.models import Decision

    today = clinic_today(world.patient)
    start = today - dt.timedelta(weeks=26)
    for month in range(6):
        programme_from_prescription(
            actor=world.clinician,
            patient=world.patient,
            stage=min(1 + month // 2, 4),
            reason=f"Month {month + 1}",
        )
    for day in range(26 * 7):
        when = start + dt.timedelta(days=day)
        if when.weekday() in (0, 2, 4):
            session_for(world.patient, when, during=3, after=2, morning=2)
            Decision.objects.create(
                clinic=world.clinic,
                patient=world.patient,
                made_on=when + dt.timedelta(days=1),
                zone="green",
                action="progress",
                stage_from=1,
                stage_to=1,
                stage_change="stay",
                reasons=[{"rule": "PMM-GREEN", "text": "Green."}],
            )
    for week in range(0, 27, 4):
        taken = start + dt.timedelta(weeks=week)
        measure_for(world.patient, "visa_h", 30 + week, taken)
        measure_for(world.patient, "lefs", 40 + week, taken)
        measure_for(world.patient, "nprs", max(0, 7 - week // 4), taken)


def test_six_months_of_data_make_valid_pdfs(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from sitbone.reports.services import exercise_sheet_pdf, progress_report_pdf

    six_months_of_history(world)
    report = ProgressReport.objects.create(
        clinic=world.clinic, patient=world.patient, audience="referrer", summary="Six months."
    )
    exercise_sheet_pdf(patient=world.patient)  # warm-up: fonts and WeasyPrint's caches

    started = time.perf_counter()
    progress = progress_report_pdf(report=report)
    middle = time.perf_counter()
    sheet = exercise_sheet_pdf(patient=world.patient)
    ended = time.perf_counter()

    with capsys.disabled():
        print(  # noqa: T201 - the figure is reported, never asserted
            f"\nPDF timings, six months of data: progress report {middle - started:.3f} s, "
            f"exercise sheet {ended - middle:.3f} s"
        )
    assert "VISA-H 54/100" in pdf_text(progress)
    assert "Pat Patient" in pdf_text(sheet)


def test_a_referrer_report_carries_the_assessment_findings(world: World, history: None) -> None:
    from decimal import Decimal

    from tests.clinics.factories import assessment_for

    assessment_for(
        world.patient,
        modified_bent_knee="positive",
        posttest_probability=Decimal("0.911"),
        posttest_test="modified_bent_knee",
        posttest_likelihood_ratio=Decimal("10.2"),
    )
    report = ProgressReport.objects.create(
        clinic=world.clinic, patient=world.patient, audience="referrer", summary="For Dr Lee."
    )
    from sitbone.reports.services import progress_report_pdf

    text = pdf_text(progress_report_pdf(report=report))

    assert "Assessment findings" in text
    assert "91%" in text and "likelihood ratio 10.2" in text
    assert "No red flags found on examination." in text


def test_stage_history_dates_each_programme_in_the_clinics_time_zone(world: World) -> None:
    from sitbone.programmes.models import Programme
    from sitbone.reports.selectors import stage_history
    from tests.clinics.factories import programme_for

    first = programme_for(world.patient, stage=1)
    programme_for(world.patient, stage=1)  # same stage: not a change
    second = programme_for(world.patient, stage=2)
    # 22:00 UTC on 1 June is 08:00 on 2 June in Sydney, the clinic's zone.
    early = dt.datetime(2026, 6, 1, 22, 0, tzinfo=dt.UTC)
    Programme.objects.filter(pk=first.pk).update(created_at=early)
    Programme.objects.filter(pk=second.pk).update(created_at=early + dt.timedelta(days=10))

    history = stage_history(patient=world.patient)

    assert [(c.day, c.text) for c in history] == [
        (dt.date(2026, 6, 2), "Stage 1 programme started (test programme)"),
        (dt.date(2026, 6, 12), "Stage 2 programme started (test programme)"),
    ]
