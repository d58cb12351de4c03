"""The consent wording patients see, every version ever published.

A text that patients have agreed to is never edited: a new wording is a new entry with the next
version number, and each consent record points at the version the patient saw. The newest entry
of a purpose is the one shown now; it is copied into the database on first use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    purpose: str
    version: int
    title: str
    text: str


WORDINGS = (
    Wording(
        "care",
        1,
        "Terms of care and use of your information",
        "Your clinic keeps your health information in Sitbone so it can look after you: your "
        "symptom answers, assessments, exercise plan, diary and appointments. Only staff at your "
        "clinic can open your record, and each time they do is logged. Your information is not "
        "sold or used for adverts. You can download it, or ask for it to be erased, at any time "
        "from Your data. The clinic keeps records for the years the law asks, then deletes them "
        "or removes your name.",
    ),
    Wording(
        "email_reminders",
        1,
        "Reminder emails",
        "Emails when your exercises, your morning check-in or an appointment are due. They only "
        "say that something is due, never how you are doing.",
    ),
    Wording(
        "referrer_sharing",
        1,
        "Reports to the person who referred you",
        "Your clinic may send progress reports to the doctor or health worker who referred you.",
    ),
    Wording(
        "research",
        1,
        "Research and improving care",
        "Your clinic may use your information, with your name and contact details taken out, "
        "for research and to make care better.",
    ),
)


def newest(purpose: str) -> Wording:
    return max((w for w in WORDINGS if w.purpose == purpose), key=lambda w: w.version)
