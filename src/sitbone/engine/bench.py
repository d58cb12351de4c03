"""Throughput of batch ``decide`` on one core: ``python -m sitbone.engine.bench [N]``.

Measures the real path a REST batch or ``sitbone engine decide`` takes after JSON parsing —
document validation, zones (clinical-brief §5.3), gates (§5.6) and the decision — on realistic
histories of 14 sessions (about five weeks at three sessions a week), generated from a fixed
seed. Issue 3 asks for at least 20,000 decisions per second on one core.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from typing import Any

from sitbone.engine.commands import run

SESSIONS_PER_HISTORY = 14
_SESSION_DAYS = (0, 2, 4)


def realistic_documents(count: int, seed: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not a secret
    return [_document(rng) for _ in range(count)]


def _document(rng: random.Random) -> dict[str, Any]:
    start = dt.date(2026, 9, 7) + dt.timedelta(days=rng.randrange(60))
    baseline = rng.choice((0, 1, 1, 2, 2, 3))
    sessions = []
    for index in range(SESSIONS_PER_HISTORY):
        week, slot = divmod(index, len(_SESSION_DAYS))
        day = start + dt.timedelta(days=7 * week + _SESSION_DAYS[slot])
        during = min(10, max(0, baseline + rng.choice((-1, 0, 0, 1, 1, 2, 3))))
        sessions.append(
            {
                "date": day.isoformat(),
                "pain_during": during,
                "pain_after": min(10, max(0, during + rng.choice((-1, 0, 1)))),
                "next_morning_pain": None
                if index == SESSIONS_PER_HISTORY - 1 and rng.random() < 0.3
                else min(10, max(0, baseline + rng.choice((-1, 0, 0, 0, 1, 2)))),
                "completed": rng.random() > 0.1,
            }
        )
    return {
        "stage": rng.randint(1, 4),
        "baseline_morning_pain": baseline,
        "sessions": sessions,
        "weekly_morning_pain": [round(baseline + rng.random(), 1) for _ in range(3)],
        "gates": {
            "slb_short_lever_pain": rng.randint(0, 5),
            "curl_10rm_lsi": round(rng.uniform(0.75, 1.05), 2),
            "slb_reps_lsi": round(rng.uniform(0.75, 1.05), 2),
            "drop_lunge_pain": rng.randint(0, 3),
            "rest_pain": rng.randint(0, 1),
        },
        "red_flags": [],
        "thresholds": {},
    }


def decisions_per_second(n: int = 20000) -> float:
    """Decisions per CPU-second for one batch of ``n`` histories.

    The batch runs on one thread, so its CPU time is time on one core; counting CPU rather than
    wall time keeps the figure honest on a machine that other jobs are sharing.
    """
    documents = realistic_documents(n)
    started = time.process_time()
    run("decide", documents)
    return n / (time.process_time() - started)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    sys.stdout.write(f"{decisions_per_second(count):,.0f} decisions/s (batch of {count})\n")
