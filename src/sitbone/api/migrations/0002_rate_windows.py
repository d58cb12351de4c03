"""Rate-limit counts and the shared cache move out of each server process into the database, so
that every gunicorn worker counts against, and remembers, the same things."""

from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations, models

CACHE_TABLE = "sitbone_cache"
"""`settings.CACHES["default"]["LOCATION"]` (a migration keeps its own copy)."""


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps: Any, schema_editor: Any) -> None:
    table = schema_editor.quote_name(CACHE_TABLE)
    schema_editor.execute(schema_editor.sql_delete_table % {"table": table})


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_tokens_and_idempotency"),
    ]

    operations = [
        migrations.CreateModel(
            name="RateWindow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bucket", models.CharField(max_length=64)),
                ("starts_at", models.BigIntegerField()),
                ("ends_at", models.BigIntegerField(db_index=True)),
                ("hits", models.PositiveIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("bucket", "starts_at"), name="rate_window_once"
                    )
                ],
            },
        ),
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
