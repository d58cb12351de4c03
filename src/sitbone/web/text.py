"""What every free-text field refuses: control and invisible formatting characters; and how a
person's name is tidied.

A bell, an escape sequence or a right-to-left override typed or pasted into a note can garble a
printout or a terminal, or make a text read differently from what it holds. Line breaks and
tabs are what people type, and stay.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

KEPT = "\n\r\t"
CONTEXT_CHARS = 20
"""How much of the text before a refused character its message quotes, to say where it is."""


def _first_control_character(value: str) -> int | None:
    return next((i for i, ch in enumerate(value) if not ch.isprintable() and ch not in KEPT), None)


def control_character_message(value: str) -> str | None:
    """What to tell the person about the first control or formatting character in ``value``,
    saying where it is: such a character does not show on screen, so text pasted or stored
    with one could not otherwise be put right. None when there is none."""
    at = _first_control_character(value)
    if at is None:
        return None
    before = " ".join(value[:at].split()[-3:])[-CONTEXT_CHARS:]
    where = f"after “{before}”" if before else "at the start"
    return (
        f"Remove the hidden character {where} (U+{ord(value[at]):04X}): control codes and "
        "invisible formatting are not kept"
    )


def no_control_characters(value: str) -> None:
    """A form field validator: refuses text with control or formatting characters."""
    message = control_character_message(value)
    if message is not None:
        raise ValidationError(message)


def clean_person_name(value: str, *, own: bool = False) -> str:
    """A name with its runs of spaces and line breaks made single spaces, refused when empty or
    with a control or formatting character. ``own``: the person is typing their own name."""
    name = " ".join(value.split())  # no line breaks or tabs are left to be kept
    if not name or _first_control_character(name) is not None:
        whose = "your" if own else "a"
        raise ValidationError(f"Enter {whose} name using letters, spaces and punctuation.")
    return name
