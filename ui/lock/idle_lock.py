"""Locking the window when the laptop is left: after the centre's number of minutes without a
key, click or touch, every Fieldfolio window is hidden behind the lock screen until the
passphrase is typed. Nothing is closed or lost: drafts are saved as they are typed, and the
windows come back as they were."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.lock.unlock_dialog import UnlockDialog

_INPUT = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel,
          QEvent.TouchBegin, QEvent.TabletPress}


class IdleLock(QObject):
    def __init__(self, data_dir: Path, minutes: int, parent: QObject | None = None,
                 pin_check=None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.pin_check = pin_check     # the assessor's PIN opens it too, once allowed today
        self.minutes = minutes
        self.dialog: UnlockDialog | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self, singleShot=True, interval=minutes * 60_000)
        self.timer.timeout.connect(self.lock_now)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        """The centre's number arrived with a sync (app/safekeeping/lock_policy.py): the
        count starts again under it (an open lock screen stays as it is)."""
        if minutes == self.minutes:
            return
        self.minutes = minutes
        self.timer.setInterval(minutes * 60_000)
        if not self.locked:
            self.timer.start()

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched, event) -> bool:
        if event.type() in _INPUT and not self.locked:
            self.timer.start()     # any use restarts the count
        return False

    def lock_now(self, reason: str | None = None) -> UnlockDialog:
        if self.dialog is not None:
            return self.dialog
        self.timer.stop()
        self._hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        for window in self._hidden:
            window.hide()
        from app.safekeeping.pin import PIN_DAY
        secret = "passphrase or PIN" if self.pin_check and PIN_DAY.pin_allowed() else "passphrase"
        self.dialog = UnlockDialog(
            self.data_dir, reason or f"Fieldfolio locked itself after {self.minutes} minute"
            f"{'s' if self.minutes != 1 else ''} without use. Type your {secret} to carry "
            f"on: nothing has been lost.", pin_check=self.pin_check)
        self.dialog.accepted.connect(self._unlocked)
        self.dialog.show()
        return self.dialog

    def _unlocked(self) -> None:
        dialog, self.dialog = self.dialog, None
        for window in self._hidden:
            window.show()
        self._hidden = []
        if dialog is not None:
            dialog.deleteLater()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
