"""Appointments in the clinic admin: read-only, cut to the admin's own clinic."""

from __future__ import annotations

from django.contrib import admin

from sitbone.appointments.models import Appointment, AppointmentType, ReminderDelivery
from sitbone.clinics.admin import ClinicScopedAdmin, clinic_admin_site


@admin.register(Appointment, site=clinic_admin_site)
class AppointmentAdmin(ClinicScopedAdmin):
    list_display = ("starts_at", "appointment_type", "clinician", "patient", "status", "source")
    list_filter = ("status", "source")
    exclude = ("contact_phone",)
    patient_field = "patient"


@admin.register(AppointmentType, site=clinic_admin_site)
class AppointmentTypeAdmin(ClinicScopedAdmin):
    list_display = ("name", "duration_minutes", "for_newcomers", "patient_bookable", "is_active")


@admin.register(ReminderDelivery, site=clinic_admin_site)
class ReminderDeliveryAdmin(ClinicScopedAdmin):
    clinic_field = "appointment__clinic"
    list_display = ("appointment", "kind", "status", "attempts", "last_attempt_at", "sent_at")
    list_filter = ("status",)
    patient_field = "appointment__patient"
    list_select_related = ("appointment__patient",)
