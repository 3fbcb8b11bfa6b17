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
COMMAND_MODULES = ["app.caseload.commands", "app.signing.commands", "app.claims.commands",
                   "app.sync.commands", "app.sync_file.commands"]
OPTIONAL_COMMAND_MODULES = ["app.catalogue.commands", "app.about", "server.commands"]


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
            # An optional module, or the package holding it, is not installed: the laptop's
            # bundle ships without the centre's `server` package. A module missing INSIDE
            # one that is there (a lost dependency) is a fault and still raises.
            missing = exc.name or ""
            if name in OPTIONAL_COMMAND_MODULES and (name == missing
                                                     or name.startswith(missing + ".")):
                continue
            raise
        module.register(sub)
    return parser


def run(argv: list[str]) -> int:
    """Run one command; every failure is one sentence on stderr (see app/cli_errors.py)."""
    from app import paths
    from app.cli_errors import CommandFailed, UsageProblem, check_arguments, disk_problem
    from app.fault_log import record_unexpected
    data_dir = None
    try:
        check_arguments(argv)
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:     # argparse has said what is wrong (or shown --help)
            return exc.code if isinstance(exc.code, int) else 2
        if not getattr(args, "run", None):
            parser.print_help()
            return 2
        if args.data_dir is not None and not args.data_dir.strip():
            raise UsageProblem("--data-dir is empty: name a folder, or leave the option out "
                               "to use the usual one.")
        if not getattr(args, "needs_store", True):  # e.g. `about`: creates no data folder
            return args.run(None, args) or 0
        data_dir = paths.resolve_data_dir(args.data_dir)
        if _wiped(data_dir, args.command):
            return 1
        with _open_store(args) as store:
            return args.run(store, args) or 0
    except UsageProblem as exc:
        _say(exc)
        return 2
    except (StorageError, CommandFailed) as exc:
        _say(exc)
        return 1
    except InvalidInput as exc:
        from app.sync.iqa_laptop import ReadOnlyForIqa
        if isinstance(exc, ReadOnlyForIqa):   # a whole sentence, about no one field
            _say(exc.problems["read_only"])
            return 1
        # Each problem is a sentence naming what is wrong; the key ("uln") is the program's.
        for message in exc.problems.values():
            _say(message)
        return 1
    except BrokenPipeError:
        _quiet_stdout()      # `fieldfolio … | head`: the reader left; nothing to say
        return 1
    except OSError as exc:
        _say(disk_problem(exc, "finish the command"))
        return 1
    except Exception as exc:  # noqa: BLE001 - the last net: a sentence, details in the log
        from sqlalchemy.exc import DBAPIError
        from app.db.health import disk_full_message, disk_is_full
        if isinstance(exc, DBAPIError) and data_dir and disk_is_full(data_dir, exc.orig):
            _say(disk_full_message(data_dir))      # the write was rolled back
        else:
            _say(record_unexpected(exc, data_dir))
        return 1


def _say(message) -> None:
    try:
        print(f"fieldfolio: {message}", file=sys.stderr)
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's own flush at exit does not complain again."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _wiped(data_dir, command: str) -> bool:
    """A folder the centre had wiped (app/safekeeping/wipe.py): every command says why and
    stops, except `setup`, which starts again in it."""
    from app.safekeeping import wipe
    if not wipe.was_wiped(data_dir):
        return False
    if command == "setup":
        wipe.start_again(data_dir)
        return False
    wipe.finish_wipe(data_dir)         # a wipe a kill interrupted is finished first
    _say(f"{wipe.notice(data_dir)} (To start again in this folder: `fieldfolio setup`.)")
    return True


def _open_store(args) -> Store:
    """The data folder's Store (opened by the caller's `with`), asking for its passphrase at
    a terminal when FIELDFOLIO_PASSPHRASE is not set (`setup` on a new folder asks for a new
    one). Returned unopened: opening it here as well started a second writer thread."""
    from app.safekeeping import keys as folder_keys, prompt
    store = Store(args.data_dir)
    if folder_keys.passphrase_from_environment() or not prompt.can_ask():
        return store
    if folder_keys.is_encrypted(store.data_dir):
        return Store(args.data_dir, passphrase=prompt.ask_existing(store.data_dir))
    if args.command == "setup" and not store.db_path.exists():
        return Store(args.data_dir, passphrase=prompt.ask_new(store.data_dir))
    return store


def print_json(data) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
