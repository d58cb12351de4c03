"""Every clinic gets a booking policy and the default appointment types when it is created.

A data migration did the same for the clinics that existed before this app.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from sitbone.clinics.models import Clinic


@receiver(post_save, sender=Clinic, dispatch_uid="appointments_clinic_defaults")
def clinic_booking_defaults(
    sender: Any, instance: Clinic, created: bool, raw: bool, **_: Any
) -> None:
    if created and not raw:
        from sitbone.appointments.services import booking_defaults_ensure

        booking_defaults_ensure(clinic=instance)
