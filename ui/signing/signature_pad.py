"""A pad to sign on with a mouse, pen or finger.

Strokes are kept as vectors (lists of [x, y] in pad pixels) so the signature can be
re-rendered at any size and stored as evidence of how it was drawn; `to_png` renders them
for printing. Touch arrives as synthesised mouse events; a pen arrives as tablet events
(pressure ignored: the shape is what a signature is).
"""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#0b1f4b")


def render_strokes(strokes: list, size: QSize, background: QColor | None = None) -> QImage:
    image = QImage(size, QImage.Format_ARGB32)
    image.fill(background or Qt.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(QPen(INK, 3, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    for stroke in strokes:
        if len(stroke) == 1:
            painter.drawPoint(QPointF(*stroke[0]))
            continue
        path = QPainterPath(QPointF(*stroke[0]))
        for x, y in stroke[1:]:
            path.lineTo(x, y)
        painter.drawPath(path)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setMinimumSize(520, 200)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_AcceptTouchEvents, True)
        self.setCursor(Qt.CrossCursor)
        self.setAccessibleName("Signature pad: sign here")
        self._strokes: list[list[list[int]]] = []
        self._drawing = False

    # -- what was drawn ----------------------------------------------------------------
    def strokes(self) -> list[list[list[int]]]:
        return [list(map(list, s)) for s in self._strokes]

    def is_empty(self) -> bool:
        return not any(len(s) > 1 for s in self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self.update()
        self.changed.emit()

    def to_png(self) -> bytes:
        return png_bytes(render_strokes(self._strokes, self.size()))

    # -- input ---------------------------------------------------------------------------
    def _start(self, pos) -> None:
        self._drawing = True
        self._strokes.append([[round(pos.x()), round(pos.y())]])
        self.update()

    def _extend(self, pos) -> None:
        if self._drawing:
            point = [round(pos.x()), round(pos.y())]
            if point != self._strokes[-1][-1]:
                self._strokes[-1].append(point)
                self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._start(event.position())

    def mouseMoveEvent(self, event) -> None:
        self._extend(event.position())

    def mouseReleaseEvent(self, event) -> None:
        self._end()

    def tabletEvent(self, event) -> None:
        kind = event.type()
        if kind == event.Type.TabletPress:
            self._start(event.position())
        elif kind == event.Type.TabletMove:
            self._extend(event.position())
        elif kind == event.Type.TabletRelease:
            self._end()
        event.accept()  # no synthesised mouse events: the pen drew this already

    # -- drawing -------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.white)
        painter.setPen(QPen(QColor("#9aa5b1"), 1, Qt.DashLine))
        baseline = self.height() - 40
        painter.drawLine(24, baseline, self.width() - 24, baseline)
        painter.drawText(24, baseline + 24, "✕  Sign above the line")
        painter.setRenderHint(QPainter.Antialiasing)
        painter.drawImage(0, 0, render_strokes(self._strokes, self.size(), QColor(0, 0, 0, 0)))
        painter.setPen(QPen(QColor("#52606d"), 2))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
