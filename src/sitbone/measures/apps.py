from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "sitbone.measures"
    label = "measures"
    verbose_name = "Measures"
