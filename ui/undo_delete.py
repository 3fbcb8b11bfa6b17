"""One Undo for every delete in the main window (learners, records, files).

A delete is a tombstone, so undoing it is the matching restore run on the writer. Panels
delete through their own operation and then call `bridge.deleted(text, restore, *args)`;
the main window pushes an `UndoDelete` on its one stack, so Ctrl+Z (Edit → Undo) brings
back the last thing deleted wherever it was, and the status bar says what was undone.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from ui.bridge import failure_words


class UndoDelete(QUndoCommand):
    """The delete has already happened when this is pushed; redo after an undo repeats it."""

    def __init__(self, window, text: str, restore: Callable, args: tuple,
                 delete_again: Callable | None = None):
        super().__init__(text)
        self.window, self.restore, self.args = window, restore, args
        self.delete_again = delete_again
        self._done_once = False

    def redo(self) -> None:
        if not self._done_once:          # pushed after the delete itself
            self._done_once = True
            return
        if self.delete_again is not None:
            self.window.store.write_now(self.delete_again, *self.args)
            self.window.refresh_after_undo(self.args)

    def undo(self) -> None:
        try:
            self.window.store.write_now(self.restore, *self.args)
        except Exception as exc:   # e.g. the ULN now belongs to someone else: say why
            self.window.show_failure(f"Cannot undo: {failure_words(exc)}")
            self.setObsolete(True)
            return
        self.window.refresh_after_undo(self.args)
        self.window.statusBar().showMessage(f"Undone: {self.text()}.", 6000)
