"""How the command line says what is wrong: one sentence on stderr, exit 1 or 2, no traceback.

Commands raise CommandFailed (exit 1: the operation could not be done) or UsageProblem
(exit 2: what was typed cannot be right). Arguments are checked before anything opens the
data folder, so bad input changes nothing.
"""
from __future__ import annotations

import argparse
import errno

# Longer than any path, name or search anyone types; a 100,000-character argument is a
# mistake or an attack, and SQLite refuses LIKE patterns that long anyway.
MAX_ARGUMENT = 4096


class CommandFailed(Exception):
    """str() is the sentence for stderr; exit code 1."""


class UsageProblem(Exception):
    """str() is the sentence for stderr; exit code 2."""


def check_arguments(argv: list[str]) -> None:
    """Refuse arguments that are not text or are absurdly long, naming which one."""
    for position, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            # Python keeps undecodable bytes as lone surrogates (PEP 383).
            raise UsageProblem(f"argument {position} is not valid UTF-8 text; type it again "
                               f"or check the terminal's character set.") from None
        if len(arg) > MAX_ARGUMENT:
            raise UsageProblem(f"argument {position} is {len(arg):,} characters long; "
                               f"at most {MAX_ARGUMENT:,} are accepted.")


def whole_number(low: int, high: int):
    """An argparse type: a whole number from low to high, else a usage error naming both."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}")
        return value
    parse.__name__ = "whole number"
    return parse


def disk_problem(exc: OSError, doing: str, name_file: bool = True) -> str:
    """One sentence for an operating system refusal while ``doing`` (e.g. 'write the PDF');
    name_file=False when ``doing`` already names the place (not our temporary file)."""
    where = f" ({exc.filename})" if name_file and getattr(exc, "filename", None) else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full: could not {doing}{where}. Free some space and try again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Not allowed to {doing}{where}: that place is read-only or forbidden."
    return f"Could not {doing}{where}: {exc.strerror or exc}."
