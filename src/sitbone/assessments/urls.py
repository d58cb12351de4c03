"""Clinician record routes, mounted under /clinic/ (see config/urls.py)."""

from django.urls import path

from sitbone.assessments import views

app_name = "assessments"
P = "patients/<str:patient_id>/"
urlpatterns = [
    path(P + "assessments/", views.assessment_list, name="list"),
    path(P + "assessments/new/", views.assessment_new, name="new"),
    path(P + "assessments/<str:assessment_id>/", views.assessment_detail, name="detail"),
    path(P + "measures/", views.measures, name="measures"),
    path(P + "measures/<str:instrument>/new/", views.measure_new, name="measure_new"),
    path(P + "adjuncts/", views.adjuncts, name="adjuncts"),
    path(P + "notes/", views.note_new, name="note_new"),
]
