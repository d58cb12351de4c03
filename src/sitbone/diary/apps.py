from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "sitbone.diary"
    label = "diary"
    verbose_name = "Diary"
