"""Writes and rendering for reports: a progress report is recorded (audience, summary, who,
when) before its PDF is drawn; every PDF drawn is an audited staff read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from sitbone.clinics.models import AuditCategory
from sitbone.clinics.services import audit_record
from sitbone.engine.thresholds import Thresholds
from sitbone.patients.models import Patient
from sitbone.reports.models import ProgressReport
from sitbone.reports.pdf import exercise_picture, render_pdf
from sitbone.reports.selectors import report_data

if TYPE_CHECKING:
    from sitbone.accounts.models import User


@transaction.atomic
def progress_report_create(
    *, actor: User, patient: Patient, audience: str, summary: str
) -> ProgressReport:
    report = ProgressReport.objects.create(
        clinic=patient.clinic,
        patient=patient,
        audience=audience,
        summary=summary,
        created_by=actor,
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="report.create",
        actor=actor,
        clinic=patient.clinic,
        patient=patient,
        detail=f"progress report for {audience}",
    )
    return report


def progress_report_pdf(*, report: ProgressReport) -> bytes:
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
