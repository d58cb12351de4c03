"""The patient's own archive: a ZIP with the FHIR Bundle and one CSV file per kind of record.

CSV cells that a spreadsheet would run as a formula (starting with = + - @ tab or carriage return)
get a leading apostrophe (OWASP "CSV injection"), so opening the file never runs anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from sitbone.interop.fhir import patient_bundle
from sitbone.patients.models import Patient

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """One cell as text, defused against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number is a number, even a negative one
    if isinstance(value, str):
        text = value
    elif isinstance(value, uuid.UUID):
        text = str(value)
    else:
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


@dataclass(frozen=True)
class Table:
    """One CSV file: a model (by label, so apps still being built are simply absent) and the
    columns (attribute paths) exported for the patient."""

    filename: str
    model: str
    order: tuple[str, ...]
    columns: tuple[str, ...]
    via: str = "patient"


TABLES = (
    Table(
        "programmes.csv",
        "programmes.Programme",
        ("version",),
        (
            "public_id",
            "version",
            "stage",
            "sessions_per_week",
            "is_current",
            "reason",
            "created_at",
        ),
    ),
    Table(
        "programme_exercises.csv",
        "programmes.ProgrammeExercise",
        ("programme__version", "order"),
        (
            "programme.public_id",
            "programme.version",
            "order",
            "exercise_id",
            "sets",
            "reps",
            "hold_seconds",
            "load",
            "rest_seconds",
        ),
        via="programme__patient",
    ),
    Table(
        "sessions.csv",
        "diary.SessionLog",
        ("performed_on", "id"),
        (
            "public_id",
            "performed_on",
            "pain_during",
            "pain_after",
            "completed",
            "notes",
            "programme.public_id",
            "created_at",
        ),
    ),
    Table(
        "session_exercises.csv",
        "diary.SessionEntry",
        ("session__performed_on", "id"),
        (
            "session.public_id",
            "exercise_id",
            "sets_done",
            "reps",
            "hold_seconds",
            "load",
            "pain_during",
        ),
        via="session__patient",
    ),
    Table(
        "morning_checks.csv",
        "diary.MorningCheck",
        ("checked_on",),
        ("public_id", "checked_on", "task", "pain", "stiffness_minutes", "created_at"),
    ),
    Table(
        "sitting_logs.csv",
        "diary.SittingLog",
        ("logged_on", "id"),
        ("public_id", "logged_on", "minutes_to_pain", "seat", "pain_after", "setup", "created_at"),
    ),
    Table(
        "cross_training.csv",
        "diary.CrossTrainingLog",
        ("performed_on", "id"),
        (
            "public_id",
            "performed_on",
            "activity",
            "minutes",
            "pain_during",
            "next_morning_pain",
            "created_at",
        ),
    ),
    Table(
        "runs.csv",
        "diary.RunLog",
        ("performed_on", "id"),
        (
            "public_id",
            "performed_on",
            "minutes",
            "ladder_step",
            "pain_during",
            "pain_after",
            "next_morning_pain",
            "created_at",
        ),
    ),
    Table(
        "measures.csv",
        "measures.MeasureResult",
        ("taken_on", "id"),
        ("public_id", "instrument", "taken_on", "total", "answers", "created_at"),
    ),
    Table(
        "decisions.csv",
        "programmes.Decision",
        ("made_on", "id"),
        (
            "public_id",
            "made_on",
            "zone",
            "action",
            "stage_from",
            "stage_to",
            "stage_change",
            "running_ready",
            "reasons",
            "approval",
            "reviewed_at",
            "review_note",
        ),
    ),
    Table(
        "appointments.csv",
        "appointments.Appointment",
        ("starts_at", "id"),
        ("public_id", "starts_at", "ends_at", "status", "appointment_type.name", "created_at"),
    ),
    Table(
        "adjunct_therapies.csv",
        "assessments.AdjunctTherapy",
        ("given_on", "id"),
        ("public_id", "kind", "given_on", "given_by", "dose", "guidance", "notes", "created_at"),
    ),
    Table(
        "clinical_notes.csv",
        "assessments.ClinicalNote",
        ("created_at", "id"),
        ("public_id", "created_at", "author.full_name", "text"),
    ),
    Table(
        "assessments.csv",
        "assessments.Assessment",
        ("assessed_on", "id"),
        (
            "public_id",
            "assessed_on",
            "affected_side",
            "puranen_orava",
            "bent_knee",
            "modified_bent_knee",
            "pretest_probability",
            "posttest_probability",
            "notes",
            "created_at",
        ),
    ),
)

PATIENT_COLUMNS = (
    "public_id",
    "full_name",
    "email",
    "date_of_birth",
    "affected_side",
    "activities",
    "goals",
    "equipment",
    "irritability",
    "stage",
    "screening_answers",
    "created_at",
    "discharged_on",
)


def _value(row: Model, path: str) -> object:
    value: Any = row
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def table_rows(patient: Patient, table: Table) -> list[list[object]] | None:
    """The table's rows for the patient, or None when that kind of record does not exist here."""
    app_label, _, model_name = table.model.partition(".")
    if not apps.is_installed(f"sitbone.{app_label}"):
        return None
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    rows = model._default_manager.filter(**{table.via: patient}).order_by(*table.order)
    return [[_value(row, column) for column in table.columns] for row in rows]


def patient_archive(patient: Patient) -> bytes:
    """The ZIP a patient downloads: README, FHIR Bundle, patient.csv and one CSV per record kind."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(clinic=patient.clinic.name))
        archive.writestr(
            "fhir-bundle.json",
            json.dumps(
                patient_bundle(patient), indent=2, ensure_ascii=False, cls=DjangoJSONEncoder
            ),
        )
        archive.writestr(
            "patient.csv",
            csv_text(PATIENT_COLUMNS, [[_value(patient, c) for c in PATIENT_COLUMNS]]),
        )
        for table in TABLES:
            rows = table_rows(patient, table)
            if rows is not None:
                archive.writestr(table.filename, csv_text(table.columns, rows))
    return buffer.getvalue()


README = """Your data from Sitbone ({clinic})

fhir-bundle.json   everything in the international FHIR R4 format, for another clinic or app
*.csv              one table per kind of record, for a spreadsheet

Dates are in your clinic's time zone; times are UTC. Text that starts with = + - or @ has an
apostrophe in front of it in the CSV files, so a spreadsheet shows it instead of running it.
"""
