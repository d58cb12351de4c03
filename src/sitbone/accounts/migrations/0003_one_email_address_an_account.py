"""Remove every email address that is not an account's own (its primary one).

Until ACCOUNT_MAX_EMAIL_ADDRESSES was 1, a signed-in person could add further addresses, and
sign-in and password resets accept any of an account's addresses: one added by someone else
from an open session would let them take the account over. The account's own address stays.
"""

from django.db import migrations


def remove_added_addresses(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.filter(primary=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_session_epoch"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(remove_added_addresses, migrations.RunPython.noop)]
