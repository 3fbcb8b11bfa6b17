"""The window's last net: an exception nobody caught, or a message Qt prints for developers.

Qt's own chatter (multimedia back-ends probing for PipeWire, PulseAudio's connection
attempts) goes to the data folder's log instead of the terminal, so a normal start prints
one line. An exception that escapes a slot or a timer is logged with its traceback and the
assessor is told in one sentence, in the window, instead of a traceback on a terminal they
never see; the window stays open, since everything saved so far is already on disk.
"""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from app.fault_log import record_unexpected

qt_log = logging.getLogger("qt")

_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
           QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
           QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(kind, context, message: str) -> None:
    category = getattr(context, "category", None) or "default"
    qt_log.log(_LEVELS.get(kind, logging.WARNING), "%s: %s", category, message)


def install(data_dir) -> None:
    """Route Qt's messages to the log and catch what escapes into the event loop."""
    qInstallMessageHandler(_qt_message)

    def excepthook(kind, exc, tb):
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        sentence = record_unexpected(exc.with_traceback(tb), data_dir)
        tell(sentence)

    sys.excepthook = excepthook


def tell(sentence: str) -> None:
    """Show the sentence over the window (or alone, before there is one)."""
    app = QApplication.instance()
    if app is None:
        print(f"Fieldfolio: {sentence}", file=sys.stderr)
        return
    parent = app.activeWindow() or next(
        (w for w in app.topLevelWidgets() if w.isVisible() and not isinstance(w, QMessageBox)),
        None)
    box = QMessageBox(QMessageBox.Warning, "Something went wrong", sentence,
                      QMessageBox.Ok, parent)
    box.setObjectName("unexpected_problem")
    box.setAttribute(Qt.WA_DeleteOnClose)
    _shown.append(box)         # a box without a parent lives only as long as a reference
    box.finished.connect(lambda *_: _shown.remove(box) if box in _shown else None)
    box.open()


_shown: list[QMessageBox] = []
