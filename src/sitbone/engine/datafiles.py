"""Reading the engine's own data files (the only I/O the engine does).

The JSON files in ``sitbone/engine/data/`` hold clinical content that clinicians and the web app
read too: instruments (clinical-brief §4), screening items (§3.3), provocation tests (§2.3), the
exercise catalogue (§5.4, §5.8) and the walk–run ladder (§5.7). They are read once, at import.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def load_data(name: str) -> Any:
    return json.loads(files("sitbone.engine").joinpath("data", name).read_text(encoding="utf-8"))
