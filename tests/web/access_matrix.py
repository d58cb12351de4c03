"""Walk every URL the project defines, for every role, and say what each one gets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver


def iter_routes() -> Iterator[tuple[str, str]]:
    """(key, pattern) for every route; key is the route name, or the pattern when unnamed."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for item in patterns:
            if isinstance(item, URLResolver):
                ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
                yield from walk(item.url_patterns, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                pattern = prefix + str(item.pattern)
                yield (f"{namespace}{item.name}" if item.name else pattern), pattern

    yield from walk(get_resolver().url_patterns, "", "")


def concrete_path(pattern: str, params: dict[str, str]) -> str:
    """Fill a route pattern (path converters or regex groups) with test values."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: params[m.group(1)], pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: params[m.group(1)], path)
    path = path.replace("^", "").replace("$", "")
    path = re.sub(r"\.\*", "anything/", path)
    return "/" + path


def outcome(client: Client, path: str) -> str:
    response = client.get(path)
    if response.status_code in (301, 302):
        location = response["Location"]
        return "login" if "/login/" in location else "redirect"
    return str(response.status_code)
