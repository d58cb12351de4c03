from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sitbone.clinics.access import own_patient_record, staff_context


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the header needs to show the right links for the person signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": "anonymous"}
    staff = staff_context(user)
    if staff is not None:
        return {"nav_role": "admin" if staff.is_admin else "clinician", "nav_clinic": staff.clinic}
    patient = own_patient_record(user)
    if patient is not None:
        return {"nav_role": "patient", "nav_clinic": patient.clinic}
    return {"nav_role": "none"}
