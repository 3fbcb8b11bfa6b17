"""One Undo in the main window for every delete and every bulk change (Edit → Undo, Ctrl+Z).

A delete is a tombstone, so undoing it is the matching restore run on the writer; ticking a
whole learning outcome is undone by putting its ACs back as they were. A panel does the
change through its own operation, then calls `bridge.undoable(text, undo, redo)` (each a
`(function, args)` pair run as `store.write(function, *args)`); the main window pushes an
`UndoChange` on its one stack, so Ctrl+Z takes back the last such change wherever it was
made, and the status bar says what was undone.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ui.bridge import failure_words


class UndoChange(QUndoCommand):
    """The change has already happened when this is pushed; redo after an undo repeats it."""

    def __init__(self, window, text: str, undo: tuple, redo: tuple | None = None):
        super().__init__(text)
        self.window, self.undo_step, self.redo_step = window, undo, redo
        self._done_once = False

    def redo(self) -> None:
        if not self._done_once:          # pushed after the change itself
            self._done_once = True
            return
        if self.redo_step is not None:
            self._run(self.redo_step)

    def undo(self) -> None:
        if self._run(self.undo_step):
            self.window.statusBar().showMessage(f"Undone: {self.text()}.", 6000)

    def _run(self, step: tuple) -> bool:
        fn, args = step
        try:
            self.window.store.write_now(fn, *args)
        except Exception as exc:   # e.g. the ULN now belongs to someone else: say why
            self.window.show_failure(f"cannot undo {self.text()}: {failure_words(exc)}")
            self.setObsolete(True)
            return False
        self.window.refresh_after_undo(args)
        return True
