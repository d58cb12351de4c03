"""URL conf of the bench settings: the whole app plus the bare reference endpoint."""

from django.conf import settings
from django.urls import path

from sitbone.bench.views import bare_insert
from sitbone.config.urls import handler404, handler500
from sitbone.config.urls import urlpatterns as app_urlpatterns

if not getattr(settings, "SITBONE_BENCH", False):  # pragma: no cover - misconfiguration guard
    raise RuntimeError("sitbone.bench.urls is only for sitbone.config.settings.bench")

urlpatterns = [path("bench/bare-insert", bare_insert, name="bench-bare-insert"), *app_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
