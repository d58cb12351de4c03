from django.urls import path

from sitbone.screening import views

app_name = "screening"
urlpatterns = [
    path("check/", views.start, name="start"),
    path("check/result/", views.result, name="result"),
    path("check/clear/", views.clear, name="clear"),
    path("check/<slug:page_id>/", views.page, name="page"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.sent, name="sent"),
    path("register/confirm/<str:token>/", views.confirm, name="confirm"),
]
