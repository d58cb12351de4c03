"""Report routes, mounted under /clinic/ (see config/urls.py)."""

from django.urls import path

from sitbone.reports import views

app_name = "reports"
P = "patients/<str:patient_id>/reports/"
urlpatterns = [
    path(P, views.index, name="index"),
    path(P + "exercise-sheet.pdf", views.exercise_sheet, name="exercise_sheet"),
    path(P + "<str:report_id>.pdf", views.progress_pdf, name="progress_pdf"),
]
