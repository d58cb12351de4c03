"""``sitbone seed``: realistic clinics for benchmarks (see sitbone.bench.seed)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sitbone.bench.seed import SeedSpec, seed, stderr_progress


class Command(BaseCommand):
    help = "Create realistic clinics, clinicians and patients with months of history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinics", type=int, default=1)
        parser.add_argument("--clinicians", type=int, default=2)
        parser.add_argument("--patients", type=int, default=10, help="per clinic")
        parser.add_argument("--days", type=int, default=30, help="days of history")
        parser.add_argument("--seed", type=int, default=1, help="random seed (repeatable data)")
        parser.add_argument("--prefix", default="bench", help="names and e-mail addresses")
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        spec = SeedSpec(
            clinics=options["clinics"],
            clinicians=options["clinicians"],
            patients=options["patients"],
            days=options["days"],
            seed=options["seed"],
            prefix=options["prefix"],
        )
        started = time.monotonic()
        counts = seed(spec, progress=None if options["quiet"] else stderr_progress)
        settle_after_bulk_load()
        stages = ", ".join(f"stage {k}: {v}" for k, v in sorted(counts.stages.items()))
        self.stdout.write(
            f"Seeded {counts.clinics} clinic(s), {counts.clinicians} clinicians, "
            f"{counts.patients} patients ({stages}); {counts.sessions} sessions, "
            f"{counts.mornings} morning checks, {counts.decisions} decisions, "
            f"{counts.measures} questionnaires, {counts.appointments} appointments "
            f"in {time.monotonic() - started:.1f} s."
        )


def settle_after_bulk_load() -> None:
    """Gather planner statistics now, as a bulk load calls for. On PostgreSQL this also vacuums,
    as autovacuum would do soon anyway: otherwise its work on a freshly seeded large set runs
    during the first minute of whatever is measured next. SQLite's statistics would otherwise
    come only as server connections close (`sitbone.config.sqlite`), minutes into a run.
    (VACUUM cannot run inside a transaction, as when a test seeds.)"""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
