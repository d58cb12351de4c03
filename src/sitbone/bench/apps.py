from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling: the `seed` command and (under bench settings) reference endpoints."""

    name = "sitbone.bench"
    label = "bench"
    default_auto_field = "django.db.models.BigAutoField"
