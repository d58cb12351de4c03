from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sitbone.web"
    label = "web"
    verbose_name = "Web"
