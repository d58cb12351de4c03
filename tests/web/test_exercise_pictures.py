"""Every exercise in the catalogue has a small, safe SVG picture the strict CSP can serve."""

from __future__ import annotations

import importlib.resources
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

SVG_NS = "{http://www.w3.org/2000/svg}"
MAX_BYTES = 4 * 1024
PICTURES = Path(str(importlib.resources.files("sitbone.web").joinpath("static/sitbone/exercises")))


def _catalogue() -> list[dict[str, Any]]:
    text = importlib.resources.files("sitbone.engine").joinpath("data/exercises.json").read_text()
    data = json.loads(text)
    return data["exercises"] if isinstance(data, dict) else data


EXERCISE_IDS = [exercise["id"] for exercise in _catalogue()]
PICTURE_NAMES = [*EXERCISE_IDS, "_missing"]


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def test_the_catalogue_has_exercises() -> None:
    assert EXERCISE_IDS
    assert len(EXERCISE_IDS) == len(set(EXERCISE_IDS))


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_every_catalogue_exercise_has_a_picture(exercise_id: str) -> None:
    assert (PICTURES / f"{exercise_id}.svg").is_file()


def test_there_is_a_fallback_picture() -> None:
    assert (PICTURES / "_missing.svg").is_file()


@pytest.mark.parametrize("name", PICTURE_NAMES)
def test_picture_is_a_small_safe_svg(name: str) -> None:
    path = PICTURES / f"{name}.svg"
    if not path.is_file():
        pytest.skip("missing picture is reported by the coverage test")
    raw = path.read_bytes()
    assert len(raw) < MAX_BYTES
    root = ET.fromstring(raw)  # noqa: S314 - our own static files, not untrusted input
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox")
    title = root.find(f"{SVG_NS}title")
    assert title is not None and (title.text or "").strip()
    for element in root.iter():
        tag = _local(element.tag)
        assert tag not in {"script", "style", "foreignObject"}
        for attribute, value in element.attrib.items():
            local = _local(attribute)
            assert local != "style"
            assert not local.lower().startswith("on")
            if local == "href":
                assert not value.strip().lower().startswith(("http:", "https:", "//"))
    text = raw.decode("utf-8").lower()
    assert "<script" not in text and "style=" not in text


def test_picture_titles_match_exercise_names() -> None:
    names = {exercise["id"]: exercise["name"] for exercise in _catalogue()}
    for exercise_id, name in names.items():
        path = PICTURES / f"{exercise_id}.svg"
        if path.is_file():
            title = ET.fromstring(path.read_bytes()).find(f"{SVG_NS}title")  # noqa: S314
            assert title is not None and title.text == name, exercise_id
