from django.urls import path

from sitbone.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.home, name="home"),
]
