"""Shared fixtures: a small world of two clinics with every role the access rules distinguish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client


@dataclass
class World:
    clinic: Any
    other_clinic: Any
    admin: Any
    clinician: Any
    unassigned_clinician: Any
    other_clinic_clinician: Any
    patient_user: Any
    patient: Any
    other_patient_user: Any
    other_patient: Any

    def user_for(self, role: str) -> Any:
        return {
            "anonymous": None,
            "patient": self.patient_user,
            "other_patient": self.other_patient_user,
            "assigned_clinician": self.clinician,
            "unassigned_clinician": self.unassigned_clinician,
            "other_clinic_clinician": self.other_clinic_clinician,
            "clinic_admin": self.admin,
        }[role]


ROLES = (
    "anonymous",
    "patient",
    "other_patient",
    "assigned_clinician",
    "unassigned_clinician",
    "other_clinic_clinician",
    "clinic_admin",
)

PASSWORD = "correct horse battery staple"


def signed_in(user: Any) -> Client:
    """A test client signed in as ``user`` (no password or second factor asked)."""
    client = Client()
    client.force_login(user)
    return client


def make_user(email: str, name: str) -> Any:
    from sitbone.accounts.services import account_create

    return account_create(email=email, password=PASSWORD, full_name=name)


def make_world() -> World:
    from sitbone.clinics.models import Clinic, Membership
    from sitbone.patients.models import Patient

    clinic = Clinic.objects.create(name="Harbour Physio", time_zone="Australia/Sydney")
    other = Clinic.objects.create(name="Hilltop Physio", time_zone="Europe/London")
    admin = make_user("admin@harbour.test", "Ada Admin")
    clinician = make_user("clin@harbour.test", "Cleo Clinician")
    unassigned = make_user("other.clin@harbour.test", "Uma Unassigned")
    foreign = make_user("clin@hilltop.test", "Finn Foreign")
    Membership.objects.create(clinic=clinic, user=admin, role="admin")
    Membership.objects.create(clinic=clinic, user=clinician, role="clinician")
    Membership.objects.create(clinic=clinic, user=unassigned, role="clinician")
    Membership.objects.create(clinic=other, user=foreign, role="clinician")
    patient_user = make_user("pat@harbour.test", "Pat Patient")
    other_user = make_user("olly@harbour.test", "Olly Other")
    patient = Patient.objects.create(
        clinic=clinic, user=patient_user, full_name="Pat Patient", email=patient_user.email
    )
    patient.assigned_clinicians.add(clinician)
    other_patient = Patient.objects.create(
        clinic=clinic, user=other_user, full_name="Olly Other", email=other_user.email
    )
    other_patient.assigned_clinicians.add(unassigned)
    return World(
        clinic,
        other,
        admin,
        clinician,
        unassigned,
        foreign,
        patient_user,
        patient,
        other_user,
        other_patient,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: pytest.FixtureRequest) -> None:
    """Each test that uses the database starts with an empty cache (allauth's sign-in rate
    limits and used two-factor codes): a test never meets a limit because an earlier test used
    up the allowance. The cache is a database table that a committing test leaves full (only
    model tables are emptied after one). Sitbone's own counts are model rows, rolled back or
    emptied with the rest."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    return make_world()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Under CI nothing may be skipped for a missing dependency: a skip fails the run."""
    import os

    if os.environ.get("CI") == "true" and report.skipped and report.when in ("setup", "call"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {report.longrepr}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`sqlite`-marked tests prove SQLite-only behaviour: a PostgreSQL run deselects them
    (deselected, not skipped: under CI a skip fails the run)."""
    from tests.interop.vendors import on_postgresql

    if not on_postgresql():
        return
    left_out = [item for item in items if item.get_closest_marker("sqlite")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("sqlite")]
