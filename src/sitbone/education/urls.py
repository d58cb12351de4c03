from django.urls import path

from sitbone.education import views

app_name = "education"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.article, name="article"),
]
