"""The API's own pages (not the API itself): clinic API tokens."""

from django.urls import path

from sitbone.api import views

app_name = "api_pages"
urlpatterns = [
    path("", views.token_list, name="tokens"),
    path("<str:api_token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
