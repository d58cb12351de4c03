"""Reads of clinic data, scoped to the acting staff member's clinic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from sitbone.clinics.access import require_staff
from sitbone.clinics.models import Invitation, Membership

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def staff_members(*, actor: User) -> QuerySet[Membership]:
    staff = require_staff(actor, admin=True)
    return (
        Membership.objects.filter(clinic=staff.clinic)
        .select_related("user")
        .order_by("user__full_name")
    )


def invitations_open(*, actor: User) -> QuerySet[Invitation]:
    staff = require_staff(actor, admin=True)
    return Invitation.objects.filter(
        clinic=staff.clinic, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).exclude(kind="patient")
