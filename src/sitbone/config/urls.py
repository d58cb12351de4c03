"""Sitbone URL map. Every route is listed in the access matrix (tests/web/test_access_matrix.py)."""

from django.urls import include, path

from sitbone.api.main import api_urls
from sitbone.clinics.admin import clinic_admin_site

urlpatterns = [
    path("", include("sitbone.web.urls")),
    path("accounts/", include("sitbone.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/", api_urls()),
    path("clinic/api-tokens/", include("sitbone.api.urls")),
    path("clinic/data/", include("sitbone.interop.clinic_urls")),
    path("clinic/privacy/", include("sitbone.privacy.clinic_urls")),
    path("clinic/emergency-access/", include("sitbone.privacy.emergency_urls")),
    path("clinic/", include("sitbone.clinics.urls")),
    path("me/data/", include("sitbone.interop.urls")),
    path("me/privacy/", include("sitbone.privacy.urls")),
    path("clinic/", include("sitbone.assessments.urls")),
    path("clinic/", include("sitbone.programmes.urls")),
    path("clinic/", include("sitbone.reports.urls")),
    path("me/push/", include("sitbone.push.urls")),
    path("me/", include("sitbone.patients.urls")),
    path("appointments/", include("sitbone.appointments.urls")),
    path("book/", include("sitbone.appointments.public_urls")),
    path("", include("sitbone.screening.urls")),
    path("learn/", include("sitbone.education.urls")),
    path("admin/", clinic_admin_site.urls),
]

handler404 = "sitbone.web.views.not_found"
handler500 = "sitbone.web.views.server_error"
