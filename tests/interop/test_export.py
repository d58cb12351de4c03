"""The patient's own archive: a ZIP with the FHIR Bundle and one CSV per record kind, defused
against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from sitbone.interop.export import FORMULA_STARTS, csv_cell, csv_text
from tests.api.conftest import seed_history
from tests.conftest import World


def download(user: Any) -> Any:
    client = Client()
    client.force_login(user)
    return client.get("/me/data/download/")


def test_the_patient_downloads_everything_in_one_zip(world: World) -> None:
    seed_history(world)
    response = download(world.patient_user)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="sitbone-my-data-')
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "fhir-bundle.json",
        "patient.csv",
        "programmes.csv",
        "programme_exercises.csv",
        "sessions.csv",
        "session_exercises.csv",
        "morning_checks.csv",
        "measures.csv",
        "decisions.csv",
    } <= names
    bundle = json.loads(archive.read("fhir-bundle.json"))
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert patient["id"] == str(world.patient.public_id)
    rows = list(csv.DictReader(io.StringIO(archive.read("sessions.csv").decode())))
    assert len(rows) == 2
    assert {row["notes"] for row in rows} == {'\'=HYPERLINK("http://evil")'}
    (me,) = csv.DictReader(io.StringIO(archive.read("patient.csv").decode()))
    assert me["email"] == world.patient.email
    if "assessments.csv" in names:
        (assessment,) = csv.DictReader(io.StringIO(archive.read("assessments.csv").decode()))
        assert assessment["notes"] == "'+44 rings back"
        assert {"clinical_notes.csv", "adjunct_therapies.csv", "appointments.csv"} <= names


def test_the_archive_holds_only_the_patients_own_records(world: World) -> None:
    from sitbone.diary.models import MorningCheck

    seed_history(world)
    MorningCheck.objects.create(
        clinic=world.clinic, patient=world.other_patient, checked_on="2026-11-01", pain=7
    )
    archive = zipfile.ZipFile(io.BytesIO(download(world.patient_user).content))
    text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert str(world.other_patient.public_id) not in text
    assert world.other_patient.full_name not in text
    rows = list(csv.DictReader(io.StringIO(archive.read("morning_checks.csv").decode())))
    assert [row["pain"] for row in rows] == ["2"]


def test_downloading_is_recorded(world: World) -> None:
    from sitbone.clinics.models import AuditEvent

    download(world.patient_user)
    assert AuditEvent.objects.filter(action="patient.export", patient=world.patient).exists()


@pytest.mark.parametrize("role", ["clinician", "admin", "other_clinic_clinician"])
def test_staff_have_no_personal_download(world: World, role: str) -> None:
    assert download(getattr(world, role)).status_code == 404


@given(st.text())
def test_no_text_cell_can_start_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (text, "'" + text)
    assert (cell == "'" + text) == text.startswith(FORMULA_STARTS)


@given(
    st.lists(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.booleans()), max_size=5))
)
def test_csv_files_read_back_cell_for_cell(rows: list[list[Any]]) -> None:
    width = max((len(r) for r in rows), default=0)
    header = [f"c{i}" for i in range(width)]
    padded = [r + [None] * (width - len(r)) for r in rows]
    parsed = list(csv.reader(io.StringIO(csv_text(header, padded), newline="")))
    assert parsed[0] == header
    assert parsed[1:] == [[csv_cell(v) for v in r] for r in padded]
    for row, values in zip(parsed[1:], padded, strict=True):
        texts = [cell for cell, value in zip(row, values, strict=True) if isinstance(value, str)]
        assert not any(cell.startswith(FORMULA_STARTS) for cell in texts)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("plain", "plain"),
        (-3, "-3"),
        (True, "yes"),
        (None, ""),
        ({"q8": {"branch": "no_pain"}}, '{"q8": {"branch": "no_pain"}}'),
    ],
)
def test_cells(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell
