"""One router per resource; all are mounted under /api/v1/ by sitbone.api.main."""

from __future__ import annotations

from sitbone.api.errors import ErrorOut

READ_ERRORS: dict[int, type[ErrorOut]] = dict.fromkeys((401, 403, 404, 422, 429, 500), ErrorOut)
"""What a read may answer besides 200 (every operation declares its errors)."""

WRITE_ERRORS: dict[int, type[ErrorOut]] = dict.fromkeys(
    (400, 401, 403, 404, 409, 422, 429, 500), ErrorOut
)
"""What a write may answer besides its success status."""
