"""The public booking pages for newcomers (no sign-in), mounted at /book/."""

from django.urls import path

from sitbone.appointments import views

app_name = "booking"
urlpatterns = [
    path("", views.newcomer_start, name="start"),
    path("done/", views.newcomer_done, name="done"),
    path("<uuid:clinic_id>/", views.newcomer_clinic, name="clinic"),
]
