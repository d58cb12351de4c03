"""The clinic admin's data pages, under /clinic/data/: retention and erasure requests."""

from django.urls import path

from sitbone.interop import views

app_name = "interop_clinic"
urlpatterns = [
    path("", views.clinic_data, name="data"),
    path("erasure/<str:erasure_request_id>/", views.erasure_review, name="erasure_review"),
]
