from django.urls import path

from sitbone.accounts import views

app_name = "accounts"
urlpatterns = [
    path("invite/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("email/", views.email_view, name="email"),  # before allauth's page of the same path
    # before allauth's page of the same path (its name stays allauth's: account_reset_password)
    path("password/reset/", views.password_reset_view, name="password_reset"),
    path("keep-alive/", views.session_keepalive_view, name="session_keepalive"),
]
