"""`sitbone backup PATH`: a consistent online backup of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitbone.interop.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Back up the database to PATH while the app keeps serving "
        "(SQLite: online backup API; PostgreSQL: pg_dump custom format)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="File to write; replaced if it exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = backup_database(Path(options["path"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written to {written} ({written.stat().st_size} bytes).")
