from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "sitbone.assessments"
    label = "assessments"
    verbose_name = "Assessments"
