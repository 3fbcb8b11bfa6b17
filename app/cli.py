"""`fieldfolio` on the command line: what an admin or support person would script.

Every subcommand goes through the same `app/` operations as the window. Exit codes:
0 done, 1 the operation failed (message on stderr), 2 bad usage. Features register their
own subcommands by adding a module to COMMAND_MODULES with `register(subparsers)`.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys

from app.db.errors import StorageError
from app.db.store import Store
from app.caseload.validation import InvalidInput

# Modules exposing register(subparsers); each adds parsers with set_defaults(run=fn),
# where fn(store, args) -> int.
COMMAND_MODULES = ["app.caseload.commands", "app.signing.commands", "app.claims.commands"]
OPTIONAL_COMMAND_MODULES = ["app.catalogue.commands", "app.about"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldfolio",
        description="Fieldfolio: offline evidence, signatures and claim forms for assessors. "
                    "With no command, `fieldfolio` opens the window; the command line on its "
                    "own (`fieldfolio-cli`, `python -m app`) shows this help.")
    from app import __version__
    parser.add_argument("--version", action="version", version=f"Fieldfolio {__version__}")
    parser.add_argument("--data-dir", help="folder holding the database and attachments "
                        "(default: FIELDFOLIO_DATA_DIR, else the user's data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES + OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if name in OPTIONAL_COMMAND_MODULES and exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    if not getattr(args, "needs_store", True):  # e.g. `about`: creates no data folder
        return args.run(None, args) or 0
    try:
        with Store(args.data_dir) as store:
            return args.run(store, args) or 0
    except StorageError as exc:
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 1
    except InvalidInput as exc:
        for fieldname, message in exc.problems.items():
            print(f"fieldfolio: {fieldname}: {message}", file=sys.stderr)
        return 1


def print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
