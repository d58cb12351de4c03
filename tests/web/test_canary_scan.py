"""Canary scan (issue 9, item 8; ASVS 14.2.1, 16.2.5): a patient whose name, email, note and
password are unique marker strings goes through sign-in, the patient app, booking and the API,
and staff read their record in the workspace, the reports and the API. Then the markers must
appear in none of:

- what the server logged meanwhile (every logger, at INFO, written to a file);
- any address: every URL requested, every redirect, every link, form target and asset address
  on every page the crawl reached, and every GET form's free-text fields (what a person types
  into one ends up in the address and the access log);
- the audit trail's paths and details (the patient is linked by key, never copied in);
- a backup file.

Browser storage is scanned by the Chromium test in tests/browser/test_canary_storage.py.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import World, make_world

NAME = "Quillon Zephyrine"
EMAIL = "quillon.zephyrine@canary.test"
NOTE = "Canary note: my zephyrine tendon grumbles after the q7xw3 bus"
PASSWORD = "a canary passphrase q7xw3 zephyrine"
MARKERS = ("quillon", "zephyrine", "q7xw3")
"""Lower-case fragments; each appears in a canary value and nowhere else. None is hexadecimal,
so a random UUID or digest in an address can never contain one by chance."""


def leaks(text: str) -> list[str]:
    """The markers found in the text, raw or URL-decoded, in any letter case."""
    lowered = text.lower()
    decoded = unquote_plus(text).lower()
    return [m for m in MARKERS if m in lowered or m in decoded]


@contextmanager
def logs_to_file(path: Path) -> Iterator[Path]:
    """Everything any logger says at INFO or above goes to the file for the duration."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.setLevel(logging.INFO)
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield path
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()


@pytest.fixture
def server_log(tmp_path: Path) -> Iterator[Path]:
    with logs_to_file(tmp_path / "server.log") as path:
        yield path


class Addresses(HTMLParser):
    """Every address a page points at, and the free-text fields of its GET forms."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.get_form_text_fields: list[str] = []
        self._in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src", "action", "formaction", "data-url", "poster"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "form":
            self._in_get_form = (values.get("method") or "get").lower() == "get"
        elif self._in_get_form and (
            tag == "textarea"
            or (tag == "input" and (values.get("type") or "text") in ("text", "search", "email"))
        ):
            self.get_form_text_fields.append(str(values.get("name")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False


class Crawl:
    """A signed-in visitor who follows every same-site link, recording what it sees."""

    def __init__(self, client: Client, *, limit: int = 120) -> None:
        self.client = client
        self.limit = limit
        self.requested: list[str] = []
        self.seen_urls: list[str] = []
        self.text_fields: dict[str, list[str]] = {}

    def record(self, url: str, response: Any) -> None:
        self.requested.append(url)
        if response.has_header("Location"):
            self.seen_urls.append(response["Location"])

    def visit(self, *starts: str) -> None:
        queue = list(starts)
        done: set[str] = set()
        while queue and len(done) < self.limit:
            url = queue.pop(0)
            path = urlsplit(url).path
            if url in done or path.startswith(("/static/", "/accounts/logout", "/admin/logout")):
                continue
            done.add(url)
            response = self.client.get(url)
            self.record(url, response)
            if "text/html" not in response.get("Content-Type", "") or response.streaming:
                continue
            page = Addresses()
            page.feed(response.content.decode())
            self.seen_urls += page.urls
            if page.get_form_text_fields:
                self.text_fields[path] = page.get_form_text_fields
            for link in page.urls:
                target = urljoin(url, link)
                parts = urlsplit(target)
                if parts.netloc in ("", "testserver") and not parts.path.startswith("/static/"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def make_canary(world: World) -> Any:
    from sitbone.accounts.services import account_create
    from sitbone.appointments.models import WorkingHours
    from sitbone.patients.models import Patient
    from sitbone.programmes.services import programme_from_prescription

    user = account_create(email=EMAIL, password=PASSWORD, full_name=NAME)
    canary = Patient.objects.create(
        clinic=world.clinic,
        user=user,
        full_name=NAME,
        email=EMAIL,
        goals=NOTE,
        activities="Running to the zephyrine bus stop",
    )
    canary.assigned_clinicians.add(world.clinician)
    programme_from_prescription(actor=world.clinician, patient=canary, stage=1, reason="start")
    for weekday in range(7):
        WorkingHours.objects.create(
            clinic=world.clinic,
            clinician=world.clinician,
            weekday=weekday,
            start_time="08:00",
            end_time="18:00",
        )
    return canary


def patient_journey(crawl: Crawl, canary: Any) -> None:
    """Sign in, log a session and a check-in, answer nothing wrong, book, use the API."""
    from tests.patients.conftest import session_post

    client = crawl.client
    wrong = client.post("/accounts/login/", {"login": EMAIL, "password": "not the password"})
    crawl.record("/accounts/login/", wrong)
    signed_in = client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    crawl.record("/accounts/login/", signed_in)
    assert signed_in.status_code == 302
    programme = canary.programmes.get(is_current=True)
    logged = client.post("/me/session/", session_post(programme, notes=NOTE, day="yesterday"))
    crawl.record("/me/session/", logged)
    assert logged.status_code == 302
    checked = client.post("/me/morning/", {"pain": "2", "stiffness_minutes": "5"})
    crawl.record("/me/morning/", checked)
    page = client.get("/appointments/book/")
    crawl.record("/appointments/book/", page)
    slot = re.search(r'name="slot"[^>]*value="([^"]+)"', page.content.decode())
    assert slot, "no free time offered"
    booked = client.post("/appointments/book/", {"slot": slot.group(1)})
    crawl.record("/appointments/book/", booked)
    assert booked.status_code == 302
    me = client.get("/api/v1/me")
    crawl.record("/api/v1/me", me)
    api_path = f"/api/v1/patients/{canary.public_id}/sessions"
    posted = client.post(
        api_path,
        json.dumps(
            {"performed_on": str(programme.created_at.date()), "pain_during": 2, "pain_after": 2}
            | {"notes": NOTE}
        ),
        content_type="application/json",
    )
    crawl.record(api_path, posted)
    assert posted.status_code in (201, 422), posted.content
    crawl.visit("/me/", "/appointments/", "/me/data/", "/me/privacy/")


def staff_journey(crawl: Crawl, canary: Any, token: str) -> None:
    crawl.visit("/clinic/", f"/clinic/patients/{canary.public_id}/", "/appointments/diary/week/")
    for path in (
        f"/api/v1/patients/{canary.public_id}",
        f"/api/v1/patients/{canary.public_id}/fhir",
        f"/api/v1/patients/{canary.public_id}/sessions",
    ):
        crawl.record(path, crawl.client.get(path, headers={"Authorization": f"Bearer {token}"}))


@pytest.mark.django_db(transaction=True)  # committed, so the backup sees the canary too
def test_no_canary_in_logs_addresses_audit_trail_or_backups(
    server_log: Path, tmp_path: Path, settings: Any
) -> None:
    from django.db import connection

    from sitbone.clinics.models import AuditEvent
    from sitbone.interop.backup import backup_key_generate, backup_read
    from tests.api.conftest import make_token

    settings.SITBONE_API_RATE_LIMIT = "100000/60"
    world = make_world()
    canary = make_canary(world)
    patient = Crawl(Client())
    patient_journey(patient, canary)
    staff_client = Client()
    staff_client.force_login(world.clinician)
    staff = Crawl(staff_client)
    staff_journey(staff, canary, make_token(world.clinic, world.admin)[1])
    admin_client = Client()
    admin_client.force_login(world.admin)
    admin = Crawl(admin_client, limit=80)
    admin.visit("/clinic/", "/admin/", "/clinic/data/", "/clinic/privacy/")
    reset = Client().post("/accounts/password/reset/", {"email": EMAIL})
    assert reset.status_code == 302
    assert Client().get("/no-such-page/").status_code == 404  # a line the log must have

    crawls = (patient, staff, admin)
    pages = sum(len(c.requested) for c in crawls)
    assert pages >= 100, pages
    # The canary really was on the pages: the scan looks where the data is.
    body = staff_client.get(f"/clinic/patients/{canary.public_id}/").content.decode()
    assert NAME in body

    addresses = [u for c in crawls for u in (*c.requested, *c.seen_urls)]
    assert [u for u in addresses if leaks(u)] == []
    assert {p: f for c in crawls for p, f in c.text_fields.items()} == {}, (
        "GET forms with free text put what people type into addresses and logs"
    )
    audit = AuditEvent.objects.values_list("path", "detail", "actor_email")
    assert [row for row in audit if leaks(" ".join(row[:2]))] == []
    logged = server_log.read_text(encoding="utf-8")
    assert "/no-such-page/" in logged  # the capture works
    assert leaks(logged) == [], [line for line in logged.splitlines() if leaks(line)][:5]

    settings.SITBONE_BACKUP_KEY = backup_key_generate()
    target = tmp_path / "canary.backup"
    call_command("backup", str(target))
    backup = target.read_bytes().lower()
    assert [m for m in MARKERS if m.encode() in backup] == []
    if connection.vendor == "sqlite":  # the plain image holds the canary: the scan is not blind
        image = b"".join(backup_read(target, "sqlite")).lower()
        assert all(m.encode() in image for m in MARKERS)
