"""Twenty people press "Book" for the same time at once: exactly one gets it.

These tests use real transactions (not the per-test rollback) and one database connection per
thread, so the database itself decides. The SQLite variant runs everywhere; the PostgreSQL
variant runs when DATABASE_URL points at PostgreSQL (the `pg` stage of `make test`).
"""

from __future__ import annotations

import threading
from datetime import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from sitbone.appointments import services
from sitbone.appointments.models import Appointment, SlotClaim
from sitbone.appointments.selectors import rules_for_public, slot_token
from sitbone.appointments.services import SLOT_TAKEN, SlotTaken, appointment_book
from sitbone.patients.models import Patient
from tests.appointments.factories import clinic_day, kind, local, working_hours
from tests.conftest import make_user, make_world

THREADS = 20


def fire(attempt: Any) -> list[str]:
    """Run `attempt(i)` in THREADS threads released together; collect what each got."""
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = attempt(index)
        except Exception as error:  # every other outcome is reported, never swallowed
            outcome = f"unexpected {error!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def setup_world() -> tuple[Any, list[Patient], Any]:
    world = make_world()
    working_hours(world.clinic, world.clinician)
    patients = [
        Patient.objects.create(
            clinic=world.clinic, full_name=f"Parallel {i}", email=f"parallel{i}@harbour.test"
        )
        for i in range(THREADS)
    ]
    return world, patients, local(world.clinic, clinic_day(world.clinic, 3), time(10))


def book_in_parallel(*, skip_precheck: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    world, patients, start = setup_world()
    review = kind(world.clinic)
    if skip_precheck:
        monkeypatch.setattr(services, "slot_is_bookable", lambda **_: True)

    def attempt(index: int) -> str:
        try:
            appointment_book(
                actor=None,
                clinic=world.clinic,
                patient=patients[index],
                clinician=world.clinician,
                kind=review,
                starts_at=start,
                source="patient",
                rules=rules_for_public(world.clinic),
            )
        except SlotTaken as taken:
            return taken.message
        return "booked"

    results = fire(attempt)
    assert len(results) == THREADS
    assert results.count("booked") == 1, results
    assert results.count(SLOT_TAKEN) == THREADS - 1, results
    assert Appointment.objects.count() == 1
    assert SlotClaim.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("skip_precheck", [False, True], ids=["with-precheck", "database-only"])
def test_parallel_bookings_for_one_slot_give_one_success(
    skip_precheck: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    book_in_parallel(skip_precheck=skip_precheck, monkeypatch=monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_to_the_booking_page_give_one_302_and_nineteen_409s() -> None:
    world, _, start = setup_world()
    url = f"{reverse('appointments:book_review')}?kind={kind(world.clinic).public_id}"
    token = slot_token(world.clinician.public_id, start)
    clients = []
    for i in range(THREADS):
        user = make_user(f"web{i}@harbour.test", f"Web {i}")
        Patient.objects.create(
            clinic=world.clinic, user=user, full_name=user.full_name, email=user.email
        )
        client = Client()
        client.force_login(user)
        clients.append(client)

    def attempt(index: int) -> str:
        response = clients[index].post(url, {"slot": token})
        if response.status_code == 409 and SLOT_TAKEN in response.content.decode():
            return "409 taken"
        return str(response.status_code)

    results = fire(attempt)
    assert sorted(results) == ["302"] + ["409 taken"] * (THREADS - 1), results
    assert Appointment.objects.count() == 1


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("skip_precheck", [False, True], ids=["with-precheck", "database-only"])
def test_parallel_bookings_on_postgresql_give_one_success(
    skip_precheck: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL variant: set DATABASE_URL to a PostgreSQL database to run it "
            f"(this run uses {connection.vendor})"
        )
    book_in_parallel(skip_precheck=skip_precheck, monkeypatch=monkeypatch)
