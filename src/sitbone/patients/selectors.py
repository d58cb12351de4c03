"""Reads of patient data. Each takes the acting user and scopes through the access module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from sitbone.clinics.access import caseload_for
from sitbone.diary.models import MorningCheck, SessionLog
from sitbone.patients.models import Patient
from sitbone.programmes.models import Decision

if TYPE_CHECKING:
    from sitbone.accounts.models import User


def patient_caseload(*, actor: User) -> QuerySet[Patient]:
    """The actor's caseload with the facts a list row shows, in a fixed number of queries."""
    latest_decision = Decision.objects.filter(patient=OuterRef("pk")).order_by("-made_on", "-id")
    latest_session = SessionLog.objects.filter(patient=OuterRef("pk")).order_by("-performed_on")
    latest_morning = MorningCheck.objects.filter(patient=OuterRef("pk")).order_by("-checked_on")
    return (
        caseload_for(actor)
        .annotate(
            latest_zone=Subquery(latest_decision.values("zone")[:1]),
            latest_action=Subquery(latest_decision.values("action")[:1]),
            last_session_on=Subquery(latest_session.values("performed_on")[:1]),
            last_morning_pain=Subquery(latest_morning.values("pain")[:1]),
            pending_approvals=Count(
                "decisions", filter=Q(decisions__approval="pending"), distinct=True
            ),
        )
        .order_by("full_name")
    )


def audit_events_for_patient(*, patient: Patient, limit: int = 200) -> list[Any]:
    from sitbone.clinics.models import AuditEvent

    return list(
        AuditEvent.objects.filter(patient=patient, category="read").order_by("-at", "-id")[:limit]
    )
