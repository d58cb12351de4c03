from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "sitbone.appointments"
    label = "appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from sitbone.appointments import signals  # noqa: F401 - connects the clinic set-up hook
