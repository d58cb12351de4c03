from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "sitbone.patients"
    label = "patients"
    verbose_name = "Patients"
