"""A one-line label that gives way on a narrow window: it ends in "…" rather than pushing its
neighbours (the staff name, "Saved as you type") off the status bar or under each other, and
its whole text stays in `full_text()` and the tooltip it is given."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


class FittingLabel(QLabel):
    def __init__(self, text: str = "", objectName: str = "", least: int = 80, parent=None):
        super().__init__(parent, objectName=objectName)
        self._full = ""
        self._least = least         # below this it is unreadable; the neighbours give way
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.setTextFormat(Qt.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._fit()

    def full_text(self) -> str:
        return self._full

    def text(self) -> str:          # what it says, cut or not (tests and screen readers)
        return self._full

    def _spare(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right() + 2 * self.margin() + 4

    def sizeHint(self) -> QSize:
        height = super().sizeHint().height()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + self._spare(), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self._least, self.sizeHint().width()), super().minimumSizeHint().height())

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.width() - self._spare()
        super().setText(self.fontMetrics().elidedText(self._full, Qt.ElideRight, max(room, 0)))
