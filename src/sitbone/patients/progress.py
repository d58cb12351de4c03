"""The progress page's numbers, charts and plain-words summaries.

Reads only; zone bands use the patient's own thresholds as the engine would (clinic settings with
patient overrides, engine defaults otherwise: amber from 4/10, red from 6/10, clinical-brief
§5.3), and every statement about an important change in a questionnaire comes from the engine's
scoring (MCID where published, clinical-brief §4).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.safestring import SafeString

from sitbone.diary.selectors import mornings_between, sessions_between, weekly_adherence
from sitbone.engine.errors import EngineInputError
from sitbone.engine.thresholds import Thresholds
from sitbone.measures.models import MeasureResult
from sitbone.measures.services import measure_score
from sitbone.patients.charts import Axis, Band, Series, bar_chart, line_chart
from sitbone.patients.models import Patient
from sitbone.programmes.models import Programme
from sitbone.programmes.services import engine_thresholds

WINDOW_DAYS = 56


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    summary: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class StageStep:
    stage: int
    since: dt.date
    reason: str


@dataclass(frozen=True)
class Progress:
    pain: Chart | None
    visa_h: Chart | None
    lefs: Chart | None
    adherence: Chart | None
    stages: list[StageStep]
    bands: Thresholds


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _weeks(first: dt.date, last: dt.date) -> str:
    days = (last - first).days
    weeks = max(1, round(days / 7))
    if days < 7:
        return f"{days} day{'s' if days != 1 else ''}" if days else "one day"
    return f"{weeks} week{'s' if weeks != 1 else ''}"


def trend_sentence(what: str, points: list[tuple[dt.date, int]]) -> str:
    """E.g. "Next-morning pain has settled from 5 to 2 over 3 weeks" (first and last week's
    average, rounded)."""
    if not points:
        return f"No {what.lower()} recorded yet."
    if len(points) == 1:
        return f"{what} was {points[0][1]} out of 10 on {points[0][0]:%-d %B}."
    first_week = [v for d, v in points if (d - points[0][0]).days < 7]
    last_week = [v for d, v in points if (points[-1][0] - d).days < 7]
    start = _round(Decimal(sum(first_week)) / len(first_week))
    end = _round(Decimal(sum(last_week)) / len(last_week))
    span = _weeks(points[0][0], points[-1][0])
    if end < start:
        return f"{what} has settled from {start} to {end} over {span}."
    if end > start:
        return f"{what} has risen from {start} to {end} over {span}."
    return f"{what} has stayed at about {start} out of 10 over {span}."


def _pain_chart(patient: Patient, today: dt.date, bands: Thresholds) -> Chart | None:
    start = today - dt.timedelta(days=WINDOW_DAYS)
    sessions = sessions_between(patient=patient, start=start, end=today)
    mornings = mornings_between(patient=patient, start=start, end=today)
    if not sessions and not mornings:
        return None
    during = [(s.performed_on, s.pain_during) for s in sessions]
    morning = [(m.checked_on, m.pain) for m in mornings]
    first = min([d for d, _ in during] + [d for d, _ in morning])
    summary = " ".join(
        (trend_sentence("Next-morning pain", morning), trend_sentence("Pain during", during))
    )
    svg = line_chart(
        chart_id="pain-chart",
        title="Pain during sessions and next-morning pain, 0 to 10",
        desc=summary,
        series=[
            Series("Pain during", during, "series-during"),
            Series("Next-morning pain", morning, "series-morning", dashed=True, square=True),
        ],
        axis=Axis(0, 10, (0, 2, 4, 6, 8, 10)),
        start=first,
        end=max(today, first + dt.timedelta(days=1)),
        bands=[
            Band(0, bands.amber_pain, "band-green", "Green zone"),
            Band(bands.amber_pain, bands.red_pain, "band-amber", "Amber zone"),
            Band(bands.red_pain, 10, "band-red", "Red zone"),
        ],
    )
    by_day: dict[dt.date, list[Any]] = {}
    for day, value in during:
        by_day.setdefault(day, [None, None])[0] = value
    for day, value in morning:
        by_day.setdefault(day, [None, None])[1] = value
    rows = [
        (day, "–" if d is None else d, "–" if m is None else m)
        for day, (d, m) in sorted(by_day.items(), reverse=True)
    ]
    return Chart(svg, summary, ("Date", "Pain during", "Next-morning pain"), rows)


def _measure_chart(
    patient: Patient, results: list[MeasureResult], name: str, low: int, high: int, today: dt.date
) -> Chart | None:
    """`results` are the patient's results of one questionnaire, oldest first."""
    if not results:
        return None
    points = [(r.taken_on, r.total) for r in results]
    summary = f"{name} was {results[0].total} on {results[0].taken_on:%-d %B}"
    if len(results) > 1:
        summary = change_summary(patient=patient, first=results[0], last=results[-1], name=name)
    step = 20 if high == 100 else 20 if high == 80 else 5
    svg = line_chart(
        chart_id=f"{results[0].instrument}-chart",
        title=f"{name} score over time, {low} to {high} (higher is better)",
        desc=summary,
        series=[Series(name, points, "series-score")],
        axis=Axis(low, high, tuple(range(low, high + 1, step))),
        start=points[0][0],
        end=max(today, points[0][0] + dt.timedelta(days=1)),
    )
    rows = [(day, total) for day, total in reversed(points)]
    return Chart(svg, summary, ("Date", f"{name} score"), rows)


def change_summary(
    *, patient: Patient, first: MeasureResult, last: MeasureResult, name: str
) -> str:
    """The change from the first to the latest score, judged by the engine (MCID where
    published; VISA-H has none, and the sentence says so)."""
    try:
        scored = measure_score(
            patient=patient, instrument=last.instrument, answers=last.answers, previous=first
        )
    except EngineInputError:
        scored = {"change": None}
    change = scored.get("change") or {}
    delta = last.total - first.total
    text = (
        f"{name} went from {first.total} to {last.total} "
        f"({delta:+d}) between {first.taken_on:%-d %B} and {last.taken_on:%-d %B}; "
        "higher is better."
    )
    if change.get("mcid") is not None:
        verdict = "an important change" if change.get("exceeds_mcid") else "not yet important"
        text += (
            f" A change of {change['mcid']} points or more counts as clinically important, "
            f"so this is {verdict}."
        )
    elif last.instrument == "visa_h":
        text += (
            " No size of change has been published as clinically important for VISA-H, so we "
            "show the change without judging it."
        )
    return text


def _adherence_chart(patient: Patient, programmes: list[Programme], today: dt.date) -> Chart | None:
    weeks = weekly_adherence(patient=patient, programmes=programmes, today=today)
    if not weeks:
        return None
    rows = [(f"{w.week_start.day} {w.week_start:%b}", w.done, w.planned) for w in weeks]
    recent = weeks[-4:]
    done, planned = sum(w.done for w in recent), sum(w.planned for w in recent)
    summary = (
        f"You did {done} of {planned} planned sessions in the last "
        f"{len(recent)} week{'s' if len(recent) != 1 else ''}."
    )
    svg = bar_chart(
        chart_id="adherence-chart",
        title="Sessions done each week against sessions planned",
        desc=summary,
        rows=rows,
        high=max([w.planned for w in weeks] + [w.done for w in weeks] + [1]),
    )
    return Chart(svg, summary, ("Week starting", "Done", "Planned"), rows)


def stage_timeline(*, patient: Patient, programmes: list[Programme]) -> list[StageStep]:
    """Each stage change in the programme history (`programmes`, oldest first)."""
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    steps: list[StageStep] = []
    for programme in programmes:
        if steps and steps[-1].stage == programme.stage:
            continue
        since = programme.created_at.astimezone(zone).date()
        steps.append(StageStep(programme.stage, since, programme.reason))
    return steps


def progress_overview(*, patient: Patient, today: dt.date) -> Progress:
    try:
        bands = Thresholds.from_mapping(engine_thresholds(patient))
    except EngineInputError:
        bands = Thresholds()
    programmes = list(Programme.objects.filter(patient=patient).order_by("version"))
    results: dict[str, list[MeasureResult]] = {"visa_h": [], "lefs": []}
    for result in MeasureResult.objects.filter(
        patient=patient, instrument__in=list(results)
    ).order_by("taken_on", "id"):
        results[result.instrument].append(result)
    return Progress(
        pain=_pain_chart(patient, today, bands),
        visa_h=_measure_chart(patient, results["visa_h"], "VISA-H", 0, 100, today),
        lefs=_measure_chart(patient, results["lefs"], "LEFS", 0, 80, today),
        adherence=_adherence_chart(patient, programmes, today),
        stages=stage_timeline(patient=patient, programmes=programmes),
        bands=bands,
    )
