"""`make bench`: seed or reuse data sets, serve with gunicorn + bench settings, load with locust.

    python -m sitbone.bench.run [--sets small,large] [--dbs sqlite,postgresql]
                                [--users 200] [--seconds 30] [--rounds 3] [--tiny]

Every database × data set gets its own directory under ``var/bench`` (reused when its seed
marker matches). The server is gunicorn with ``sitbone.config.settings.bench``; locust runs in a
separate process over loopback, bounded by ``--seconds`` (and by locust's run time). Results go
to ``bench/results.json`` (shape in issue 8) and a table on stdout. Nothing here asserts timings.

``--tiny`` is the CI smoke: a few patients, a couple of seconds per run, SQLite only.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sitbone.cli import gunicorn_command
from sitbone.config import gunicorn as gunicorn_config

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
DESIGN_NAMES = (
    "patient_today",
    "log_session",
    "morning_checkin",
    "patient_progress",
    "clinician_triage",
    "clinician_patient",
    "api_sessions_list",
    "report_pdf",
)
SETS = {
    "tiny": {"clinics": 1, "clinicians": 2, "patients": 8, "days": 21},
    "small": {"clinics": 1, "clinicians": 3, "patients": 100, "days": 90},
    "large": {"clinics": 1, "clinicians": 10, "patients": 2000, "days": 180},
}
SEED = 20261125
WARM_UP_ROUNDS = 12
"""At most this many rounds of one request per named page before measuring, sent a few at a
time until every worker has served every page once, so that no timed request is a worker's
first (see `warm_up`)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(var: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sitbone.config.settings.bench",
        "SITBONE_VAR_DIR": str(var),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _sitbone(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "sitbone"), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def ensure_data(var: Path, env: dict[str, str], name: str) -> None:
    """Seed once, then start every run from the data as seeded.

    A marker file records what was seeded. Capacity rounds write thousands of sessions (a
    hundred a day for some patients), so a reused SQLite file would drift further from the data
    set with every run; instead a copy taken after seeding is restored before each run.
    PostgreSQL gets a fresh cluster and a fresh seed every run (see start_postgres).
    """
    marker = var / f"seeded-{name}.json"
    pristine = var / "seeded.sqlite3"
    spec = SETS[name]
    sqlite = "DATABASE_URL" not in env
    reuse = marker.exists() and json.loads(marker.read_text()) == spec
    if sqlite and reuse and pristine.exists():
        _sqlite_copy(pristine, var / "sitbone.sqlite3")
    elif sqlite:  # seeding starts from an empty file, never on top of older data
        _sqlite_remove(var / "sitbone.sqlite3")
    _sitbone(env, "migrate", "-v0")  # reused data still gets this build's schema and assets
    _sitbone(env, "collectstatic", "--noinput", "-v0")
    if reuse and (pristine.exists() or not sqlite):
        return
    _sitbone(
        env,
        "seed",
        f"--clinics={spec['clinics']}",
        f"--clinicians={spec['clinicians']}",
        f"--patients={spec['patients']}",
        f"--days={spec['days']}",
        f"--seed={SEED}",
        f"--prefix={name}",
    )
    if sqlite:
        _sqlite_copy(var / "sitbone.sqlite3", pristine)
    marker.write_text(json.dumps(spec))


def _sqlite_remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the WAL included), replacing the target."""
    import sqlite3

    _sqlite_remove(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def prepare(fixtures: Path, users: int) -> None:
    """Run under the bench settings: sessions for signed-in users, an API token, reports."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count
    from django.utils import timezone

    from sitbone.api.services import api_token_create
    from sitbone.clinics.models import Clinic, Membership
    from sitbone.diary.models import MorningCheck
    from sitbone.diary.selectors import patient_today
    from sitbone.patients.models import Patient
    from sitbone.reports.services import progress_report_create

    signed_in_at = timezone.now().timestamp()

    def cookie(user: Any) -> str:
        """A session as sign-in leaves it (sitbone.accounts.signals.on_sign_in included), so
        the first timed request is not the one that writes the sign-in times."""
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["sitbone_auth_at"] = store["sitbone_seen_at"] = signed_in_at
        store.create()
        return str(store.session_key)

    clinic = (  # the largest clinic, should a database hold more than one set
        Clinic.objects.annotate(size=Count("patients")).order_by("-size", "id").first()
    )
    assert clinic is not None  # noqa: S101 - seeded just before
    patients = list(
        Patient.objects.filter(clinic=clinic, user__isnull=False)
        .select_related("user")
        .order_by("id")[: max(1, users)]
    )
    # the first member is made the admin (for the API token); preparing again picks the same one
    members = list(
        Membership.objects.filter(clinic=clinic, role__in=["admin", "clinician"])
        .select_related("user")
        .order_by("id")
    )
    staff = [m.user for m in members]
    admin = staff[0]
    Membership.objects.filter(pk=members[0].pk).update(role="admin")
    _, secret = api_token_create(
        actor=admin, clinic=clinic, name="bench", scopes=["patients:read", "clinical:read"], days=1
    )
    clinicians = []
    # The admin sees the whole clinic on the triage page; the design load is clinicians'.
    for user in staff[1:] or staff:
        mine = list(
            Patient.objects.filter(assigned_clinicians=user).values_list("public_id", flat=True)
        )[:50]
        if not mine:
            continue
        report = progress_report_create(
            actor=user,
            patient=Patient.objects.get(public_id=mine[0]),
            audience="referrer",
            summary="Benchmark report.",
        )
        clinicians.append(
            {
                "cookie": cookie(user),
                "patients": [str(p) for p in mine],
                "report": f"/clinic/patients/{mine[0]}/reports/{report.public_id}.pdf",
            }
        )
    # Each query count posts a first check-in of the day: patients from the end of the list
    # (not the load's, where the set is large enough) who have not checked in today.
    unchecked = (
        p
        for p in Patient.objects.filter(clinic=clinic, user__isnull=False)
        .select_related("user", "clinic")
        .order_by("-id")
        if not MorningCheck.objects.filter(patient=p, checked_on=patient_today(p)).exists()
    )
    probes = [cookie(p.user) for p in itertools.islice(unchecked, WARM_UP_ROUNDS + 1)]
    fixtures.write_text(
        json.dumps(
            {
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "probes": probes,
                "api_token": secret,
                "patients": [
                    {
                        "cookie": cookie(p.user),
                        "ids": {
                            "clinic": p.clinic_id,
                            "patient": p.pk,
                            "programme": p.programmes.get(is_current=True).pk,
                        },
                    }
                    for p in patients
                ],
                "clinicians": clinicians,
            }
        )
    )


class Server:
    def __init__(self, env: dict[str, str], var: Path) -> None:
        self.port = _free_port()
        self.log = (var / "gunicorn.log").open("w")
        self.proc = subprocess.Popen(  # noqa: S603
            gunicorn_command(f"127.0.0.1:{self.port}"),
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start; see " + self.log.name)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def locust(
    url: str, fixtures: Path, mode: str, users: int, seconds: int, out: Path, think: str = "5,10"
) -> dict[str, dict[str, Any]]:
    """One bounded locust run in its own process; returns stats per request name.

    The design load starts users at the rate they will send requests (users / mean think
    time), so arrivals are steady from the first second instead of every user's first request
    landing at once, and its statistics are reset when the last user has started: what is
    measured is ``seconds`` of steady design load. Capacity runs start everyone at once.
    """
    spawn_rate = users
    ramp = 0
    if mode == "design":
        mean_think = statistics.mean(float(x) for x in think.split(","))
        spawn_rate = max(1, round(users / mean_think))
        ramp = -(-users // spawn_rate)
    prefix = out / f"locust-{mode}"
    env = {
        **os.environ,
        "SITBONE_BENCH_FIXTURES": str(fixtures),
        "SITBONE_BENCH_MODE": mode,
        "SITBONE_BENCH_THINK": think,
    }
    log = out / f"locust-{mode}.log"
    with log.open("w") as sink:
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--host",
                url,
                "-u",
                str(users),
                "-r",
                str(spawn_rate),
                "-t",
                f"{seconds + ramp}s",
                *(["--reset-stats"] if ramp else []),
                "--stop-timeout",
                "5",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
            timeout=seconds + ramp + 120,
            stdout=sink,
            stderr=sink,
        )
    stats: dict[str, dict[str, Any]] = {}
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            stats[row["Name"]] = {
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "rps": round(float(row["Requests/s"]), 2),
                "errors": int(row["Failure Count"]),
                "requests": int(row["Request Count"]),
            }
    return stats


def _number(value: str) -> float | None:
    return None if value in {"", "N/A"} else float(value)


def query_counts(url: str, fixtures: Path, probe: int) -> dict[str, int | None]:
    """X-Query-Count of one request per named result, as the load sends it: a GET per page with
    a patient's or clinician's cookie, and for the two POSTs a form read, filled and sent (the
    morning check-in by probe patient ``probe``, a first check-in of the day). A POST that does
    not confirm (no redirect) has no count."""
    return {name: count for name, (count, _) in _probe(url, fixtures, probe).items()}


def warm_up(url: str, fixtures: Path, workers: int) -> dict[str, int]:
    """Rounds of one request per named page, ``workers`` rounds at a time so that every worker
    is busy with one, until each worker has served each page (workers tell who they are in
    X-Served-By) or `WARM_UP_ROUNDS` were sent. Four rounds sent one after another left five
    or six of the eight pages unserved by one of three workers (two tiny runs), whose first
    request of that page (its code and template loaded) then fell inside the timed run."""
    served: dict[str, set[str]] = {name: set() for name in DESIGN_NAMES}
    rounds = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while rounds < WARM_UP_ROUNDS and any(len(s) < workers for s in served.values()):
            batch = range(rounds, min(rounds + workers, WARM_UP_ROUNDS))
            for answers in pool.map(lambda probe: _probe(url, fixtures, probe), batch):
                for name, (_, worker) in answers.items():
                    if worker is not None:
                        served[name].add(worker)
            rounds = batch.stop
    return {"rounds": rounds, "workers": workers, "least_served": min(map(len, served.values()))}


Answer = tuple[int | None, str | None]
"""A probe's X-Query-Count and X-Served-By (None when the request did not confirm)."""


def _probe(url: str, fixtures: Path, probe: int) -> dict[str, Answer]:
    data = json.loads(fixtures.read_text())
    patient, clinician = data["patients"][0], data["clinicians"][0]
    some = clinician["patients"][0]
    gets = {
        "patient_today": ("/me/", patient["cookie"], {}),
        "patient_progress": ("/me/progress/", patient["cookie"], {}),
        "clinician_triage": ("/clinic/", clinician["cookie"], {}),
        "clinician_patient": (f"/clinic/patients/{some}/", clinician["cookie"], {}),
        "api_sessions_list": (
            f"/api/v1/patients/{some}/sessions",
            None,
            {"Authorization": f"Bearer {data['api_token']}"},
        ),
        "report_pdf": (clinician["report"], clinician["cookie"], {}),
    }
    answers: dict[str, Answer] = {}
    for name, (path, cookie, headers) in gets.items():
        request = urllib.request.Request(url + path, headers=dict(headers))  # noqa: S310
        if cookie:
            request.add_header("Cookie", f"{data['cookie_name']}={cookie}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answers[name] = _answer(response.headers)
        except OSError:
            answers[name] = (None, None)
    posts = {
        "log_session": ("/me/session/", patient["cookie"]),
        "morning_checkin": ("/me/morning/", data["probes"][probe % len(data["probes"])]),
    }
    for name, (path, cookie) in posts.items():
        answers[name] = _post_probe(url + path, f"{data['cookie_name']}={cookie}")
    return answers


def _answer(headers: Any) -> Answer:
    count = headers.get("X-Query-Count")
    return (int(count) if count is not None else None, headers.get("X-Served-By"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _post_probe(page: str, cookie: str) -> Answer:
    """Read the form at ``page``, send it back filled in, and return the POST's answer."""
    from http.cookies import SimpleCookie

    from sitbone.bench.forms import form_data

    try:
        form = urllib.request.Request(page, headers={"Cookie": cookie})  # noqa: S310
        with urllib.request.urlopen(form, timeout=30) as response:  # noqa: S310
            html = response.read().decode()
            issued = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                issued.load(header)
    except OSError:
        return (None, None)
    cookies = "; ".join([cookie, *(f"{k}={v.value}" for k, v in issued.items())])
    body = urllib.parse.urlencode(form_data(html)).encode()
    request = urllib.request.Request(  # noqa: S310
        page, data=body, headers={"Cookie": cookies}, method="POST"
    )
    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code in {302, 303}:
            return _answer(answer.headers)
    except OSError:
        pass
    return (None, None)


def pages_kb(url: str, fixtures: Path) -> dict[str, float | None]:
    """Compressed bytes of a page plus its same-origin scripts, styles and images, in KB."""
    import gzip
    import re

    data = json.loads(fixtures.read_text())
    cookie = f"{data['cookie_name']}={data['patients'][0]['cookie']}"

    def fetch(path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310
            url + path, headers={"Accept-Encoding": "gzip", "Cookie": cookie}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = response.read()
            return len(body), body

    result: dict[str, float | None] = {}
    for name, path in (("patient_today", "/me/"), ("symptom_check", "/check/")):
        try:
            size, body = fetch(path)
            html = body.decode("utf-8", "replace") if body[:2] != b"\x1f\x8b" else ""
            if not html:
                html = gzip.decompress(body).decode("utf-8", "replace")
            assets = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html))
            size += sum(fetch(asset)[0] for asset in assets)
            result[name] = round(size / 1024, 1)
        except OSError:
            result[name] = None
    return result


LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_PAGES = {
    "symptom_check": ("/check/", False),
    "patient_today": ("/me/", True),
    "progress": ("/me/progress/", True),
}


def lighthouse_tool(tools: Path) -> Path | None:
    """Lighthouse from npm into var/tools (once); it drives Debian's Chromium, never a download."""
    tool = tools / "node_modules" / ".bin" / "lighthouse"
    if not tool.exists():
        subprocess.run(  # noqa: S603
            [
                "/usr/bin/npm",
                "install",
                "--prefix",
                str(tools),
                "--no-audit",
                "--no-fund",
                "--silent",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=False,
            timeout=600,
        )
    return tool if tool.exists() else None


def lighthouse(url: str, fixtures: Path, tools: Path, runs: int = 3) -> dict[str, Any]:
    """Mobile performance and accessibility (0-100) of each patient page, median of ``runs``
    good runs, with the server otherwise idle. A run Chrome could not trace is run again."""
    chromium = Path(os.environ.get("SITBONE_CHROMIUM", "/usr/bin/chromium"))
    tool = lighthouse_tool(tools)
    if tool is None or not chromium.exists():
        return {"reason": f"lighthouse {LIGHTHOUSE_VERSION} or {chromium} is not available"}
    data = json.loads(fixtures.read_text())
    cookie = f"{data['cookie_name']}={data['patients'][0]['cookie']}"
    env = {**os.environ, "CHROME_PATH": str(chromium)}
    out = fixtures.with_name("lighthouse.json")
    result: dict[str, Any] = {}
    for name, (path, signed_in) in LIGHTHOUSE_PAGES.items():
        scores: list[tuple[float, float]] = []
        for _ in range(runs + 3):
            if len(scores) == runs:
                break
            command = [
                str(tool),
                url + path,
                "--quiet",
                "--only-categories=performance,accessibility",
                "--chrome-flags=--headless=new --no-sandbox",
                "--output=json",
                f"--output-path={out}",
            ]
            if signed_in:
                command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
            out.unlink(missing_ok=True)
            subprocess.run(command, env=env, check=False, timeout=180, capture_output=True)  # noqa: S603
            if not out.exists():
                continue
            report = json.loads(out.read_text())
            if report.get("finalDisplayedUrl", "").rstrip("/") != (url + path).rstrip("/"):
                continue  # signed out or redirected: not the page meant
            categories = report["categories"]
            performance = categories["performance"]["score"]
            accessibility = categories["accessibility"]["score"]
            if performance is not None and accessibility is not None:
                scores.append((performance * 100, accessibility * 100))
        result[name] = (
            {
                "performance": statistics.median(p for p, _ in scores),
                "accessibility": statistics.median(a for _, a in scores),
                "runs": len(scores),
            }
            if scores
            else None
        )
    return result


def engine_rate(n: int) -> float:
    """sitbone.engine.bench: batch ``decide`` per CPU-second of this process (one core)."""
    from sitbone.engine.bench import decisions_per_second

    return round(decisions_per_second(n))


def machine() -> dict[str, Any]:
    """What the run was measured on. Every figure moves with the machine: the same engine ran
    48,000 decisions/s on one day's host and 25,000 on another's, and page timings followed,
    so the engine's rate (measured first, on a quiet machine) is the yardstick for comparing
    runs, and the load average says whether anything else was running."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _pg_env() -> dict[str, str]:
    """A bench cluster on its own port and directory, never the test stage's (25432)."""
    port = os.environ.get("SITBONE_BENCH_PG_PORT", "25433")
    data = os.environ.get("SITBONE_BENCH_PG_DATA", f"/tmp/sitbone-bench-pg-{port}")  # noqa: S108
    return {**os.environ, "SITBONE_PG_PORT": port, "SITBONE_PG_DATA": data}


def start_postgres(var: Path) -> str | None:
    """A fresh cluster (pg-cluster wipes its directory), so PostgreSQL data is always reseeded."""
    env = _pg_env()
    done = subprocess.run(  # noqa: S603
        ["/bin/bash", str(ROOT / "scripts" / "pg-cluster"), "start"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        return None
    url = done.stdout.strip().splitlines()[-1]
    psql = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")) / "psql"
    subprocess.run(  # noqa: S603
        [
            str(psql),
            "-h",
            "127.0.0.1",
            "-p",
            env["SITBONE_PG_PORT"],
            "-U",
            "postgres",
            "-q",
            "-c",
            "CREATE DATABASE sitbone",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    for marker in var.glob("seeded-*.json"):
        marker.unlink()
    return url


def stop_postgres(var: Path) -> None:
    env = _pg_env()
    subprocess.run(  # noqa: S603
        ["/bin/bash", str(ROOT / "scripts" / "pg-cluster"), "stop"], env=env, check=False
    )


def bench_one(
    db: str, dataset: str, args: argparse.Namespace, base: Path, report: dict[str, Any]
) -> None:
    var = base / f"{db}-{dataset}"
    var.mkdir(parents=True, exist_ok=True)
    database_url = None
    if db == "postgresql":
        database_url = start_postgres(var)
        if database_url is None:
            report["skipped"].append({"db": db, "dataset": dataset, "reason": "no PostgreSQL"})
            return
    try:
        env = _env(var, database_url)
        ensure_data(var, env, dataset)
        # The clinic's nightly job: the day's triage reasons are worked out before it opens.
        _sitbone(env, "refresh-triage")
        fixtures = var / "fixtures.json"
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "sitbone.bench.run", "prepare", str(fixtures), str(args.users)],
            env=env,
            cwd=ROOT,
            check=True,
        )
        server = Server(env, var)
        try:
            warmed = warm_up(server.url, fixtures, gunicorn_config.workers)
            report["warm_up"][f"{db}-{dataset}"] = warmed
            queries = query_counts(server.url, fixtures, WARM_UP_ROUNDS)
            if dataset in {"small", "tiny"} and "patient_today" not in report["pages_kb"]:
                report["pages_kb"] = pages_kb(server.url, fixtures)
            if dataset == "small" and args.lighthouse and "reason" in report["lighthouse"]:
                report["lighthouse"] = lighthouse(server.url, fixtures, ROOT / "var" / "tools")
            design = locust(
                server.url, fixtures, "design", args.users, args.seconds, var, args.think
            )
            for name in DESIGN_NAMES:
                row = design.get(name, {})
                report["results"].append(
                    {
                        "db": db,
                        "dataset": dataset,
                        "name": name,
                        "p50_ms": row.get("p50_ms"),
                        "p95_ms": row.get("p95_ms"),
                        "p99_ms": row.get("p99_ms"),
                        "rps": row.get("rps"),
                        "errors": row.get("errors"),
                        "requests": row.get("requests", 0),
                        "queries": queries.get(name),
                    }
                )
            if dataset == args.capacity_set:
                rounds: list[float] = []
                for _ in range(args.rounds):
                    a = locust(server.url, fixtures, "log_session", 20, args.cap_seconds, var)
                    b = locust(server.url, fixtures, "bare_insert", 20, args.cap_seconds, var)
                    real = a.get("log_session", {}).get("rps") or 0.0
                    bare = b.get("bare_insert", {}).get("rps") or 0.0
                    rounds.append(real / bare if bare else 0.0)
                report["ratios"]["log_session_vs_bare_insert"][db] = round(
                    statistics.median(rounds), 3
                )
                report["capacity_rounds"][db] = [round(r, 3) for r in rounds]
        finally:
            server.stop()
    finally:
        if db == "postgresql":
            stop_postgres(var)


def table(report: dict[str, Any]) -> str:
    lines = [
        f"{'db':<11}{'set':<7}{'name':<19}{'p50':>8}{'p95':>8}{'p99':>8}{'rps':>8}"
        f"{'err':>6}{'q':>5}"
    ]
    for r in report["results"]:
        lines.append(
            f"{r['db']:<11}{r['dataset']:<7}{r['name']:<19}{_fmt(r['p50_ms']):>8}"
            f"{_fmt(r['p95_ms']):>8}{_fmt(r['p99_ms']):>8}{_fmt(r['rps']):>8}"
            f"{_fmt(r['errors']):>6}{_fmt(r['queries']):>5}"
        )
    lines.append(f"ratios: {json.dumps(report['ratios'])}")
    lines.append(f"engine: {json.dumps(report['engine'])}")
    lines.append(f"machine: {json.dumps(report['machine'])}")
    lines.append(f"warm_up: {json.dumps(report['warm_up'])}")
    lines.append(f"pages_kb: {json.dumps(report['pages_kb'])}")
    lines.append(f"lighthouse: {json.dumps(report['lighthouse'])}")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "-" if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["prepare"]:
        prepare(Path(argv[1]), int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="small,large")
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--cap-seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think", default="5,10", help="think time range in seconds")
    parser.add_argument("--capacity-set", default="large")
    parser.add_argument("--var", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--no-lighthouse", dest="lighthouse", action="store_false", help="skip Lighthouse"
    )
    parser.add_argument("--tiny", action="store_true", help="CI smoke: tiny data, SQLite, short")
    args = parser.parse_args(argv)
    if args.tiny:
        args.sets, args.dbs, args.users, args.seconds = "tiny", "sqlite", 8, 4
        args.cap_seconds, args.rounds, args.capacity_set = 2, 1, "tiny"
        args.think, args.lighthouse = "0.1,0.3", False
    base = Path(args.var)
    base.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "machine": machine(),
        "results": [],
        "ratios": {"log_session_vs_bare_insert": {}},
        "capacity_rounds": {},
        "engine": {"decisions_per_s": engine_rate(2000 if args.tiny else 20000)},
        "pages_kb": {},
        "lighthouse": {"reason": "run on the small set only (not in --tiny or --no-lighthouse)"},
        "warm_up": {},
        "skipped": [],
        "note": "measured on a shared 2-core machine; figures are noisy",
    }
    for db in args.dbs.split(","):
        for dataset in args.sets.split(","):
            bench_one(db, dataset, args, base, report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(table(report))  # noqa: T201 - the harness's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
