from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "sitbone.programmes"
    label = "programmes"
    verbose_name = "Programmes"
