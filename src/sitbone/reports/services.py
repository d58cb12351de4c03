"""Writes and rendering for reports: a progress report is recorded (audience, summary, who,
when) with its PDF as issued; every PDF served is an audited staff read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from sitbone.clinics.services import patient_write_audit
from sitbone.engine.thresholds import Thresholds
from sitbone.patients.models import Patient
from sitbone.reports.models import ProgressReport
from sitbone.reports.pdf import exercise_picture, render_pdf
from sitbone.reports.selectors import report_data

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def progress_report_create(
    *, actor: User, patient: Patient, audience: str, summary: str
) -> ProgressReport:
    """Issue a report: its PDF is drawn now, from the record as it stands, and kept, so the
    record shows exactly what was sent. Drawing takes a few hundred milliseconds, so it happens
    before the short write transaction, never inside it."""
    report = ProgressReport(
        clinic=patient.clinic,
        patient=patient,
        audience=audience,
        summary=summary,
        created_by=actor,
        created_at=timezone.now(),
    )
    report.pdf = _draw_progress_report(report)
    with transaction.atomic():
        report.save()
        patient_write_audit(actor, patient, "report.create", f"progress report for {audience}")
    return report


def progress_report_pdf(*, report: ProgressReport) -> bytes:
    """The PDF as issued (a report issued before PDFs were kept is drawn once, then kept)."""
    if report.pdf is None:
        report.pdf = _draw_progress_report(report)
        report.save(update_fields=["pdf"])
    return bytes(report.pdf)


def _draw_progress_report(report: ProgressReport) -> bytes:
    data = report_data(patient=report.patient)
    return render_pdf("reports/progress.html", {"d": data, "report": report})


def exercise_sheet_pdf(*, patient: Patient) -> bytes:
    data = report_data(patient=patient)
    thresholds = Thresholds.from_mapping(
        patient.clinic.settings.get("thresholds") or {}, patient.thresholds or {}
    )
    items = [(item, exercise_picture(item.exercise_id)) for item in data.exercises]
    return render_pdf(
        "reports/exercise_sheet.html",
        {"d": data, "items": items, "amber_pain": thresholds.amber_pain},
    )
