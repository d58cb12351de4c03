"""The clinic admin's privacy pages, under /clinic/privacy/."""

from django.urls import path

from sitbone.privacy import views

app_name = "privacy_clinic"
urlpatterns = [
    path("", views.clinic_privacy, name="index"),
    path("emergency-access/", views.emergency_list, name="emergency_list"),
    path(
        "emergency-access/<str:access_id>/reviewed/",
        views.emergency_review,
        name="emergency_review",
    ),
    path("breaches/", views.breach_list, name="breaches"),
    path("breaches/new/", views.breach_new, name="breach_new"),
    path("breaches/<str:breach_id>/", views.breach_detail, name="breach_detail"),
    path("breaches/<str:breach_id>/edit/", views.breach_edit, name="breach_edit"),
]
