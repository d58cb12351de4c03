"""Turning report templates into PDF with WeasyPrint, offline and self-contained.

Pictures are embedded as data URIs and the fetcher refuses every other URL, so a report can never
reach the network or read files it was not given. The stylesheet is a file (no inline styles).
"""

from __future__ import annotations

import base64
from functools import cache
from importlib.resources import files
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

MISSING_PICTURE = "sitbone/exercises/_missing.svg"


@cache
def _fetcher_class() -> Any:
    from weasyprint import URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serves embedded data: URIs and refuses every other URL."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError("Reports load no external resources.")
            return super().fetch(url, headers)

    return DataOnlyFetcher


def data_only_fetcher() -> Any:
    return _fetcher_class()(allowed_protocols=["data"])


@cache
def stylesheet() -> str:
    return files("sitbone.reports").joinpath("static", "reports", "report.css").read_text("utf-8")


@cache
def exercise_picture(exercise_id: str) -> str:
    """The exercise's SVG as a data URI, or the "no picture yet" drawing."""
    safe = "".join(ch for ch in exercise_id if ch.isalnum() or ch == "_")
    path = finders.find(f"sitbone/exercises/{safe}.svg") or finders.find(MISSING_PICTURE)
    if not path:
        return ""
    with open(str(path), "rb") as handle:
        encoded = base64.b64encode(handle.read()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, context)
    fetcher = data_only_fetcher()
    document = HTML(string=html, url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=stylesheet(), url_fetcher=fetcher)])
    return pdf
