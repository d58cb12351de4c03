"""`sitbone backup PATH`: a consistent, encrypted online backup of the whole database.
`sitbone backup --new-key`: print a fresh key for SITBONE_BACKUP_KEY."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sitbone.interop.backup import BackupError, backup_database, backup_key_generate


class Command(BaseCommand):
    help = (
        "Back up the database to PATH while the app keeps serving (SQLite: online backup API; "
        "PostgreSQL: pg_dump custom format), encrypted with SITBONE_BACKUP_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="File to write; replaced if it exists.")
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Print a new random key for SITBONE_BACKUP_KEY and stop. Keep a copy away from "
            "the backups: without it they cannot be restored.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(backup_key_generate())
            return
        if not options["path"]:
            raise CommandError("Name the file to write: sitbone backup PATH", returncode=2)
        try:
            written = backup_database(Path(options["path"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Encrypted backup written to {written} ({written.stat().st_size} bytes)."
        )
