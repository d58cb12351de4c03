from django.urls import path

from sitbone.clinics import views

app_name = "clinics"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("discharged/", views.discharged, name="discharged"),
    path("patients/<str:patient_id>/", views.patient_detail, name="patient_detail"),
    path("patients/<str:patient_id>/audit/", views.patient_audit, name="patient_audit"),
    path("patients/<str:patient_id>/details/", views.patient_details, name="patient_details"),
    path("patients/<str:patient_id>/treatment/", views.patient_treatment, name="patient_treatment"),
    path(
        "patients/<str:patient_id>/invitation/", views.patient_invitation, name="patient_invitation"
    ),
    path(
        "patients/<str:patient_id>/sign-up-link/",
        views.confirmation_resend,
        name="confirmation_resend",
    ),
    path("staff/", views.staff, name="staff"),
    path("settings/", views.clinic_settings, name="settings"),
]
