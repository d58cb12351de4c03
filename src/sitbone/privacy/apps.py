from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "sitbone.privacy"
    label = "privacy"
    verbose_name = "Privacy: consent, retention, breaches, emergency access"
    default_auto_field = "django.db.models.BigAutoField"
