"""The patient's own data pages, under /me/data/."""

from django.urls import path

from sitbone.interop import views

app_name = "interop"
urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("download/", views.my_data_download, name="my_data_download"),
    path("erase/", views.my_data_erase, name="my_data_erase"),
]
