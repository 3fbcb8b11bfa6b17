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

A change the centre may reverse (deleting an employer another assessor's learner works at)
is undone by the sync that hears of it, and its Undo would then change nothing: such a
change says how to tell whether it still stands (`stands`), and after each sync
`forget_reversed` takes off the Undo the changes that no longer do.
"""
from __future__ import annotations

from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtWidgets import QPushButton

from ui.bridge import failure_words


class UndoChange(QUndoCommand):
    """The change has already happened when this is pushed; redo after an undo repeats it."""

    def __init__(self, window, text: str, undo: tuple, redo: tuple | None = None,
                 after=None, stands: tuple | None = None):
        super().__init__(text)
        self.window, self.undo_step, self.redo_step = window, undo, redo
        self.after = after      # the screen that made the change shows it undone or redone
        self.stands = stands    # (function, args) read: is the change still as made here?
        self._done_once = False

    def reversed_since(self) -> bool:
        """A sync has undone the change already (the centre refused it)."""
        if self.stands is None or not self.window.store.is_open:
            return False
        fn, args = self.stands
        return not self.window.store.read(fn, *args)

    def again(self) -> "UndoChange":
        """The same change, to push onto a stack built afresh (it is not done again)."""
        return UndoChange(self.window, self.text(), self.undo_step, self.redo_step,
                          self.after, self.stands)

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


def forget_reversed(stack) -> list[str]:
    """After a sync: take off the Undo every change the centre has reversed, wherever it is
    on the stack, so Undo never offers what would change nothing. A QUndoStack cannot take
    out one command, so it is built again from the changes that stand, in their order; Redo
    is emptied, as after any new change. Returns the texts taken off."""
    kept, gone = [], []
    for command in (stack.command(i) for i in range(stack.index())):
        (gone if command.reversed_since() else kept).append(command)
    if not gone:
        return []
    texts, kept = [c.text() for c in gone], [c.again() for c in kept]
    stack.clear()      # deletes the commands themselves: their words were read first
    for command in kept:
        stack.push(command)
    return texts


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
