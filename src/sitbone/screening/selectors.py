"""Reads for the public symptom check: the engine's questions by page, and the answers kept in the
visitor's session (never in the database until they sign up or book).

The session key and its shape are shared with the booking page (/book/), which reads them:
``request.session["sitbone_screening"] = {"answers": {item_id: bool}, "triage": str | None,
"pht_likelihood": str | None}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError

from sitbone.clinics.models import Clinic
from sitbone.engine.screening import (
    SCREEN_ITEMS,
    SCREEN_PAGES,
    ScreenItem,
    ScreenItemKind,
    ScreenPage,
)

SESSION_KEY = "sitbone_screening"


@dataclass(frozen=True)
class CheckPage:
    number: int
    page: ScreenPage
    items: tuple[ScreenItem, ...]

    @property
    def id(self) -> str:
        return self.page.id


def check_pages() -> tuple[CheckPage, ...]:
    """The engine's screening pages in order, each with its questions (pages without any are
    skipped so the progress count is honest)."""
    pages: list[CheckPage] = []
    for page in SCREEN_PAGES:
        items = tuple(item for item in SCREEN_ITEMS.values() if item.page == page.id)
        if items:
            pages.append(CheckPage(len(pages) + 1, page, items))
    return tuple(pages)


def check_page(page_id: str) -> CheckPage | None:
    return next((page for page in check_pages() if page.id == page_id), None)


def screening_state(session: SessionBase) -> dict[str, Any]:
    """The visitor's answers so far (a fresh copy; save with `screening_state_save`)."""
    raw = session.get(SESSION_KEY)
    state: dict[str, Any] = {"answers": {}, "triage": None, "pht_likelihood": None}
    if isinstance(raw, dict):
        answers = raw.get("answers")
        if isinstance(answers, dict):
            state["answers"] = {
                key: value
                for key, value in answers.items()
                if key in SCREEN_ITEMS and isinstance(value, bool)
            }
        state["triage"] = raw.get("triage")
        state["pht_likelihood"] = raw.get("pht_likelihood")
    return state


def first_unanswered_page(answers: dict[str, bool]) -> CheckPage | None:
    for page in check_pages():
        if any(item.id not in answers for item in page.items):
            return page
    return None


def check_finished(state: dict[str, Any]) -> bool:
    """A result can be shown once every page is answered, or as soon as an emergency shows."""
    if state.get("triage") == "emergency":
        return True
    return bool(state["answers"]) and first_unanswered_page(state["answers"]) is None


def clinics_for_registration() -> list[Clinic]:
    """Clinics a new person may join from the public sign-up (every clinic on this server)."""
    return list(Clinic.objects.order_by("name"))


def clinic_for_registration(public_id: str | None) -> Clinic | None:
    """One of `clinics_for_registration` by its public id, or None."""
    try:
        return Clinic.objects.filter(public_id=public_id).first() if public_id else None
    except ValidationError:  # not a UUID
        return None


def supporting_items() -> list[ScreenItem]:
    """The engine's questions whose "yes" is typical of PHT (clinical-brief §2.1, §3.3)."""
    return [item for item in SCREEN_ITEMS.values() if item.kind is ScreenItemKind.SUPPORTING]
