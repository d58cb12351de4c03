from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "sitbone.interop"
    label = "interop"
    verbose_name = "Exports, erasure and backups"
    default_auto_field = "django.db.models.BigAutoField"
