"""What a browser would send back from a Sitbone form page: used by the locust journeys and by
the bench's query count of each POST (sitbone.bench.run.query_counts)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    """The fields of the page's largest POST form: inputs, selects and textareas, with a
    pain of 2 where a choice is needed (the header's sign-out form is also a POST form)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[dict[str, str], dict[str, list[str]]]] = []
        self.data: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.in_form = False
        self.select: str | None = None
        self.select_first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.in_form = True
            self.data, self.radios = {}, {}
            self.forms.append((self.data, self.radios))
        if not self.in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    self.data[name] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            elif kind not in {"submit", "button"}:
                self.data[name] = a.get("value", "") or ("2" if kind == "number" else "")
                if name == "stiffness_minutes" and not a.get("value"):
                    self.data[name] = "10"
        elif tag == "select" and name:
            self.select, self.select_first = name, None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.select_first is None and value:
                self.select_first = value
            if "selected" in a:
                self.data[self.select] = value
        elif tag == "textarea" and name:
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select:
            self.data.setdefault(self.select, self.select_first or "")
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False

    def filled(self) -> dict[str, str]:
        if not self.forms:
            return {}
        data, radios = max(self.forms, key=lambda form: len(form[0]) + len(form[1]))
        for name, values in radios.items():
            if name not in data:
                data[name] = "2" if "2" in values else values[0]
        return data


def form_data(html: str) -> dict[str, str]:
    parser = _FormParser()
    parser.feed(html)
    return parser.filled()
