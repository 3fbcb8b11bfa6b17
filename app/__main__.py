"""`python -m app`, and the bundle's `fieldfolio-cli`: the command line as a program of its own.

Unlike main.py, it never opens the window, even with no command: support staff run it over
SSH or in scripts where there is no display, and Qt without one aborts the process. It
therefore never imports Qt, which also keeps Qt out of the way of a console program.
"""
from __future__ import annotations

import sys

from app.cli import run


def main(argv: list[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
