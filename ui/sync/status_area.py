"""The sync status area at the foot of the window: not connected / connected to NAME,
changes waiting, last successful sync, needs attention; Sync now and Cancel.

Before enrolment it says the work is kept on this laptop only (never "N changes waiting to
go to the centre": there is no centre yet). Text carries the state, colour only repeats it.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from app.sync import state
from ui.fitting_label import FittingLabel
from ui.sync.runner import SyncRunner


class SyncStatusArea(QWidget):
    attention_requested = Signal()
    connect_requested = Signal()
    shown = Signal(object)      # the SyncStatus just shown

    def __init__(self, bridge, parent=None):
        super().__init__(parent, objectName="sync_area")
        self.bridge = bridge
        self.runner = SyncRunner(bridge.store, self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        # One short line each, cut with "…" rather than overlapping at 1280 pixels; while a
        # sync runs its progress takes the headline's place.
        self.headline = FittingLabel("", objectName="sync_headline", least=120)
        self.progress = FittingLabel("", objectName="sync_progress", least=120)
        # A failure's whole reason, once and in words, is a click away (the bar has room
        # for a few words of it only).
        self.details_button = QPushButton("Details…", objectName="sync_details")
        self.details_button.setToolTip("Why the last sync failed, and what to do")
        self.details_button.clicked.connect(self.show_details)
        self.attention_button = QPushButton("", objectName="sync_attention")
        self.attention_button.clicked.connect(self.attention_requested)
        self.sync_button = QPushButton("Sync now", objectName="sync_now")
        self.sync_button.setToolTip("Send your changes to the centre and fetch theirs (F9)")
        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button = QPushButton("Cancel", objectName="sync_cancel")
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.connect_button = QPushButton("Connect to centre…", objectName="sync_connect")
        self.connect_button.clicked.connect(self.connect_requested)
        for w in (self.headline, self.progress, self.details_button, self.attention_button,
                  self.connect_button, self.sync_button, self.cancel_button):
            row.addWidget(w)
        self.details_button.hide()
        self.cancel_button.hide()
        self.progress.hide()
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.status: state.SyncStatus | None = None
        self.last_result = ""
        self.details_box: QMessageBox | None = None
        self.refresh()
        from ui.sync.auto_sync import AutoSync
        self.auto = AutoSync(self)

    def refresh(self) -> None:
        self.bridge.read(state.status, on_done=self._show)

    def _show(self, status: state.SyncStatus) -> None:
        self.status = status
        running = self.runner.running
        failed = bool(status.enrolled and status.last_error and not running)
        self.headline.setText(status.bar_words())
        self.headline.setVisible(not running)
        self.headline.setToolTip(self.details())
        self.details_button.setVisible(failed)
        self.attention_button.setText(f"⚠ {status.attention} need{'s' if status.attention == 1 else ''} "
                                      f"attention")
        self.attention_button.setVisible(status.attention > 0)
        self.connect_button.setVisible(not status.enrolled)
        self.sync_button.setVisible(status.enrolled)
        self.sync_button.setEnabled(not running)
        self.shown.emit(status)

    def details(self) -> str:
        """Everything the bar shortens: the whole state, then the last sync's result, a
        failure's reason said once."""
        status = self.status
        if status is None:
            return ""
        lines = [status.headline()]
        if status.enrolled and status.last_error:
            lines.append(f"Last sync failed: {status.last_error}")
        elif self.last_result:
            lines.append(self.last_result)
        return "\n".join(lines)

    def show_details(self) -> None:
        box = QMessageBox(QMessageBox.Information, "Sync with the centre", self.details(),
                          QMessageBox.Close, self.window())
        box.setObjectName("sync_details_box")
        self.details_box = box     # kept so tests and the window can find it
        box.open()

    def sync_now(self) -> None:
        if self.status is not None and not self.status.enrolled:
            self.connect_requested.emit()
            return
        if self.runner.start():
            self.sync_button.setEnabled(False)
            self.details_button.hide()
            self.headline.hide()
            self.cancel_button.show()
            self.progress.show()
            self._progress("Starting sync…")

    def _progress(self, text: str) -> None:
        self.progress.setText(text)
        self.progress.setToolTip(text)

    def _done(self, text: str) -> None:
        """The result goes into the headline's tooltip and a failure, in a few words, into
        the headline itself (app/sync/state keeps it), so the status bar stays one line."""
        self.cancel_button.hide()
        self.progress.setText(text)
        self.progress.hide()
        self.last_result = text
        self.refresh()

    def _finished(self, outcome) -> None:
        extra = f", {outcome.attention} need attention" if outcome.attention else ""
        self._done(f"Synced: {outcome.pushed} sent, {outcome.pulled} received{extra}.")

    def _failed(self, message: str) -> None:
        self._done(f"Not synced: {message}")
