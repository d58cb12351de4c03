from __future__ import annotations

import pytest

from tests.interop.vendors import on_postgresql


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_postgresql():
        return
    left_out = [
        item
        for item in items
        if getattr(getattr(item, "function", None), "_sitbone_sqlite_only", False)
    ]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]
