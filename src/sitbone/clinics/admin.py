"""The Django admin, for clinic admins, showing only their own clinic's rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sitbone.clinics.access import staff_context
from sitbone.clinics.models import AuditCategory, AuditEvent, Invitation, Membership
from sitbone.clinics.services import audit_record
from sitbone.patients.models import Patient


class ClinicAdminSite(admin.AdminSite):
    site_header = "Sitbone clinic administration"
    site_title = "Sitbone admin"

    def has_permission(self, request: HttpRequest) -> bool:
        staff = staff_context(request.user)
        return bool(staff and staff.is_admin)


clinic_admin_site = ClinicAdminSite(name="clinic_admin")


class ClinicScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every queryset is cut to the admin's clinic; permissions come from the clinic role."""

    clinic_field = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        staff = staff_context(request.user)
        queryset = super().get_queryset(request)
        if staff is None or not staff.is_admin:
            return queryset.none()
        return queryset.filter(**{self.clinic_field: staff.clinic})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return clinic_admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return clinic_admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Patient, site=clinic_admin_site)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ("full_name", "email", "stage", "created_at")
    search_fields = ("full_name", "email")
    exclude = ("thresholds", "screening_answers")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        patient = self.get_queryset(request).filter(pk=object_id).first()
        if patient is not None:
            audit_record(
                category=AuditCategory.READ,
                action="patient.admin_view",
                actor=request.user,
                clinic=patient.clinic,
                patient=patient,
                request=request,
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Membership, site=clinic_admin_site)
class MembershipAdmin(ClinicScopedAdmin):
    list_display = ("user", "role", "created_at")


@admin.register(Invitation, site=clinic_admin_site)
class InvitationAdmin(ClinicScopedAdmin):
    list_display = ("email", "kind", "created_at", "expires_at", "accepted_at")
    exclude = ("token_hash",)


@admin.register(AuditEvent, site=clinic_admin_site)
class AuditEventAdmin(ClinicScopedAdmin):
    list_display = ("at", "category", "action", "actor_email", "patient", "ip_address")
    list_filter = ("category",)
