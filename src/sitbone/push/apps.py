from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "sitbone.push"
    label = "push"
    verbose_name = "Web push"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from sitbone.push.checks import vapid_settings_check

        checks.register(vapid_settings_check, checks.Tags.security, deploy=False)
