"""The patient's privacy page, under /me/privacy/."""

from django.urls import path

from sitbone.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.my_privacy, name="mine"),
]
