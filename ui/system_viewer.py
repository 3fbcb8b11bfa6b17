"""Opening a file or folder in the program the user's system chooses (the PDF viewer to
print, the file manager, a photo or video viewer), with the user's own environment rather
than the bundle's (app/other_programs.py says why)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from app.other_programs import user_environment


def open_in_system(path: str | os.PathLike) -> bool:
    with _environment(user_environment()):
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path))))


@contextmanager
def _environment(env: dict[str, str]):
    # Qt starts the opener (xdg-open, ShellExecute) from this process's environment during
    # the call, so the user's is in place for that moment only; Fieldfolio's own libraries
    # and plugins are loaded already and are not looked up again.
    saved = dict(os.environ)
    if env == saved:
        yield
        return
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
