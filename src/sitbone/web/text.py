"""What every free-text field refuses: control and invisible formatting characters; and how a
person's name is tidied.

A bell, an escape sequence or a right-to-left override typed or pasted into a note can garble a
printout or a terminal, or make a text read differently from what it holds. Line breaks and
tabs are what people type, and stay.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

KEPT = "\n\r\t"
CONTROL_MESSAGE = "Remove special characters such as control codes"


def has_control_characters(value: str) -> bool:
    return any(not ch.isprintable() and ch not in KEPT for ch in value)


def no_control_characters(value: str) -> None:
    """A form field validator: refuses text with control or formatting characters."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE)


def clean_person_name(value: str, *, own: bool = False) -> str:
    """A name with its runs of spaces and line breaks made single spaces, refused when empty or
    with any character that does not print. ``own``: the person is typing their own name."""
    name = " ".join(value.split())
    if not name or any(not ch.isprintable() for ch in name):
        whose = "your" if own else "a"
        raise ValidationError(f"Enter {whose} name using letters, spaces and punctuation.")
    return name
