from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "sitbone.clinics"
    label = "clinics"
    verbose_name = "Clinics"
