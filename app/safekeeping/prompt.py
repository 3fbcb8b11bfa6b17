"""Asking for the passphrase on the command line, only where a person is there to answer.

Scripts and the server set FIELDFOLIO_PASSPHRASE (Store reads it) and are never prompted;
with no terminal and no variable the command fails with the store's message instead of
waiting for input that will never come.
"""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from app.safekeeping import keys as folder_keys


def can_ask() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask_existing(data_dir: Path) -> str:
    return getpass.getpass(f"Passphrase for {data_dir}: ")


def ask_new(data_dir: Path) -> str | None:
    """A new passphrase typed twice, or None to keep the folder unencrypted (an empty
    answer). Asked up to three times before giving up."""
    print(f"Fieldfolio encrypts {data_dir} with a passphrase. Choose one you will remember: "
          f"it cannot be recovered. (Press Enter to leave the folder unencrypted.)",
          file=sys.stderr)
    for _ in range(3):
        first = getpass.getpass("New passphrase: ")
        if not first:
            return None
        try:
            folder_keys.check_new_passphrase(first)
        except folder_keys.WeakPassphrase as exc:
            print(exc, file=sys.stderr)
            continue
        if getpass.getpass("Type it again: ") == first:
            return first
        print("The two did not match.", file=sys.stderr)
    return None
