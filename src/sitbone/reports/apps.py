from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sitbone.reports"
    label = "reports"
    verbose_name = "Reports"
