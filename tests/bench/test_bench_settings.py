from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

from sitbone.bench.seed import SeedSpec, seed
from sitbone.diary.models import SessionLog
from sitbone.patients.models import Patient

BENCH = {
    "ROOT_URLCONF": "sitbone.bench.urls",
    "SITBONE_BENCH": True,
    "MIDDLEWARE": ["sitbone.bench.middleware.QueryCountMiddleware", *settings.MIDDLEWARE],
}


@pytest.mark.django_db
def test_the_bare_insert_endpoint_does_not_exist_under_the_normal_url_conf() -> None:
    assert Client().post("/bench/bare-insert?clinic=1&patient=1&programme=1").status_code == 404


@pytest.mark.django_db
def test_the_bare_insert_writes_one_session_and_counts_its_queries() -> None:
    seed(SeedSpec(clinics=1, clinicians=1, patients=1, days=3, seed=1))
    patient = Patient.objects.get()
    programme = patient.programmes.get(is_current=True)
    before = SessionLog.objects.count()
    with override_settings(**BENCH):
        response = Client(enforce_csrf_checks=True).post(
            f"/bench/bare-insert?clinic={patient.clinic_id}&patient={patient.pk}"
            f"&programme={programme.pk}"
        )
        health = Client().get("/healthz")
    assert health.has_header("X-Query-Count")
    assert health["X-Served-By"] == str(os.getpid())
    assert response.status_code == 204
    assert SessionLog.objects.count() == before + 1
    assert int(response["X-Query-Count"]) >= 1


def test_the_bench_settings_are_production_like_and_load() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sitbone.config.settings.bench"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.urls import resolve; resolve('/bench/bare-insert'); "
        "print(s.DEBUG, s.PASSWORD_HASHERS[0], s.DATABASES['default']['ENGINE'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split()[0] == "False"
    assert "Argon2" in out.split()[1]
