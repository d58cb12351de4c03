"""Turning raw input (JSON, form data, Python callers) into clinical values, and back for display.

House rule (STYLE.md): clinical numbers are int, Decimal or Fraction, never float. Floats only
arrive from JSON parsers and are converted exactly through their shortest repr, so ``0.9`` becomes
``Decimal("0.9")``. Floats only leave through :func:`display_number`, rounded to 3 decimals.
Booleans are not numbers here: ``true`` for a pain score is an error, as is ``1`` for a yes/no item.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from sitbone.engine.errors import EngineInputError, join_field

_THOUSANDTH = Decimal("0.001")
# Tuples, not ``list | tuple``: a union written in a function is built anew on every call.
_SEQUENCES = (list, tuple)
_SETS = (frozenset, set)


def describe(value: object) -> str:
    """A short JSON-like rendering of a value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:40]}…"' if len(value) > 40 else f'"{value}"'
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, _SEQUENCES):
        return "a list"
    return str(value)


def require_int(value: object, *, field: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise EngineInputError(
            f"{_name(field)} must be a whole number from {low} to {high}; got {describe(value)}",
            field,
        )
    return value


def require_bool(value: object, *, field: str) -> bool:
    if type(value) is not bool:
        raise EngineInputError(
            f"{_name(field)} must be true or false; got {describe(value)}", field
        )
    return value


def require_number(value: object, *, field: str) -> Decimal:
    """Any finite number (int, float or Decimal, not a boolean), as an exact Decimal."""
    number = _as_decimal(value)
    if number is None:
        raise EngineInputError(f"{_name(field)} must be a number; got {describe(value)}", field)
    return number


def require_numbers(values: Sequence[object], *, field: str) -> list[Decimal]:
    """Every value a finite number (see :func:`require_number`); the error names the first bad
    one as ``field[i]``. Field paths are built only on failure: this runs for every decision."""
    numbers = []
    for index, value in enumerate(values):
        number = _as_decimal(value)
        if number is None:
            raise EngineInputError(
                f"{_name(field)}[{index}] must be a number; got {describe(value)}",
                f"{field}[{index}]",
            )
        numbers.append(number)
    return numbers


def require_decimal(value: object, *, field: str, low: Decimal, high: Decimal) -> Decimal:
    number = _as_decimal(value)
    if number is None or not low <= number <= high:
        raise EngineInputError(
            f"{_name(field)} must be a number from {low} to {high}; got {describe(value)}", field
        )
    return number


def require_text(value: object, *, field: str, choices: Collection[str] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EngineInputError(
            f"{_name(field)} must be a non-empty text; got {describe(value)}", field
        )
    if choices is not None and value not in choices:
        options = ", ".join(f'"{choice}"' for choice in choices)
        raise EngineInputError(
            f"{_name(field)} must be one of {options}; got {describe(value)}", field
        )
    return value


def require_date(value: object, *, field: str) -> date:
    """A date, or text in exactly the YYYY-MM-DD form (not the other ISO forms Python accepts)."""
    if type(value) is date:
        return value
    if type(value) is str:
        try:
            return parse_iso_date(value)
        except ValueError:
            pass
    raise EngineInputError(
        f"{_name(field)} must be a calendar date written YYYY-MM-DD; got {describe(value)}", field
    )


# Batches repeat the same calendar days for every patient; the cache also makes this callable
# from C, which matters in the per-session loop of a batch decide.
@lru_cache(maxsize=8192)
def parse_iso_date(text: str) -> date:
    """Parse YYYY-MM-DD exactly; ValueError for anything else (including other ISO forms)."""
    # Dashes at 4 and 7 rule out the week (2026-W45-1) and compact (20261102) forms that
    # date.fromisoformat also reads; fromisoformat then checks the digits and the calendar.
    if len(text) != _ISO_LENGTH or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return date.fromisoformat(text)


_ISO_LENGTH = len("2026-11-02")


def require_object(value: object, *, field: str) -> Mapping[str, Any]:
    if type(value) is dict or isinstance(value, Mapping):
        return value
    raise EngineInputError(
        f"{_name(field) or 'the input'} must be a JSON object; got {describe(value)}", field or None
    )


def require_list(value: object, *, field: str) -> Sequence[Any]:
    if not isinstance(value, _SEQUENCES):
        raise EngineInputError(f"{_name(field)} must be a list; got {describe(value)}", field)
    return value


def require_key(mapping: Mapping[str, Any], key: str, *, field: str) -> Any:
    if key not in mapping:
        raise EngineInputError(f"{key} is required", join_field(field, key))
    return mapping[key]


def reject_unknown_keys(
    mapping: Mapping[str, Any], allowed: Collection[str], *, field: str
) -> None:
    known = allowed if isinstance(allowed, _SETS) else frozenset(allowed)
    if mapping.keys() <= known:
        return
    unknown = next(key for key in mapping if key not in known)
    expected = ", ".join(sorted(known))
    raise EngineInputError(
        f"unknown field {describe(unknown)}; expected one of: {expected}",
        join_field(field, str(unknown)),
    )


def display_number(value: Decimal | Fraction | int) -> float:
    """Round a clinical number half-up to 3 decimals for JSON display (the only float exit)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return float(Decimal(value).quantize(_THOUSANDTH, rounding=ROUND_HALF_UP))


def _as_decimal(value: object) -> Decimal | None:
    if type(value) is float:
        return _float_to_decimal(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _float_to_decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


# The same few ratios and weekly means (0.93, 2.5 …) arrive again and again in a batch.
@lru_cache(maxsize=4096)
def _float_to_decimal(value: float) -> Decimal | None:
    """The exact Decimal of a float's shortest repr; None for infinities and NaN."""
    return Decimal(repr(value)) if math.isfinite(value) else None


def _name(field: str) -> str:
    """The last segment of a field path, which is what the person sees next to the input."""
    return field.rsplit(".", 1)[-1]
