"""Fieldfolio entry point: a subcommand runs on the command line; none opens the window.

The command line never imports Qt, so scripts run on machines without a display. With no
command and no display to open the window on, it says so and lists the commands instead of
letting Qt abort the process.
"""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from app.cli import build_parser
    parser = build_parser()
    known, _ = parser.parse_known_args(argv)
    if known.command or any(a in ("-h", "--help") for a in argv):
        from app.cli import run
        return run(argv)
    from app.cli_errors import UsageProblem, check_arguments
    try:
        check_arguments(argv)
        if known.data_dir is not None and not known.data_dir.strip():
            raise UsageProblem("--data-dir is empty: name a folder, or leave the option out "
                               "to use the usual one.")
    except UsageProblem as exc:
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 2
    if not _display_available():
        parser.print_help(sys.stderr)
        print("\nfieldfolio: there is no display to open the window on (DISPLAY and "
              "WAYLAND_DISPLAY are unset); give a command, e.g. `fieldfolio learners`.",
              file=sys.stderr)
        return 2
    from ui.application import run_window
    return run_window(data_dir=known.data_dir)


def _display_available() -> bool:
    """On Linux and the BSDs Qt needs X11 or Wayland, unless told to draw elsewhere
    (QT_QPA_PLATFORM=offscreen in tests). Windows and macOS always have a screen."""
    if sys.platform.startswith(("win", "darwin")):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


if __name__ == "__main__":
    sys.exit(main())
