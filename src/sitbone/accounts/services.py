"""Writes for accounts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from sitbone.accounts.models import User
from sitbone.clinics.access import own_clinic, own_patient_record
from sitbone.clinics.models import AuditCategory
from sitbone.clinics.services import audit_record
from sitbone.patients.models import Patient
from sitbone.web.mail import mail_sent


def account_create(*, email: str, password: str | None, full_name: str) -> User:
    """Create a person's account. The address counts as verified: it received the invitation link
    (or the clinic entered it), and two-factor set-up requires a verified address."""
    user = User.objects.create_user(email, password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sessions_end_everywhere(*, user: User) -> None:
    """Sign the person out on every device: each session signed in before now stops matching
    the user's session hash at its next request (the current one is flushed by the caller)."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)


# --- Changing the sign-in address ------------------------------------------------------------

EMAIL_CHANGE_HOURS = 24
"""How long the link sent to a new address works."""
_EMAIL_CHANGE_SALT = "sitbone.accounts.email-change"


class EmailChangeRefused(Exception):
    """The link cannot change the address; the message says why and what to do."""


def _account_state(user: User) -> str:
    """Changes when the address or the password does, so a link works once and no longer after
    either has changed."""
    return salted_hmac(
        _EMAIL_CHANGE_SALT, f"{user.email}\n{user.password}", algorithm="sha256"
    ).hexdigest()[:32]


def _address_taken(email: str, *, user: User) -> bool:
    return (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )


def email_change_request(*, user: User, new_email: str, confirm_url: str) -> None:
    """Send a link to the new address; nothing changes until this person opens it signed in.

    The password was checked by the form. A message that cannot be sent is EmailChangeRefused.
    The message names neither the person nor their old address, since a mistyped address is a
    stranger's. If another account already signs in with the address, the address is told so
    instead and gets no link; the person asking sees the same answer either way, so the page
    does not reveal which addresses have accounts.
    """
    if _address_taken(new_email, user=user):
        subject = "[Sitbone] Your address was offered for another account"
        message = (
            "Someone signed in to Sitbone asked to move their sign-in to this address.\n"
            "This address already has a Sitbone account, so nothing was changed.\n\n"
            "If it was you, sign in with this address instead. If not, you need do nothing.\n"
        )
    else:
        token = signing.dumps(
            {"user": str(user.public_id), "email": new_email, "state": _account_state(user)},
            salt=_EMAIL_CHANGE_SALT,
        )
        subject = "[Sitbone] Confirm your new sign-in address"
        message = (
            "Hello,\n\n"
            "You asked to sign in to Sitbone with this address from now on.\n"
            f"Open this link within {EMAIL_CHANGE_HOURS} hours, signed in, to confirm:\n\n"
            f"{confirm_url}?{urlencode({'confirm': token})}\n\n"
            "If you did not ask for this, ignore this message: nothing changes.\n"
        )
    if not mail_sent(to=new_email, subject=subject, message=message, what="an address change"):
        raise EmailChangeRefused(
            "The link could not be sent just now. Nothing has changed; try again in a few minutes."
        )


def email_change_target(*, user: User, token: str) -> str:
    """The new address a link asks for, or EmailChangeRefused."""
    try:
        claim = signing.loads(token, salt=_EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_HOURS * 3600)
    except signing.SignatureExpired:
        raise EmailChangeRefused(
            f"This link is more than {EMAIL_CHANGE_HOURS} hours old. Ask for a new one below."
        ) from None
    except signing.BadSignature:
        raise EmailChangeRefused(
            "This link is not complete. Copy the whole link from the email."
        ) from None
    if not isinstance(claim, dict) or claim.get("user") != str(user.public_id):
        raise EmailChangeRefused(
            "This link was sent for another account. Sign out, and open it signed in as the "
            "person who asked for it."
        )
    if claim.get("state") != _account_state(user):
        raise EmailChangeRefused(
            "This link was used already, or your address or password has changed since it was "
            "sent. Ask for a new one below if you still need it."
        )
    return str(claim["email"])


@dataclass(frozen=True)
class EmailChanged:
    new_email: str
    old_address_told: bool


def email_change_confirm(*, user: User, token: str, request: HttpRequest) -> EmailChanged:
    """Move the person's sign-in (and their patient record's address) to the address the link
    was sent to, then tell the old address."""
    new_email = email_change_target(user=user, token=token)
    old_email = user.email
    patient = own_patient_record(user)
    if (
        patient is not None
        and Patient.objects.filter(clinic_id=patient.clinic_id, email__iexact=new_email)
        .exclude(pk=patient.pk)
        .exists()
    ):
        raise EmailChangeRefused(
            f"Your clinic has {new_email} on another patient's record, so your address was not "
            "changed. Ask your clinic to check that record, then ask for a new link."
        )
    try:
        with transaction.atomic():
            if _address_taken(new_email, user=user):
                raise IntegrityError(new_email)
            user.email = new_email
            user.save(update_fields=["email"])
            EmailAddress.objects.filter(user=user).exclude(primary=True).delete()
            EmailAddress.objects.update_or_create(
                user=user, primary=True, defaults={"email": new_email, "verified": True}
            )
            if patient is not None:
                patient.email = new_email
                patient.save(update_fields=["email"])
            audit_record(
                category=AuditCategory.AUTH,
                action="account.email_change",
                actor=user,
                clinic=own_clinic(user),
                patient=patient,
                request=request,
                detail="sign-in address changed",
            )
    except IntegrityError:
        user.email = old_email  # as the database still has it
        raise EmailChangeRefused(
            f"{new_email} is in use by another account now, so your address was not changed."
        ) from None
    told = mail_sent(  # the change is made and stays made, told or not
        to=old_email,
        subject="[Sitbone] Your sign-in address was changed",
        message=(
            f"Hello {user.full_name or 'there'},\n\n"
            f"Your Sitbone account now signs in with {new_email}; this address ({old_email}) "
            "no longer does, and Sitbone's messages go to the new one.\n\n"
            "If you did not do this, contact your clinic straight away.\n"
        ),
        what="the notice of a sign-in address change to the old address",
    )
    return EmailChanged(new_email, old_address_told=told)
