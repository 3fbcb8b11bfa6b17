"""File → "Export for sync…" and "Import from centre…": sync by USB stick, with progress and
cancel, for a laptop that never goes online. The work runs off the GUI thread through
app/sync_file/laptop.py (the same code as `fieldfolio export-sync` / `import-sync`); this
module only asks for the file, shows progress and says what happened."""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

SUFFIX = ".ffsync"


class _Relay(QObject):
    """Carries a worker thread's progress and result to the GUI thread."""
    progress = Signal(int, int)
    finished = Signal(object, object)   # result, exception


class SyncFileRun:
    """One export or import in the background, with a progress dialog that can cancel."""

    def __init__(self, window, title: str, work, cancellable: bool):
        self.window, self.cancelled = window, threading.Event()
        # The menu's action drops what export_for_sync returns: the window keeps the run, or
        # its relay goes with the worker thread and the "finished" signal (which closes the
        # progress dialog and says what happened) is lost, the dialog left at 99% for good.
        window.sync_file_run = self
        self.dialog = QProgressDialog(title, "Cancel" if cancellable else "", 0, 1000, window)
        self.dialog.setObjectName("sync_file_progress")
        self.dialog.setWindowTitle("Sync file")
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self.cancelled.set)
        self.relay = _Relay()
        self.relay.progress.connect(self._progress)
        self.result = self.error = None
        self.done = threading.Event()
        self.relay.finished.connect(self._finished)
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True,
                                       name="fieldfolio-sync-file")
        self.dialog.show()
        self.thread.start()

    def _run(self, work) -> None:
        result = error = None
        try:
            result = work(lambda done, total: self.relay.progress.emit(
                int(1000 * done / total) if total else 1000, 1000), self.cancelled.is_set)
        except BaseException as exc:  # shown to the user below
            error = exc
        self.relay.finished.emit(result, error)

    def _progress(self, value: int, maximum: int) -> None:
        self.dialog.setValue(min(value, maximum - 1))

    def _finished(self, result, error) -> None:
        self.result, self.error = result, error
        self.dialog.close()
        self.done.set()
        self.on_finished(result, error)

    def on_finished(self, result, error) -> None:  # replaced by the caller
        pass


def export_for_sync(window, target: str | None = None) -> SyncFileRun | None:
    from app.sync_file.laptop import export_for_centre
    store = window.bridge.store
    if target is None:
        target, _ = QFileDialog.getSaveFileName(
            window, "Export for sync — choose where to save (e.g. a USB stick)",
            str(Path.home() / f"fieldfolio-{store.device_id[:8]}{SUFFIX}"),
            f"Fieldfolio sync file (*{SUFFIX})")
    if not target:
        return None
    run = SyncFileRun(window, "Writing the sync file…",
                      lambda progress, cancelled: export_for_centre(store, target, progress,
                                                                    cancelled), True)

    def finished(result, error):
        if error is None:
            _tell(window, "Export for sync", result.summary(Path(target)))
        elif type(error).__name__ != "SyncFileCancelled":
            _tell(window, "Export for sync", str(error), problem=True)
    run.on_finished = finished
    return run


def import_from_centre(window, source: str | None = None) -> SyncFileRun | None:
    from app.sync_file.laptop import import_from_centre as apply_file
    store = window.bridge.store
    if source is None:
        source, _ = QFileDialog.getOpenFileName(
            window, "Import from centre — choose the sync file the centre wrote for this laptop",
            str(Path.home()), f"Fieldfolio sync file (*{SUFFIX});;All files (*)")
    if not source:
        return None
    run = SyncFileRun(window, "Checking and importing the centre's sync file…",
                      lambda progress, cancelled: apply_file(store, source, progress), False)

    def finished(result, error):
        window.sync_settled()     # the centre's acknowledgements change what records say
        if error is None:
            _tell(window, "Import from centre", result.summary())
        else:
            _tell(window, "Import from centre", str(error), problem=True)
    run.on_finished = finished
    return run


def _tell(window, title: str, words: str, problem: bool = False) -> None:
    box = QMessageBox(QMessageBox.Warning if problem else QMessageBox.Information, title, words,
                      QMessageBox.Ok, window)
    box.setObjectName("sync_file_result")
    box.setWindowModality(Qt.WindowModal)
    box.show()
    window.sync_file_message = box


def add_sync_file_actions(window) -> None:
    """Put the two actions in the File menu, before Quit."""
    menu = window.menus["file"]
    quit_action = next((a for a in menu.actions() if a.objectName() == "act_quit"), None)
    export_action = QAction("Export for sync…", window, objectName="act_export_sync")
    export_action.setToolTip("Write this laptop's changes and files into one encrypted file "
                             "for the centre, for a USB stick when there is no connection")
    export_action.triggered.connect(lambda: export_for_sync(window))
    import_action = QAction("Import from centre…", window, objectName="act_import_sync")
    import_action.setToolTip("Apply a sync file the centre wrote for this laptop")
    import_action.triggered.connect(lambda: import_from_centre(window))
    for act in (export_action, import_action):
        menu.insertAction(quit_action, act)
    menu.insertSeparator(quit_action)
