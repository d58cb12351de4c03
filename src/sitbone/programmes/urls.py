"""Programme and approval routes, mounted under /clinic/ (see config/urls.py)."""

from django.urls import path

from sitbone.programmes import views

app_name = "programmes"
P = "patients/<str:patient_id>/"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("settings/thresholds/", views.clinic_thresholds, name="clinic_thresholds"),
    path(P + "programme/", views.versions, name="versions"),
    path(P + "programme/edit/", views.edit, name="edit"),
    path(P + "thresholds/", views.thresholds, name="thresholds"),
    path(P + "decisions/<str:decision_id>/", views.review, name="review"),
]
