from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create the demo clinic (refused under production settings); prints the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo clinic already exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SITBONE_DEMO_ALLOWED:
            raise CommandError("Demo data is refused under production settings.")
        from sitbone.demo.seed import demo_logins, seed_demo_clinic

        created = seed_demo_clinic(only_if_missing=options["if_empty"])
        self.stdout.write("Demo clinic created." if created else "Demo clinic already present.")
        self.stdout.write(demo_logins())
