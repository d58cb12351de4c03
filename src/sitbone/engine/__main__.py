"""``python -m sitbone.engine <command> [FILE]``: see :mod:`sitbone.engine.cli`."""

from sitbone.engine.cli import main

raise SystemExit(main())
