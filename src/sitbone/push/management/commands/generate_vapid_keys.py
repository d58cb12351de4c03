"""`sitbone generate_vapid_keys`: a new VAPID key pair, printed as environment lines for
production. Changing the pair later ends every existing subscription (browsers subscribed with
the old public key), so generate it once per deployment."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sitbone.push.vapid import vapid_key_pair_generate


class Command(BaseCommand):
    help = "Print a new VAPID key pair as SITBONE_VAPID_* environment lines."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        private, public = vapid_key_pair_generate()
        self.stdout.write(f"SITBONE_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"SITBONE_VAPID_PUBLIC_KEY={public}")
        self.stdout.write("SITBONE_VAPID_SUBJECT=mailto:")
