from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "sitbone.clinics"
    label = "clinics"
    verbose_name = "Clinics"

    def ready(self) -> None:
        from sitbone.clinics.triage import connect_data_changed

        connect_data_changed()
