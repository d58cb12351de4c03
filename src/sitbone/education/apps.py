from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "sitbone.education"
    label = "education"
    verbose_name = "Patient library"
