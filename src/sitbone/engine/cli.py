"""``engine <command> [FILE]``: one JSON document in (a file, or stdin when FILE is absent or
"-"), one JSON document out.

Exit 0 with the result on stdout; exit 2 with ``{"error": ..., "field": ...}`` on stdout for
invalid JSON, invalid input or an unknown command, and nothing partial. The Django-side
``sitbone engine`` command and ``python -m sitbone.engine`` both call :func:`main`.
Numbers are parsed exactly (``parse_float=Decimal``); NaN, Infinity and repeated keys are refused.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any, TextIO

from sitbone.engine.commands import COMMANDS, handler_for, run
from sitbone.engine.errors import EngineInputError

USAGE = f"""usage: engine <command> [FILE]

Reads one JSON document (or an array of them) from FILE, or from standard input when FILE is
missing or "-", and writes one JSON document to standard output.

commands: {", ".join(COMMANDS)}
exit status: 0 success, 2 invalid input ({{"error": ..., "field": ...}} on standard output)
"""

EXIT_OK, EXIT_INVALID = 0, 2


def main(
    argv: list[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = sys.stdout if stdout is None else stdout
    if args and args[0] in {"-h", "--help", "help"}:
        out.write(USAGE)
        return EXIT_OK
    try:
        command, text = _read_input(args, sys.stdin if stdin is None else stdin)
        result = run(command, _parse_json(text))
    except EngineInputError as error:
        _write(out, error.to_dict())
        (sys.stderr if stderr is None else stderr).write(f"engine: {error.message}\n")
        return EXIT_INVALID
    _write(out, result)
    return EXIT_OK


def _read_input(args: list[str], stdin: TextIO) -> tuple[str, str]:
    if not args:
        raise EngineInputError(f"give a command: {', '.join(COMMANDS)}", "command")
    if len(args) > len(("command", "FILE")):
        raise EngineInputError("give one command and at most one FILE", "FILE")
    handler_for(args[0])
    if len(args) == 1 or args[1] == "-":
        return args[0], stdin.read()
    try:
        with open(args[1], encoding="utf-8") as file:
            return args[0], file.read()
    except OSError as error:
        raise EngineInputError(f"cannot read {args[1]}: {error.strerror}", "FILE") from None
    except UnicodeDecodeError:
        raise EngineInputError(f"{args[1]} is not UTF-8 text", "FILE") from None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_refuse_repeated_keys,
        )
    except json.JSONDecodeError as error:
        raise EngineInputError(
            f"the input is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            None,
        ) from None


def _refuse_constant(name: str) -> Any:
    raise EngineInputError(f"{name} is not a number JSON allows", None)


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise EngineInputError(f'the key "{key}" appears twice in one object', key)
        data[key] = value
    return data


def _write(out: TextIO, document: object) -> None:
    out.write(json.dumps(document, ensure_ascii=False) + "\n")
