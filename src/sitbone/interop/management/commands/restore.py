"""`sitbone restore PATH`: bring an encrypted backup back (SITBONE_BACKUP_KEY must be the key it
was made with). Stop the app first."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitbone.interop.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `sitbone backup`. Stop the app first: "
        "it must not be serving while its database is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A file written by `sitbone backup`.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask; replace the database at once."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Pass --yes to restore without a terminal to confirm on.")
            answer = input("This replaces ALL data in the database. Type 'restore' to go on: ")
            if answer.strip() != "restore":
                raise CommandError("Nothing was changed.")
        try:
            restore_database(Path(options["path"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the database from {options['path']}.")
