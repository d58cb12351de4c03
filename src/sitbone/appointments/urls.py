from django.urls import path

from sitbone.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("book/", views.patient_book, name="book_review"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("diary/", views.diary_day, name="diary"),
    path("diary/week/", views.diary_week, name="diary_week"),
    path("book-for/", views.book_for, name="book_for"),
    path("patients/<str:patient_id>/book/", views.staff_book, name="staff_book"),
    path("availability/", views.availability, name="availability"),
    path("availability/<uuid:clinician_id>/", views.availability_edit, name="availability_edit"),
    path("settings/", views.booking_settings, name="settings"),
    path("types/new/", views.type_new, name="type_new"),
    path("types/<uuid:type_id>/", views.type_edit, name="type_edit"),
    path("<uuid:appointment_id>/", views.detail, name="detail"),
    path("<uuid:appointment_id>/reschedule/", views.reschedule, name="reschedule"),
    path("<uuid:appointment_id>/cancel/", views.cancel, name="cancel"),
]
