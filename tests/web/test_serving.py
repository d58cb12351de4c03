"""gunicorn, as `sitbone serve`, `make bench` and the crash test start it
(sitbone.cli.gunicorn_command)."""

from __future__ import annotations

import sys

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

from sitbone.cli import gunicorn_command


def _configured(monkeypatch: pytest.MonkeyPatch) -> WSGIApplication:
    """gunicorn's own reading of the arguments and the configuration module they name."""
    monkeypatch.setattr(sys, "argv", gunicorn_command("127.0.0.1:8000"))
    monkeypatch.delitem(sys.modules, "sitbone.config.gunicorn", raising=False)  # read it afresh
    return WSGIApplication()


def test_sync_workers_as_many_as_web_concurrency_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    app = _configured(monkeypatch)
    assert app.cfg.worker_class_str == "sync"
    assert app.cfg.workers == 5
    assert app.cfg.threads == 1
    assert app.cfg.graceful_timeout == 10
    assert app.cfg.bind == ["127.0.0.1:8000"]
    assert app.app_uri == "sitbone.config.wsgi:application"


def test_three_workers_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert _configured(monkeypatch).cfg.workers == 3
