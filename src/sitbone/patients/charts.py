"""Server-side SVG charts for the progress page: no JavaScript, no library, CSP-clean.

Each chart is an inline ``<svg role="img">`` with a ``<title>`` and ``<desc>``; every page that
shows one also gives the same numbers as a table and a plain-words summary (WCAG 1.1.1).
Colours come from CSS classes in patients.css, so no style attribute is needed. All text is
escaped here; the returned markup is safe to insert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 32, 18, 10, 30

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[dt.date, Number]]
    css: str
    """Class for the line and markers, e.g. ``series-during``."""

    dashed: bool = False
    square: bool = False


@dataclass(frozen=True)
class Band:
    low: Number
    high: Number
    css: str
    label: str


@dataclass(frozen=True)
class Axis:
    low: Number
    high: Number
    ticks: Sequence[Number] = field(default_factory=tuple)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


class _Frame:
    def __init__(self, start: dt.date, end: dt.date, axis: Axis) -> None:
        self.start, self.axis = start, axis
        self.days = max((end - start).days, 1)
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM

    def x(self, day: dt.date) -> float:
        return LEFT + self.plot_w * (day - self.start).days / self.days

    def y(self, value: Number) -> float:
        span = float(self.axis.high) - float(self.axis.low)
        return TOP + self.plot_h * (1 - (float(value) - float(self.axis.low)) / span)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    axis: Axis,
    start: dt.date,
    end: dt.date,
    bands: Sequence[Band] = (),
) -> SafeString:
    frame = _Frame(start, end, axis)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for band in bands:
        top, bottom = frame.y(band.high), frame.y(band.low)
        parts.append(
            f'<rect class="band {band.css}" x="{LEFT}" y="{_fmt(top)}" width="{frame.plot_w}" '
            f'height="{_fmt(bottom - top)}"><title>{escape(band.label)}</title></rect>'
        )
    for tick in axis.ticks:
        tick_y = _fmt(frame.y(tick))
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{tick_y}" y2="{tick_y}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{tick_y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(str(tick))}</text>'
        )
    ticks = _date_ticks(start, end)
    for index, day in enumerate(ticks):
        anchor = "start" if index == 0 else "end" if index == len(ticks) - 1 else "middle"
        parts.append(
            f'<text class="tick" x="{_fmt(frame.x(day))}" y="{HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(_short_date(day))}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + frame.plot_h}" '
        f'y2="{TOP + frame.plot_h}"/>'
    )
    for line in series:
        if not line.points:
            continue
        coords = [(frame.x(day), frame.y(value)) for day, value in line.points]
        dash = ' stroke-dasharray="7 5"' if line.dashed else ""
        path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)
        parts.append(f'<polyline class="line {line.css}" points="{path}"{dash}/>')
        for (x, y), (day, value) in zip(coords, line.points, strict=True):
            tip = f"{escape(line.label)}, {escape(_short_date(day))}: {escape(str(value))}"
            if line.square:
                parts.append(
                    f'<rect class="marker {line.css}" x="{_fmt(x - 4)}" y="{_fmt(y - 4)}" '
                    f'width="8" height="8"><title>{tip}</title></rect>'
                )
            else:
                parts.append(
                    f'<circle class="marker {line.css}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="4.5">'
                    f"<title>{tip}</title></circle>"
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308, B703 # all SVG text is escape()d


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, int, int]],
    high: int,
) -> SafeString:
    """Bars of done (filled) against planned (outline), one pair per row label."""
    axis = Axis(0, max(high, 1), tuple(range(0, max(high, 1) + 1, max(1, high // 5 or 1))))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)
    bar = min(slot * 0.35, 28)
    step = 1 if len(rows) <= 5 else 2

    def y(value: Number) -> float:
        return TOP + plot_h * (1 - float(value) / float(axis.high))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for tick in axis.ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y(tick))}" '
            f'y2="{_fmt(y(tick))}"/><text class="tick" x="{LEFT - 6}" y="{_fmt(y(tick))}" '
            f'text-anchor="end" dominant-baseline="middle">{tick}</text>'
        )
    for index, (label, done, planned) in enumerate(rows):
        centre = LEFT + slot * (index + 0.5)
        parts.append(
            f'<rect class="bar-planned" x="{_fmt(centre - bar)}" y="{_fmt(y(planned))}" '
            f'width="{_fmt(bar)}" height="{_fmt(y(0) - y(planned))}">'
            f"<title>{escape(label)}: planned {planned}</title></rect>"
            f'<rect class="bar-done" x="{_fmt(centre)}" y="{_fmt(y(done))}" '
            f'width="{_fmt(bar)}" height="{_fmt(y(0) - y(done))}">'
            f"<title>{escape(label)}: done {done}</title></rect>"
            f'<text class="tick tick-small" x="{_fmt(centre)}" y="{HEIGHT - 8}" '
            f'text-anchor="middle">{escape(label) if index % step == 0 else ""}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_fmt(y(0))}" '
        f'y2="{_fmt(y(0))}"/></svg>'
    )
    return mark_safe("".join(parts))  # nosec B308, B703 # all SVG text is escape()d


def _date_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    days = (end - start).days
    if days <= 0:
        return [start]
    if days < 6:
        return [start, end]
    return [start + dt.timedelta(days=round(days * share)) for share in (0, 0.5, 1)]
