"""Rows the privacy tests (and the access matrix) need, and small helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.conftest import World


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def care_team_only(clinic: Any, *, on: bool = True, hours: int = 4) -> Any:
    """Switch the clinic's care-team rule (and set how long an emergency access lasts)."""
    from sitbone.privacy.models import PrivacySettings

    settings, _ = PrivacySettings.objects.get_or_create(clinic=clinic)
    settings.care_team_only = on
    settings.emergency_access_hours = hours
    settings.save()
    return settings


def breach_facts(**changes: Any) -> Any:
    from sitbone.privacy.services import BreachFacts

    values: dict[str, Any] = {
        "status": "suspected",
        "discovered_at": timezone.now() - dt.timedelta(hours=2),
        "description": "A laptop with exported reports was left on a train.",
        "data_involved": "Names and progress reports",
        "affected_count": None,
        "affected_patients": (),
        "harm_risk": "not_assessed",
        "risk_assessment": "",
        "notifiable": "undecided",
        "schemes": (),
        "regulator_notified_at": None,
        "individuals_notified_at": None,
        "actions": "",
    }
    values.update(changes)
    return BreachFacts(**values)


def breach_in(world: World, **changes: Any) -> Any:
    from sitbone.privacy.services import breach_record

    return breach_record(actor=world.admin, clinic=world.clinic, facts=breach_facts(**changes))


def emergency_access_for(world: World, *, expired: bool = False) -> Any:
    """An emergency access of the unassigned clinician to `world.patient`."""
    from sitbone.privacy.models import EmergencyAccess

    now = timezone.now()
    return EmergencyAccess.objects.create(
        clinic=world.clinic,
        patient=world.patient,
        actor=world.unassigned_clinician,
        actor_email=world.unassigned_clinician.email,
        reason="Covering for a colleague who is off sick today",
        opened_at=now - dt.timedelta(hours=5 if expired else 0),
        expires_at=now + dt.timedelta(hours=-1 if expired else 4),
    )


def privacy_matrix_params(world: World) -> dict[str, str]:
    """Ids of a breach and an (ended) emergency access of the world's clinic."""
    return {
        "breach_id": str(breach_in(world).public_id),
        "access_id": str(emergency_access_for(world, expired=True).public_id),
    }
