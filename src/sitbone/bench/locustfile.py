"""Locust journeys for ``make bench`` (run by sitbone.bench.run, never by the test suite directly).

SITBONE_BENCH_FIXTURES points to the JSON written by ``run.py prepare``: session cookies of
signed-in patients and clinicians (signed in once, server-side, so Argon2 is not what is
measured), an API token, report URLs, and the ids the bare-insert endpoint needs.
SITBONE_BENCH_MODE is ``design`` (journeys with think time), ``log_session`` or ``bare_insert``
(capacity: no think time; a log_session user reads the form once and then only posts it).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, task

from sitbone.bench.forms import form_data

FIXTURES: dict[str, Any] = json.loads(Path(os.environ["SITBONE_BENCH_FIXTURES"]).read_text())
MODE = os.environ.get("SITBONE_BENCH_MODE", "design")
THINK = tuple(float(x) for x in os.environ.get("SITBONE_BENCH_THINK", "5,10").split(","))
_lock = threading.Lock()
_patients = itertools.cycle(FIXTURES["patients"])
_clinicians = itertools.cycle(FIXTURES["clinicians"])


def _next(source: itertools.cycle[dict[str, Any]]) -> dict[str, Any]:
    with _lock:
        return next(source)


class PatientUser(HttpUser):
    wait_time = between(*THINK) if MODE == "design" else constant(0)
    weight = 3

    def on_start(self) -> None:
        self.me = _next(_patients)
        self.form: dict[str, str] | None = None
        self.client.cookies.set(FIXTURES["cookie_name"], self.me["cookie"])

    def _post_form(self, path: str, name: str) -> None:
        if MODE == "log_session":
            self._post_only(path, name)
            return
        page = self.client.get(path, name=f"{name} (form)")
        data = form_data(page.text)
        self.client.post(path, data=data, name=name, allow_redirects=False)

    def _post_only(self, path: str, name: str) -> None:
        """Capacity: the form is read once per user, then only posted, each time with the new
        idempotency key a freshly drawn form would carry, so the run loads the POST alone."""
        if self.form is None:
            self.form = form_data(self.client.get(path, name=f"{name} (form)").text)
        data = {**self.form, "idempotency_key": uuid.uuid4().hex}
        self.client.post(path, data=data, name=name, allow_redirects=False)

    @task(5)
    def patient_today(self) -> None:
        if MODE == "design":
            self.client.get("/me/", name="patient_today")

    @task(2)
    def log_session(self) -> None:
        if MODE in {"design", "log_session"}:
            self._post_form("/me/session/", "log_session")

    @task(1)
    def morning_checkin(self) -> None:
        if MODE == "design":
            self._post_form("/me/morning/", "morning_checkin")

    @task(2)
    def patient_progress(self) -> None:
        if MODE == "design":
            self.client.get("/me/progress/", name="patient_progress")

    @task(2)
    def bare_insert(self) -> None:
        if MODE == "bare_insert":
            ids = self.me["ids"]
            self.client.post(
                f"/bench/bare-insert?clinic={ids['clinic']}&patient={ids['patient']}"
                f"&programme={ids['programme']}",
                name="bare_insert",
            )


class ClinicianUser(HttpUser):
    wait_time = between(*THINK)
    weight = 1 if MODE == "design" else 0
    fixed_count = 0

    def on_start(self) -> None:
        self.me = _next(_clinicians)
        self.client.cookies.set(FIXTURES["cookie_name"], self.me["cookie"])

    @task(3)
    def clinician_triage(self) -> None:
        self.client.get("/clinic/", name="clinician_triage")

    @task(3)
    def clinician_patient(self) -> None:
        patient = random.choice(self.me["patients"])  # noqa: S311 - load mix, not a secret
        self.client.get(f"/clinic/patients/{patient}/", name="clinician_patient")

    @task(2)
    def api_sessions_list(self) -> None:
        patient = random.choice(self.me["patients"])  # noqa: S311
        self.client.get(
            f"/api/v1/patients/{patient}/sessions",
            headers={"Authorization": f"Bearer {FIXTURES['api_token']}"},
            name="api_sessions_list",
        )

    @task(1)
    def report_pdf(self) -> None:
        self.client.get(self.me["report"], name="report_pdf")
