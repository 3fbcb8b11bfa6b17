"""Fieldfolio entry point: a subcommand runs on the command line; none opens the window.

The command line never imports Qt, so scripts run on machines without a display.
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from app.cli import build_parser
    parser = build_parser()
    known, _ = parser.parse_known_args(argv)
    if known.command or any(a in ("-h", "--help") for a in argv):
        from app.cli import run
        return run(argv)
    from ui.application import run_window
    return run_window(data_dir=known.data_dir)


if __name__ == "__main__":
    sys.exit(main())
