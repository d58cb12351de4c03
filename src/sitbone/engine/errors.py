"""The one error the engine raises for bad input, shared by the web app, the REST API and the CLI.

Every message is written for a person (a clinician or a patient filling a form), and `field` points
at the offending value with a path such as ``sessions[0].pain_during`` or, in a batch,
``[3].sessions[0].pain_during``, so a form can highlight it and the CLI can print it.
"""

from __future__ import annotations


def join_field(prefix: str, name: str | None) -> str:
    """Join two parts of a field path: ``a`` + ``b`` → ``a.b``; ``a`` + ``[0]`` → ``a[0]``."""
    if not name:
        return prefix
    if not prefix:
        return name
    if name.startswith("["):
        return prefix + name
    return f"{prefix}.{name}"


class EngineInputError(ValueError):
    """Input the engine cannot use; ``field`` is the path of the faulty value (None: all of it)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def within(self, prefix: str) -> EngineInputError:
        """The same error seen from an enclosing document (the prefix names the enclosing part)."""
        return EngineInputError(self.message, join_field(prefix, self.field) or None)

    def to_dict(self) -> dict[str, str | None]:
        return {"error": self.message, "field": self.field}

    def __repr__(self) -> str:
        return f"EngineInputError({self.message!r}, field={self.field!r})"
