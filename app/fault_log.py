"""What Fieldfolio does with something that went wrong and nobody foresaw.

The assessor gets one sentence; support gets the details. The details (the traceback, and
the messages Qt and the libraries would otherwise print to a terminal nobody reads) go to
``fieldfolio.log`` in the data folder, kept small by rotation, private like the rest of it.
Both the command line and the window use this; it never imports Qt.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

LOG_NAME = "fieldfolio.log"
_KEEP_BYTES = 1_000_000        # a few hundred tracebacks; three old files kept beside it

log = logging.getLogger("fieldfolio")
_handler: logging.Handler | None = None


def log_path(data_dir: os.PathLike | str) -> Path:
    return Path(data_dir) / LOG_NAME


class _PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """Made 0600 before the first line is written: it may name learners' files."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")


def start_logging(data_dir: os.PathLike | str) -> Path | None:
    """Send warnings and worse to the data folder's log (once per process). None when the
    folder cannot take it (missing, read-only, full): then nothing is logged, nothing fails."""
    global _handler
    path = log_path(data_dir)
    if _handler is not None and getattr(_handler, "baseFilename", None) == str(path.resolve()):
        return path
    if not Path(data_dir).is_dir():
        return None
    try:
        handler = _PrivateRotatingFile(path, maxBytes=_KEEP_BYTES, backupCount=3, delay=True)
    except OSError:
        return None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    _handler = handler
    return path


def stop_logging() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def record_unexpected(exc: BaseException, data_dir: os.PathLike | str | None) -> str:
    """Log the exception with its traceback; return the one sentence to show."""
    where = start_logging(data_dir) if data_dir else None
    log.error("Unexpected %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    if _handler is not None:
        _handler.flush()
    detail = " ".join(str(exc).split())[:160] or "no message"
    told = (f"the details are in {where}" if where and where.exists() else
            "no details could be saved in the data folder")
    return f"Something unexpected went wrong ({type(exc).__name__}: {detail}); {told}."
