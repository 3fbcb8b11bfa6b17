#!/usr/bin/env python3
"""Draw Fieldfolio's icon and write it in each platform's format (run by hand, output kept).

    .venv/bin/python tools/packaging/make_icons.py

resources/icons/fieldfolio.png is the window icon on every platform (and the Linux
launcher's); fieldfolio.ico goes on the Windows executables and fieldfolio.icns on the macOS
app. Drawn with Qt rather than kept as a picture so a change of colour is a one-line edit:
a blue folio (the app's primary colour) with a page and a green tick, as an assessor ticks off
a criterion. Pillow (already installed with ReportLab) writes the .ico and .icns.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "resources" / "icons"
SIZE = 1024
BLUE, PAGE, LINES, GREEN = "#1f5fa8", "#ffffff", "#b8c2cf", "#2e7d32"


def draw(size: int = SIZE) -> QImage:
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    s = size / 100
    p.setPen(Qt.NoPen)
    p.setBrush(QColor(BLUE))
    p.drawRoundedRect(QRectF(6 * s, 6 * s, 88 * s, 88 * s), 18 * s, 18 * s)
    p.setBrush(QColor(PAGE))
    p.drawRoundedRect(QRectF(24 * s, 16 * s, 52 * s, 68 * s), 4 * s, 4 * s)
    p.setPen(QPen(QColor(LINES), 4 * s, Qt.SolidLine, Qt.RoundCap))
    for y in (30, 40, 50):
        p.drawLine(QPointF(32 * s, y * s), QPointF(68 * s, y * s))
    tick = QPainterPath(QPointF(36 * s, 64 * s))
    tick.lineTo(46 * s, 73 * s)
    tick.lineTo(66 * s, 55 * s)
    p.setPen(QPen(QColor(GREEN), 8 * s, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.setBrush(Qt.NoBrush)
    p.drawPath(tick)
    p.end()
    return image


def to_pillow(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QBuffer.ReadWrite)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> int:
    QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    big = to_pillow(draw())
    big.resize((256, 256), Image.LANCZOS).save(OUT / "fieldfolio.png")
    big.save(OUT / "fieldfolio.ico", sizes=[(n, n) for n in (16, 24, 32, 48, 64, 128, 256)])
    big.save(OUT / "fieldfolio.icns")
    print(f"Wrote fieldfolio.png, .ico and .icns to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
