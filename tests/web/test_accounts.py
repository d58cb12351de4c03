"""Sign-in, lockout, invitations, password reset, timeouts and the staff two-factor rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from sitbone.clinics.models import AuditEvent, Invitation, Membership
from sitbone.clinics.services import invitation_create
from sitbone.patients.models import Patient
from tests.conftest import PASSWORD, World
from tests.mail import MAIL_SERVER_DOWN

NEW_PATIENT = {
    "full_name": "Nina New",
    "email": "nina@new.test",
    "affected_side": "left",
    "activities": "running",
    "goals": "Sit through a film",
    "irritability": "moderate",
}
"""The add-a-patient form, filled in."""


def sign_in(client: Client, email: str, password: str, **extra: str) -> int:
    response = client.post("/accounts/login/", {"login": email, "password": password}, **extra)
    return response.status_code


def test_a_patient_signs_in_with_email_and_lands_on_their_own_page(world: World) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "PAT@harbour.test", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/me/"
    assert b"Hello Pat" in response.content


def test_a_clinician_lands_on_the_patient_list(world: World) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": world.clinician.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/clinic/"
    assert b"Pat Patient" in response.content


def test_the_sixth_wrong_password_locks_the_account_with_a_clear_message(world: World) -> None:
    client = Client()
    for _ in range(5):
        assert sign_in(client, world.patient_user.email, "wrong password!") == 200
    response = client.post(
        "/accounts/login/", {"login": world.patient_user.email, "password": "wrong password!"}
    )
    assert response.status_code == 429
    assert b"paused sign-in for this account" in response.content
    assert int(response["Retry-After"]) > 0
    # Even the right password is refused while locked.
    locked = client.post(
        "/accounts/login/", {"login": world.patient_user.email, "password": PASSWORD}
    )
    assert locked.status_code == 429


def test_lockout_is_per_address_so_nobody_can_lock_a_patient_out_from_elsewhere(
    world: World,
) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        attacker.post(
            "/accounts/login/", {"login": world.patient_user.email, "password": "wrong password!"}
        )
    patient = Client(REMOTE_ADDR="198.51.100.7")
    response = patient.post(
        "/accounts/login/", {"login": world.patient_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_passwords_are_hashed_with_argon2id_at_the_owasp_profile(db: None) -> None:
    from sitbone.accounts.hashers import OwaspArgon2Hasher

    encoded = OwaspArgon2Hasher().encode("a long enough passphrase", OwaspArgon2Hasher().salt())
    assert encoded.startswith("argon2$argon2id$")
    assert "m=19456,t=2,p=1" in encoded


def test_sign_in_and_failed_sign_in_are_audited_without_the_typed_email(world: World) -> None:
    client = Client()
    sign_in(client, world.patient_user.email, "wrong password!")
    sign_in(client, world.patient_user.email, PASSWORD)
    actions = list(AuditEvent.objects.values_list("action", "detail"))
    assert ("sign_in.failed", "") in actions
    assert any(action == "sign_in" for action, _ in actions)


def test_sign_out_ends_the_session_on_the_server(world: World) -> None:
    client = Client()
    client.force_login(world.patient_user)
    old_cookie = client.cookies["sessionid"].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get("/me/").status_code == 302


def test_patient_pages_are_never_cached(world: World) -> None:
    client = Client()
    client.force_login(world.patient_user)
    assert client.get("/me/")["Cache-Control"] == "no-store"


def test_staff_are_signed_out_after_fifteen_idle_minutes(world: World) -> None:
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, world.clinician.email, PASSWORD)
        assert client.get("/clinic/").status_code == 200
        traveller.shift(timedelta(minutes=14))
        assert client.get("/clinic/").status_code == 200
        traveller.shift(timedelta(minutes=16))
        response = client.get("/clinic/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_patients_get_thirty_idle_minutes(world: World) -> None:
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, world.patient_user.email, PASSWORD)
        traveller.shift(timedelta(minutes=25))
        assert client.get("/me/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get("/me/").status_code == 302


def test_password_reset_sends_one_email_and_says_the_same_for_unknown_addresses(
    world: World,
) -> None:
    known = Client().post("/accounts/password/reset/", {"email": world.patient_user.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    recipients = [m.to for m in mail.outbox]
    assert [world.patient_user.email] in recipients
    unknown_mail = next(m for m in mail.outbox if m.to == ["nobody@nowhere.test"])
    assert "No Sitbone account uses this address" in unknown_mail.body
    assert "/accounts/signup/" not in unknown_mail.body


def test_a_password_reset_whose_email_cannot_be_sent_says_so_alike_for_every_address(
    world: World, settings: Any, caplog: Any
) -> None:
    """With the mail server down the reset page is shown again with what went wrong (503)
    instead of a server error, in the same words whether or not the address has an account,
    and the password is unchanged."""
    settings.MAILERS = MAIL_SERVER_DOWN
    known = Client().post("/accounts/password/reset/", {"email": world.patient_user.email})
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.test"})
    assert known.status_code == unknown.status_code == 503
    for page in (known, unknown):
        text = page.content.decode()
        assert "We could not send the email just now" in text
        assert 'name="email"' in text
    assert "Could not send account/email/password_reset_key" in caplog.text
    assert "Could not send account/email/unknown_account" in caplog.text
    world.patient_user.refresh_from_db()
    assert world.patient_user.check_password(PASSWORD)

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    again = Client().post("/accounts/password/reset/", {"email": world.patient_user.email})
    assert again.status_code == 302
    assert [world.patient_user.email] in [m.to for m in mail.outbox]


def test_a_clinician_invites_a_patient_who_creates_an_account_once(world: World) -> None:
    staff = Client()
    staff.force_login(world.clinician)
    response = staff.post(
        "/clinic/patients/new/",
        {**NEW_PATIENT, "full_name": "Nina  New", "email": "Nina@New.test"},
    )
    assert response.status_code == 302
    patient = Patient.objects.get(email="nina@new.test")
    assert patient.full_name == "Nina New"
    assert list(patient.assigned_clinicians.all()) == [world.clinician]
    assert len(mail.outbox) == 1
    link = next(w for w in mail.outbox[0].body.split() if "/accounts/invite/" in w)
    path = link.split("testserver", 1)[1]

    newcomer = Client()
    page = newcomer.post(
        path,
        {
            "full_name": "Nina New",
            "password1": "a calm walk by the sea",
            "password2": "a calm walk by the sea",
            "consent": "on",
        },
        follow=True,
    )
    assert page.redirect_chain[-1][0] == "/me/"
    patient.refresh_from_db()
    assert patient.user is not None and patient.user.email == "nina@new.test"
    assert Client().get(path).status_code == 404  # single use


def test_an_expired_invitation_cannot_be_used(world: World) -> None:
    invitation, token = invitation_create(
        actor=world.admin,
        clinic=world.clinic,
        email="late@x.test",
        full_name="Late",
        kind="clinician",
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = Client().get(f"/accounts/invite/{token}/")
    assert response.status_code == 404
    assert b"cannot be used" in response.content


def test_a_clinic_admin_invites_staff_who_join_that_clinic(world: World) -> None:
    admin = Client()
    admin.force_login(world.admin)
    assert (
        admin.post(
            "/clinic/staff/",
            {"full_name": "Sol Staff", "email": "sol@harbour.test", "role": "clinician"},
        ).status_code
        == 302
    )
    link = next(w for w in mail.outbox[0].body.split() if "/accounts/invite/" in w)
    Client().post(
        link.split("testserver", 1)[1],
        {
            "full_name": "Sol Staff",
            "password1": "tidal pools at dawn",
            "password2": "tidal pools at dawn",
        },
    )
    membership = Membership.objects.get(user__email="sol@harbour.test")
    assert (membership.clinic, membership.role) == (world.clinic, "clinician")


def test_an_invitation_that_cannot_be_emailed_still_stands_and_staff_get_its_link(
    world: World, settings: Any
) -> None:
    """The mail server being down is no reason to lose the patient just entered: the record and
    the invitation are kept, and the page gives staff the link to pass on another way."""
    settings.MAILERS = MAIL_SERVER_DOWN
    staff = Client()
    staff.force_login(world.clinician)
    admin = Client()
    admin.force_login(world.admin)

    added = staff.post(
        "/clinic/patients/new/",
        NEW_PATIENT,
        follow=True,
    )
    invited = admin.post(
        "/clinic/staff/",
        {"full_name": "Sol Staff", "email": "sol@harbour.test", "role": "clinician"},
        follow=True,
    )

    for page, who in ((added, "nina@new.test"), (invited, "sol@harbour.test")):
        assert page.status_code == 200
        text = page.content.decode()
        assert "the invitation email could not be sent just now" in text
        link = text.split("Give them this link another way (it works once): ", 1)[1].split("<")[0]
        assert "/accounts/invite/" in link
        assert Invitation.objects.filter(email=who, accepted_at=None).count() == 1
        assert Client().get(link.split("testserver", 1)[1]).status_code == 200  # the link works
    assert Patient.objects.filter(email="nina@new.test").exists()


def test_weak_or_mismatched_passwords_are_refused_with_a_message(world: World) -> None:
    _, token = invitation_create(
        actor=world.admin, clinic=world.clinic, email="w@x.test", full_name="W", kind="clinician"
    )
    response = Client().post(
        f"/accounts/invite/{token}/",
        {"full_name": "W", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    mismatch = Client().post(
        f"/accounts/invite/{token}/",
        {
            "full_name": "W",
            "password1": "a calm walk by the sea",
            "password2": "a calm walk by the lake",
        },
    )
    assert b"do not match" in mismatch.content
    assert not Membership.objects.filter(user__email="w@x.test").exists()


def test_when_the_clinic_requires_it_staff_must_set_up_two_factor_first(world: World) -> None:
    world.clinic.require_staff_mfa = True
    world.clinic.save()
    client = Client()
    client.force_login(world.clinician)
    response = client.get(f"/clinic/patients/{world.patient.public_id}/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    setup = client.get("/accounts/2fa/totp/activate/")
    # allauth asks for the password again before adding an authenticator; no redirect loop.
    assert setup.status_code == 200 or "reauthenticate" in setup["Location"]
    # Patients are not affected by the staff rule.
    patient = Client()
    patient.force_login(world.patient_user)
    assert patient.get("/me/").status_code == 200
