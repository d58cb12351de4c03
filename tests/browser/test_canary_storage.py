"""Canary scan in the browser (issue 9, item 8; ASVS 14.3.3): the canary patient signs in, logs
a session with a marked note, checks in, books a review and reads their pages in Chromium. Then
nothing the browser keeps holds a marker — localStorage, sessionStorage, every IndexedDB
database, Cache Storage, cookies — and neither does any address it requested, nor the server's
log of the whole visit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.web.test_canary_scan import NOTE, PASSWORD, leaks, logs_to_file, make_canary

pytestmark = pytest.mark.django_db(transaction=True)

DUMP_STORAGE = """async () => {
  const dump = {local: {...localStorage}, session: {...sessionStorage}, indexedDB: {}, caches: {}};
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => {
      const open = indexedDB.open(info.name);
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    const stores = {};
    for (const name of db.objectStoreNames) {
      stores[name] = await new Promise((ok) => {
        const all = db.transaction(name).objectStore(name).getAll();
        all.onsuccess = () => ok(all.result);
      });
    }
    dump.indexedDB[info.name] = stores;
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    dump.caches[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      dump.caches[name].push([request.url, await response.text()]);
    }
  }
  return JSON.stringify(dump);
}"""


def pick(page: Any, name: str, value: str) -> None:
    page.locator(f"input[name='{name}'][value='{value}']").check()


def test_the_browser_keeps_no_patient_detail(page: Any, tmp_path: Path) -> None:
    from sitbone.diary.models import SessionLog
    from tests.conftest import make_world

    canary = make_canary(make_world())
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    with logs_to_file(tmp_path / "server.log") as log:
        sign_in(page, canary.email, PASSWORD)
        assert "/me/" in page.url

        page.goto("/me/session/")
        for index in range(page.locator("[data-timer]").count()):
            pick(page, f"ex{index}-pain", "2")
        pick(page, "day", "yesterday")
        pick(page, "pain_after", "2")
        page.locator("textarea[name=notes]").fill(NOTE)
        page.get_by_role("button", name="Save this session").click()
        page.wait_for_load_state()
        assert SessionLog.objects.get(patient=canary).notes == NOTE

        page.goto("/me/morning/")
        pick(page, "pain", "2")
        page.get_by_label("Morning stiffness, in minutes").fill("5")
        page.get_by_role("button", name="Save my check-in").click()
        page.wait_for_load_state()

        page.goto("/appointments/book/")
        page.locator("input[name=slot]").first.check()
        page.locator("form:has(input[name=slot]) button[type=submit]").click()
        page.wait_for_load_state()
        assert "/appointments/" in page.url
        assert canary.appointments.count() == 1

        for path in ("/me/", "/me/progress/", "/me/data/", "/me/privacy/", "/appointments/"):
            page.goto(path)
            page.wait_for_load_state()
        page.goto("/me/")
        assert canary.full_name.split()[0] in page.locator("h1").inner_text()
        stored = page.evaluate(DUMP_STORAGE)
        cookies = page.context.cookies()
        page.goto("/no-such-page/")  # a line the server log must have

    assert len(requested) >= 20
    assert [url for url in requested if leaks(url)] == []
    assert leaks(stored) == [], stored[:2000]
    assert [c["name"] for c in cookies if leaks(f"{c['name']}={c['value']}")] == []
    logged = log.read_text(encoding="utf-8")
    assert "/no-such-page/" in logged
    assert leaks(logged) == [], [line for line in logged.splitlines() if leaks(line)][:5]
