"""The Django admin, for clinic admins, showing only their own clinic's rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from sitbone.clinics.access import staff_context, staff_reads_audit
from sitbone.clinics.models import AuditEvent, Invitation, Membership
from sitbone.patients.models import Patient

if TYPE_CHECKING:
    from sitbone.accounts.models import User


class ClinicAdminSite(admin.AdminSite):
    site_header = "Sitbone clinic administration"
    site_title = "Sitbone admin"

    def has_permission(self, request: HttpRequest) -> bool:
        staff = staff_context(request.user)
        return bool(staff and staff.is_admin)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Nobody signs in on the admin's own form. It would skip the two-factor step of
        Sitbone's sign-in, and it refuses clinic admins anyway (they are not Django staff).
        Signed out: on to Sitbone's sign-in, coming back here after. Signed in as a clinic
        admin: into the admin. Anyone else: told this is not for them (a redirect would loop)."""
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("clinic_admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(target, login_url=reverse("account_login"))
        if self.has_permission(request):
            return HttpResponseRedirect(target)
        return render(request, "clinics/admin_refused.html", status=403)

    def password_change(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:  # the stubs promise a TemplateResponse; a redirect is what Django accepts
        """A password changes on Sitbone's account page (its form, rules and two-factor links),
        not on a second form here."""
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        return HttpResponseRedirect(reverse("account_change_password"))


clinic_admin_site = ClinicAdminSite(name="clinic_admin")


class ClinicScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every queryset is cut to the admin's clinic; permissions come from the clinic role.

    Pages that show patients' rows are audited like the workspace: a list writes one read event
    per patient on the page, a row's own page (and its history) one for the row's patient.
    """

    clinic_field = "clinic"
    patient_field: str | None = None
    """How a row reaches its patient ("" for the patient itself); None when rows are not a
    patient's."""

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

    def patient_of(self, row: Model) -> Patient | None:
        if self.patient_field is None:
            return None
        target: Any = row
        for step in filter(None, self.patient_field.split("__")):
            target = getattr(target, step)
        return target if isinstance(target, Patient) else None

    def _audit(self, request: HttpRequest, rows: list[Model], what: str) -> None:
        patients = [p for p in map(self.patient_of, rows) if p is not None]
        if patients:
            actor = cast("User", request.user)  # the site admits clinic admins only
            staff_reads_audit(actor=actor, patients=patients, request=request, what=what)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            self._audit(request, list(changelist.result_list), f"{self.opts.model_name}.admin_list")
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        row = self.get_object(request, unquote(object_id))
        if row is not None:
            self._audit(request, [row], f"{self.opts.model_name}.admin_view")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        row = self.get_object(request, unquote(object_id))
        if row is not None:
            self._audit(request, [row], f"{self.opts.model_name}.admin_history")
        return super().history_view(request, object_id, extra_context)


@admin.register(Patient, site=clinic_admin_site)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ("full_name", "email", "stage", "created_at")
    # No search box: the admin's search is a GET form, so a typed name would travel in the
    # address and into access logs (ASVS 14.2.1). The workspace lists and filters patients.
    exclude = ("thresholds", "screening_answers")
    patient_field = ""


@admin.register(Membership, site=clinic_admin_site)
class MembershipAdmin(ClinicScopedAdmin):
    list_display = ("user", "role", "created_at")


@admin.register(Invitation, site=clinic_admin_site)
class InvitationAdmin(ClinicScopedAdmin):
    list_display = ("email", "kind", "created_at", "expires_at", "accepted_at")
    exclude = ("token_hash",)
    patient_field = "patient"


@admin.register(AuditEvent, site=clinic_admin_site)
class AuditEventAdmin(ClinicScopedAdmin):
    list_display = ("at", "category", "action", "actor_email", "patient", "ip_address")
    list_filter = ("category",)
    patient_field = "patient"
