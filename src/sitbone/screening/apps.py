from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "sitbone.screening"
    label = "screening"
    verbose_name = "Symptom check and self-registration"
