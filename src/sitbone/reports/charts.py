"""Small server-drawn SVG charts: scores over time for pages and PDF reports.

No JavaScript and no inline styles (strict CSP): presentation is in SVG attributes and the
stylesheet's classes. Every chart carries a text alternative (``<title>``/``<desc>``), and pages
show the same numbers in a table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 28
_LABEL = 'font-size="12" fill="#4a5560"'


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: int
    css_class: str = ""


def line_chart(
    points: Sequence[Point], *, low: int, high: int, title: str, unit: str = ""
) -> SafeString:
    """A line chart of values over dates, with the y axis from ``low`` to ``high``."""
    if not points:
        return mark_safe("")  # nosec B308 # an empty literal
    ordered = sorted(points, key=lambda p: p.day)
    first, last = ordered[0].day, ordered[-1].day
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        return LEFT + (day - first).days / span * plot_w if len(ordered) > 1 else LEFT + plot_w / 2

    def y(value: int) -> float:
        return TOP + (high - value) / max(high - low, 1) * plot_h

    ticks = sorted({low, high, (low + high) // 2})
    grid = "".join(
        f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" '
        f'y2="{y(t):.1f}" stroke="#c9d1d8" stroke-width="1"/>'
        f'<text class="chart-label" x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end" '
        f"{_LABEL}>{t}</text>"
        for t in ticks
    )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{x(p.day):.1f},{y(p.value):.1f}" for i, p in enumerate(ordered)
    )
    dots = "".join(
        f'<circle class="chart-dot {escape(p.css_class)}" cx="{x(p.day):.1f}" '
        f'cy="{y(p.value):.1f}" r="4" fill="#0b5d7a">'
        f"<title>{p.day:%-d %b %Y}: {p.value}{escape(unit)}</title></circle>"
        for p in ordered
    )
    axis = (
        f'<text class="chart-label" x="{LEFT}" y="{HEIGHT - 8}" {_LABEL}>{first:%-d %b %Y}</text>'
        f'<text class="chart-label" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end" '
        f"{_LABEL}>{last:%-d %b %Y}</text>"
    )
    summary = ", ".join(f"{p.day:%-d %b}: {p.value}{unit}" for p in ordered[-12:])
    svg = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>{grid}"
        f'<path class="chart-line" d="{path}" fill="none" stroke="#0b5d7a" stroke-width="2"/>'
        f"{dots}{axis}</svg>"
    )
    return mark_safe(svg)  # nosec B308, B703 # all SVG text is escape()d
