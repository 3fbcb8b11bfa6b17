"""One Undo in the main window for every delete and every bulk change (Edit → Undo, Ctrl+Z).

A delete is a tombstone, so undoing it is the matching restore run on the writer; ticking a
whole learning outcome is undone by putting its ACs back as they were. A panel does the
change through its own operation, then calls `bridge.undoable(text, undo, redo)` (each a
`(function, args)` pair run as `store.write(function, *args)`); the main window pushes an
`UndoChange` on its one stack, so Ctrl+Z takes back the last such change wherever it was
made, and the status bar says what was undone.

A window-modal dialog (Employers, the question bank) takes the keys while it is open, so
the main window's Edit → Undo cannot be reached: `WindowUndoButton` puts the same Undo (the
same stack, Ctrl+Z included) in the dialog, rather than the dialog keeping its own.
"""
from __future__ import annotations

from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtWidgets import QPushButton

from ui.bridge import failure_words


class UndoChange(QUndoCommand):
    """The change has already happened when this is pushed; redo after an undo repeats it."""

    def __init__(self, window, text: str, undo: tuple, redo: tuple | None = None,
                 after=None):
        super().__init__(text)
        self.window, self.undo_step, self.redo_step = window, undo, redo
        self.after = after      # the screen that made the change shows it undone or redone
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
        if self.after is not None:
            try:
                self.after()
            except RuntimeError:    # that screen has been closed and deleted meanwhile
                self.after = None
        return True


class WindowUndoButton(QPushButton):
    """The window's one Undo inside a dialog: "Undo delete Northgate Energy", shown while
    there is something to undo, Ctrl+Z while the dialog has the keys."""

    def __init__(self, bridge, object_name: str, parent=None):
        super().__init__("Undo", parent, objectName=object_name)
        self.stack = bridge.undo_stack
        self.setShortcut(QKeySequence.Undo)
        if self.stack is not None:
            self.clicked.connect(self.stack.undo)
            self.stack.indexChanged.connect(self._follow)
        self._follow()

    def _follow(self, *_args) -> None:
        try:
            can = self.stack is not None and self.stack.canUndo()
        except RuntimeError:     # the window (and its stack) is being closed
            self.stack, can = None, False
        if not can:
            self.hide()
        elif self.parentWidget() is not None:   # shown on its own it would be a window
            self.show()
        if can:
            words = self.stack.undoText()
            # Short enough for a dialog's button row at 1280 pixels: at 40 characters the
            # row squeezed it to "delete Calder Valley Building Sc" (its tooltip is whole).
            self.setText(f"Undo {words if len(words) <= 24 else words[:23].rstrip() + '…'}")
            self.setToolTip(f"Undo {words} (Ctrl+Z, as Edit → Undo in the main window)")
