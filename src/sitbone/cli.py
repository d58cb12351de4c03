"""The `sitbone` command.

sitbone engine <command> [FILE]   the clinical engine, JSON in and out (no database)
sitbone serve                     migrate, seed the demo clinic once, serve with gunicorn
sitbone <django command> ...      any management command (migrate, seed_demo, check, ...)
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def var_dir() -> Path:
    path = Path(os.environ.get("SITBONE_VAR_DIR", Path.cwd() / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def ensure_secret_key() -> None:
    """Local runs keep a generated key in var/ so sessions survive restarts."""
    key_file = var_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)


def ensure_vapid_keys() -> None:
    """Local runs keep a generated VAPID key pair in var/, so web push works without set-up and
    browsers' subscriptions survive restarts."""
    private_file, public_file = var_dir() / "vapid_private_key", var_dir() / "vapid_public_key"
    if private_file.exists() and public_file.exists():
        return
    from sitbone.push.vapid import vapid_key_pair_generate

    private, public = vapid_key_pair_generate()
    with os.fdopen(os.open(private_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(private)
    public_file.write_text(public)


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitbone.config.settings.local")
    if os.environ["DJANGO_SETTINGS_MODULE"].endswith(".local"):
        ensure_secret_key()
        ensure_vapid_keys()
    import django

    django.setup()


def gunicorn_command(bind: str) -> list[str]:
    """The command that serves Sitbone on ``bind`` (`sitbone serve`, `make bench` and the crash
    test all use it): this environment's gunicorn with sitbone.config.gunicorn."""
    return [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "python:sitbone.config.gunicorn",
        "sitbone.config.wsgi:application",
        "--bind",
        bind,
    ]


def serve() -> int:
    from django.core.management import call_command

    django_setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", if_empty=True)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    print(f"Sitbone is serving on http://{host}:{port}  (Ctrl+C to stop)", flush=True)
    command = gunicorn_command(f"{host}:{port}")
    # replaces this process with the production server
    os.execv(command[0], [*command, "--access-logfile", "-"])  # noqa: S606


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    # `sitbone send-reminders` is the `send_reminders` command: every command answers to both.
    if not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if args[0] == "engine":
        from sitbone.engine.cli import main as engine_main

        return int(engine_main(args[1:]))
    if args[0] == "serve":
        return serve()
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sitbone", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
