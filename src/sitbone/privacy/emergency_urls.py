"""Emergency ("break-glass") access for staff, under /clinic/emergency-access/."""

from django.urls import path

from sitbone.privacy import views

app_name = "emergency"
urlpatterns = [
    path("", views.emergency_start, name="start"),
    path("<str:patient_id>/", views.emergency_open, name="open"),
]
