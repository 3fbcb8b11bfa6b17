"""Hands results of database work back to the GUI thread: the one path for window operations.

The store's writer and reader threads complete Futures; Qt widgets may only be touched on
the GUI thread. `Bridge.when_done` routes a Future's result through a queued signal so the
callback runs on the GUI thread, and the window never waits on SQLite.

What the window does goes through here (Anki's operations, in Qt):
- `write(fn, ..., on_done, on_error)` runs `fn` on the writer. A failure the caller does not
  handle is never a traceback on stderr: `failed` carries words for the window to show
  (the main window puts them in a bar at its top), and the form keeps what was typed.
- `changed` carries `app.db.changes.Changes` after every committed write, local or pulled
  by sync, so a screen can redraw what it shows when `changes.touches(its learner)`.
- `undoable(text, undo, redo, after, stands)` offers the one Undo (Ctrl+Z in the main
  window) for any delete or bulk change: `undo` is `(function, args)` run on the writer
  (ui/window_undo.py); `after` lets the screen that made the change show it undone;
  `stands`, for a change the centre may refuse, is read after a sync to drop an Undo that
  would change nothing. A dialog over the window offers the same Undo through
  `undo_stack` (WindowUndoButton).
"""
from __future__ import annotations

import logging
from concurrent.futures import Future
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from app.db.changes import Changes
from app.db.store import Store

log = logging.getLogger(__name__)


def failure_words(exc: BaseException) -> str:
    """What went wrong, in words for the assessor (the details go to the log)."""
    problems = getattr(exc, "problems", None)
    if problems:
        return " ".join(dict.fromkeys(problems.values()))
    if isinstance(exc, OSError):
        return f"the laptop could not write its data ({exc.strerror or exc})"
    text = str(exc).strip()
    return text or type(exc).__name__


class Bridge(QObject):
    _finished = Signal(object, object, object)
    changed = Signal(object)          # app.db.changes.Changes, on the GUI thread
    failed = Signal(str)              # an operation failed and nobody else said so
    # text, (undo fn, args), (redo fn, args), a callable run after either (or None),
    # (fn, args) read to tell whether the change still stands (or None)
    undoable_change = Signal(str, object, object, object, object)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self._finished.connect(self._deliver)
        self.pending = 0
        self.undo_stack = None    # the main window's one QUndoStack (None without a window)
        store.on_changes(self._heard)

    def _heard(self, changes: Changes) -> None:
        # Called on the writer thread; the queued signal brings it to the GUI thread. A
        # window closed before its store is gone no longer listens.
        try:
            self.changed.emit(changes)
        except RuntimeError:
            pass

    def write(self, fn: Callable, *args: Any, on_done: Callable | None = None,
              on_error: Callable | None = None) -> Future | None:
        if not self.store.is_open:   # a timer firing after the window closed its data
            return None
        return self.when_done(self.store.write(fn, *args), on_done, on_error)

    def read(self, fn: Callable, *args: Any, on_done: Callable | None = None,
             on_error: Callable | None = None) -> Future | None:
        if not self.store.is_open:
            return None
        return self.when_done(self.store.read_async(fn, *args), on_done, on_error)

    def undoable(self, text: str, undo: tuple, redo: tuple | None = None,
                 after: Callable[[], None] | None = None, stands: tuple | None = None) -> None:
        """A change was made that the window's Undo (Ctrl+Z) can take back by running
        `undo` = (function, args) on the writer; `redo` likewise repeats it; `after` runs
        on the GUI thread once either has committed; `stands` = (function, args) is read
        after a sync, and false means the centre has reversed the change already."""
        self.undoable_change.emit(text, undo, redo, after, stands)

    def when_done(self, future: Future, on_done, on_error) -> Future:
        self.pending += 1
        future.add_done_callback(lambda f: self._finished.emit(f, on_done, on_error))
        return future

    def _deliver(self, future: Future, on_done, on_error) -> None:
        self.pending -= 1
        exc = future.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                log.error("an operation failed", exc_info=exc)
                self.failed.emit(failure_words(exc))
        elif on_done is not None:
            on_done(future.result())
