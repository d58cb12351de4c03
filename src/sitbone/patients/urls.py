from django.urls import path

from sitbone.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.home, name="home"),
    path("session/", views.session, name="session"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session_detail"),
    path("morning/", views.morning, name="morning"),
    path("decisions/<uuid:decision_id>/", views.decision, name="decision"),
    path("load/", views.load, name="load"),
    path("load/sitting/", views.load_sitting, name="load_sitting"),
    path("load/cross-training/", views.load_cross_training, name="load_cross_training"),
    path("load/run/", views.load_run, name="load_run"),
    path(
        "load/<slug:kind>/<uuid:log_id>/next-morning/",
        views.load_next_morning,
        name="load_next_morning",
    ),
    path("reminders/", views.reminders, name="reminders"),
    path("equipment/", views.equipment, name="equipment"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path(
        "questionnaires/<slug:instrument>/<int:number>/",
        views.questionnaire_question,
        name="questionnaire_question",
    ),
    path(
        "questionnaires/<slug:instrument>/check/",
        views.questionnaire_check,
        name="questionnaire_check",
    ),
    path(
        "questionnaires/results/<uuid:result_id>/",
        views.questionnaire_result,
        name="questionnaire_result",
    ),
    path("progress/", views.progress, name="progress"),
]
