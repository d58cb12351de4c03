"""A request's user arrives with what the access checks ask of every request: the person's own
patient record and whether they are clinic staff, in the query that loads the user."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sitbone.accounts.backends import SIGN_IN_BACKEND, AuthenticationBackend
from sitbone.clinics.access import own_patient_record, signed_in_user, staff_context
from tests.conftest import PASSWORD, World


def test_a_patient_comes_with_their_record_and_no_staff_context(
    world: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        user = signed_in_user(world.patient_user.pk)
        assert own_patient_record(user) == world.patient
        assert own_patient_record(user).clinic.name == "Harbour Physio"  # type: ignore[union-attr]
        assert staff_context(user) is None


def test_staff_have_no_patient_record_and_their_membership_is_one_more_query(
    world: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        user = signed_in_user(world.clinician.pk)
        assert own_patient_record(user) is None
        context = staff_context(user)
        assert context is not None
        assert (context.clinic, context.role) == (world.clinic, "clinician")


def test_an_unknown_or_deactivated_account_signs_no_one_in(world: World) -> None:
    backend = AuthenticationBackend()
    assert backend.get_user(10**9) is None
    world.patient_user.is_active = False
    world.patient_user.save(update_fields=["is_active"])
    assert backend.get_user(world.patient_user.pk) is None


def test_signing_in_records_the_backend_and_a_patients_pages_never_ask_for_staff(
    world: World,
) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": world.patient_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == SIGN_IN_BACKEND
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    # Not looked up by the user's id on its own: it comes with the user's row (and the patient
    # record too: test_query_counts).
    assert not re.search(r'"clinics_membership"\."user_id" = \d', sql)
