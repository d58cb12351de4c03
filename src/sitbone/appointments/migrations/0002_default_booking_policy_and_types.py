"""Give every existing clinic a booking policy and the default appointment types.

Clinics created later get them from the post_save hook in sitbone.appointments.signals.
"""

from django.db import migrations

DEFAULT_TYPES = (
    # code, name, minutes, for_newcomers, patient_bookable, is_telehealth
    ("initial_assessment", "Initial assessment", 45, True, False, False),
    ("review", "Review", 30, False, True, False),
    ("telehealth_review", "Telehealth review", 30, False, True, True),
)


def seed_defaults(apps, schema_editor):
    Clinic = apps.get_model("clinics", "Clinic")
    BookingPolicy = apps.get_model("appointments", "BookingPolicy")
    AppointmentType = apps.get_model("appointments", "AppointmentType")
    for clinic in Clinic.objects.all():
        BookingPolicy.objects.get_or_create(clinic=clinic)
        for order, (code, name, minutes, newcomers, patients, telehealth) in enumerate(
            DEFAULT_TYPES
        ):
            AppointmentType.objects.get_or_create(
                clinic=clinic,
                code=code,
                defaults={
                    "name": name,
                    "duration_minutes": minutes,
                    "for_newcomers": newcomers,
                    "patient_bookable": patients,
                    "is_telehealth": telehealth,
                    "order": order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_appointments_availability_booking")]

    operations = [migrations.RunPython(seed_defaults, migrations.RunPython.noop)]
