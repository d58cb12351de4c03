"""The engine is pure: standard library and its own modules only, and no I/O but its data."""

import ast
import sys
from pathlib import Path

ENGINE = Path(__file__).parents[2] / "src" / "sitbone" / "engine"


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module)
    return roots


def test_the_engine_imports_only_the_standard_library_and_itself():
    for path in ENGINE.glob("*.py"):
        for module in imported_roots(path):
            top = module.split(".")[0]
            assert top in sys.stdlib_module_names or module.startswith("sitbone.engine"), (
                f"{path.name} imports {module}"
            )


def test_only_the_data_loader_and_the_command_line_touch_files():
    for path in ENGINE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if path.name not in {"datafiles.py", "cli.py"}:
            assert "open(" not in source, path.name
            assert "importlib.resources" not in source, path.name
