from django.urls import path

from sitbone.push import views

app_name = "push"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("subscriptions/", views.subscription_save, name="subscription_save"),
    path(
        "subscriptions/<uuid:subscription_id>/stop/",
        views.subscription_revoke,
        name="subscription_revoke",
    ),
]
