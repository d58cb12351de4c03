"""Writes for the public symptom check: keeping answers in the session, and self-registration.

Triage always comes from the engine (``sitbone.engine.screening``, clinical-brief §3.2–3.3); this
module only stores what the engine said. Registration re-runs the engine on the answers rather
than trusting the session, and refuses an emergency outright: that person needs an emergency
department, not an exercise app (§3.2, cauda equina syndrome).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sitbone.accounts.models import User
from sitbone.accounts.services import account_create
from sitbone.api import ratelimit
from sitbone.clinics.models import Clinic
from sitbone.clinics.services import patient_write_audit
from sitbone.engine.screening import screen
from sitbone.patients.models import AWAITING_CONFIRMATION, Patient
from sitbone.programmes.services import programme_from_prescription
from sitbone.screening.selectors import SESSION_KEY, screening_state
from sitbone.web.mail import mail_sent


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


CONFIRM_SALT = "sitbone.screening.confirm"
CONFIRM_DAYS = 3
"""A sign-up confirmation link works for three days."""
RESEND_RATE = "3/3600"
"""The sign-up email may be sent again three times an hour per address, whoever asks."""


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
) -> User | None:
    """Create the person's account (inactive until they confirm their address) and patient
    record with their symptom-check answers, and a first programme from the engine's stage-1
    prescription (clinical-brief §5.4: isometric load). Returns the new user, or None when the
    address is already known here (nothing is changed then).

    Whether an address has an account is never shown on the page: the answer is the same "check
    your email" either way, and only the mailbox's owner learns which it was (ASVS 6.3.8), from
    the email `registration_email_send` sends after the commit. A known address costs the same
    password hashing a new account does, so the timing does not tell either.
    """
    result = screen(answers)
    if result.triage.value == "emergency":
        raise RegistrationRefused(
            "Your answers need emergency care, so we cannot set up an exercise plan. "
            "Go to an emergency department now."
        )
    email = email.strip().lower()
    if _address_known(clinic, email):
        make_password(password)  # the work a new account costs
        return None
    user = account_create(email=email, password=password, full_name=full_name)
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
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
    programme_from_prescription(
        actor=None, patient=patient, stage=1, reason="First programme, set up at sign-up"
    )
    patient_write_audit(
        user,
        patient,
        "patient.self_register",
        f"self-registered after symptom check (triage {result.triage.value})",
    )
    return user


def _address_known(clinic: Clinic, email: str) -> bool:
    """An account has the address, or a patient record of ``clinic`` does (an invitation)."""
    return (
        User.objects.filter(email=email).exists()
        or Patient.objects.filter(clinic=clinic, email=email).exists()
    )


def confirmation_token(user: User) -> str:
    return signing.dumps(str(user.public_id), salt=CONFIRM_SALT)


def _confirmation_send(
    patient: Patient, absolute: Callable[[str], str], *, actor: User | None = None
) -> bool:
    """Email a fresh confirmation link to the account of ``patient`` (a record matching
    `AWAITING_CONFIRMATION`), and audit it on the record: staff (``actor``) sending it again,
    or the person's own sign-up or request. Each link sent restarts the days an unconfirmed
    sign-up is kept (`privacy.selectors.unconfirmed_sign_ups_due`)."""
    user, clinic = patient.user, patient.clinic
    if user is None:  # not a sign-up: it joined, or will join, by invitation
        raise NotAwaitingConfirmation
    link = absolute(reverse("screening:confirm", args=[confirmation_token(user)]))
    sent = mail_sent(
        to=user.email,
        subject="[Sitbone] Confirm your email to finish signing up",
        message=(
            f"Hello {user.full_name},\n\n"
            f"You created a Sitbone account with {clinic.name}. Open this link to "
            f"confirm this is your email address and start your exercise plan (it works "
            f"for {CONFIRM_DAYS} days):\n\n{link}\n\n"
            "Confirming signs you in. After that, sign in with the password you chose when "
            "you first signed up; if you have forgotten it, reset it from the sign-in "
            "page.\n\n"
            "A sign-up that is not confirmed is deleted, with the details you gave, "
            f"{settings.SITBONE_UNCONFIRMED_SIGN_UP_DAYS} days after the last link was sent."
            "\n\n"
            "If this was not you, ignore this email: nothing happens without the link.\n"
        ),
        what="sign-up confirmation link",
    )
    patient_write_audit(
        actor,
        patient,
        "patient.confirmation_resend" if actor is not None else "patient.confirmation_link",
        "sign-up link sent" if sent else "sign-up link could not be sent",
    )
    return sent


def registration_email_send(*, email: str, clinic: Clinic, absolute: Callable[[str], str]) -> bool:
    """After a sign-up (or when the person asks again): email ``email`` what it needs. False
    when the mail server could not take it.

    An account waiting for its confirmation gets a fresh link (``absolute`` makes a path a full
    address, e.g. ``request.build_absolute_uri``), so a lost or late email, or a link past its
    three days, never leaves the address stuck. Any other known address is told how to sign in.
    The person who asked sees the same page either way.
    """
    email = email.strip().lower()
    waiting = (
        Patient.objects.select_related("clinic", "user")
        .filter(AWAITING_CONFIRMATION, user__email=email)
        .first()
    )
    if waiting is not None:
        return _confirmation_send(waiting, absolute)
    if not _address_known(clinic, email):
        return True  # nobody to tell: the sign-up it followed was refused
    return mail_sent(
        to=email,
        subject="[Sitbone] You already have an account",
        message=(
            f"Someone, probably you, tried to sign up to Sitbone with {clinic.name} using this "
            "email address. It is already known here, so no new account was made.\n\n"
            "Sign in with your password, or reset it from the sign-in page if you have "
            "forgotten it. If the clinic sent you an invitation, use its link to set up your "
            "account.\n\nIf this was not you, ignore this email: nothing has changed.\n"
        ),
        what="sign-up notice to a known address",
    )


class NotAwaitingConfirmation(Exception):
    """The patient's account is confirmed already, or they have none (they joined by
    invitation): there is no sign-up link to send."""


class ResendTooSoon(Exception):
    """The sign-up email was sent again `RESEND_RATE` times already; `minutes` to wait."""

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(wait_seconds)
        self.minutes = ratelimit.minutes(wait_seconds)


def resend_count(email: str) -> None:
    """Count one request to send the sign-up email to ``email`` again (the person and their
    clinic share the count); raises ResendTooSoon when over the limit."""
    wait = ratelimit.hit(f"register-resend:{email.strip().lower()}", RESEND_RATE)
    if wait is not None:
        raise ResendTooSoon(wait)


def registration_link_resend(
    *, actor: User, patient: Patient, absolute: Callable[[str], str]
) -> bool:
    """Staff send a person whose sign-up is not confirmed a fresh link (say they rang: the email
    never came). Counted against the same hourly limit as the person's own requests, and
    audited on the patient. False when the mail server could not take it."""
    waiting = (
        Patient.objects.select_related("clinic", "user")
        .filter(AWAITING_CONFIRMATION, pk=patient.pk)
        .first()
    )
    if waiting is None or waiting.user is None:
        raise NotAwaitingConfirmation
    resend_count(waiting.user.email)
    return _confirmation_send(waiting, absolute, actor=actor)


class ConfirmationInvalid(Exception):
    """The link is broken, expired, or its account is gone."""


@transaction.atomic
def registration_confirm(*, token: str) -> tuple[User, bool]:
    """Activate the account a confirmation link names: (user, newly confirmed). A link used
    before answers with the account as it is, so a second click is harmless."""
    try:
        public_id = signing.loads(token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=CONFIRM_DAYS))
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise ConfirmationInvalid from error
    user = User.objects.select_for_update().filter(public_id=public_id).first()
    patient = Patient.objects.filter(user=user).first() if user is not None else None
    if user is None or patient is None:
        raise ConfirmationInvalid
    if user.is_active:
        return user, False
    user.is_active = True
    user.save(update_fields=["is_active"])
    patient_write_audit(
        user,
        patient,
        "patient.self_register_confirm",
        "email address confirmed after self-registration",
    )
    return user, True
