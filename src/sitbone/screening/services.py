"""Writes for the public symptom check: keeping answers in the session, and self-registration.

Triage always comes from the engine (``sitbone.engine.screening``, clinical-brief §3.2–3.3); this
module only stores what the engine said. Registration re-runs the engine on the answers rather
than trusting the session, and refuses an emergency outright: that person needs an emergency
department, not an exercise app (§3.2, cauda equina syndrome).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone

from sitbone.accounts.models import User
from sitbone.accounts.services import account_create
from sitbone.clinics.models import AuditCategory, Clinic
from sitbone.clinics.services import audit_record
from sitbone.engine.screening import screen
from sitbone.patients.models import Patient
from sitbone.programmes.services import programme_from_prescription
from sitbone.screening.selectors import SESSION_KEY, screening_state


class RegistrationRefused(Exception):
    """Self-registration cannot go ahead; the message says why, in plain words."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def screening_answers_save(*, session: SessionBase, answers: dict[str, bool]) -> dict[str, Any]:
    """Merge a page of answers into the session and store the engine's triage for them."""
    state = screening_state(session)
    state["answers"].update(answers)
    result = screen(state["answers"])
    state["triage"] = result.triage.value
    state["pht_likelihood"] = result.pht_likelihood.value
    session[SESSION_KEY] = state
    return state


def screening_clear(*, session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


@transaction.atomic
def patient_self_register(
    *,
    clinic: Clinic,
    full_name: str,
    email: str,
    password: str,
    affected_side: str,
    answers: dict[str, bool],
    today: dt.date | None = None,
) -> User:
    """Create the person's account and patient record with their symptom-check answers, and a
    first programme from the engine's stage-1 prescription (clinical-brief §5.4: isometric load).
    """
    result = screen(answers)
    if result.triage.value == "emergency":
        raise RegistrationRefused(
            "Your answers need emergency care, so we cannot set up an exercise plan. "
            "Go to an emergency department now."
        )
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise RegistrationRefused(
            "An account already uses this email address. Sign in instead, or reset your password.",
            field="email",
        )
    user = account_create(email=email, password=password, full_name=full_name)
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                clinic=clinic,
                user=user,
                full_name=full_name,
                email=email,
                affected_side=affected_side,
                screening_answers={
                    "answers": dict(answers),
                    "triage": result.triage.value,
                    "pht_likelihood": result.pht_likelihood.value,
                    "taken_on": (today or timezone.localdate()).isoformat(),
                    "source": "self-registration",
                },
            )
    except IntegrityError as error:
        raise RegistrationRefused(
            f"{clinic.name} already has a record with this email address. Use the invitation "
            "link they sent you, or ask them to send a new one.",
            field="email",
        ) from error
    programme_from_prescription(
        actor=None, patient=patient, stage=1, reason="First programme, set up at sign-up"
    )
    audit_record(
        category=AuditCategory.WRITE,
        action="patient.self_register",
        actor=user,
        clinic=clinic,
        patient=patient,
        detail=f"self-registered after symptom check (triage {result.triage.value})",
    )
    return user
