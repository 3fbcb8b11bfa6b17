"""QR codes for page footers, drawn as one filled path per code.

ReportLab's QrCodeWidget builds thousands of shape objects and tries all eight masks for every
code, which made a 150-record claim pack take seconds. The encoder is the same; we take its
module matrix with a fixed mask (every mask is valid QR; the choice only tunes contrast) and
draw the dark runs ourselves. Matrices are cached because a record's code repeats on each of
its pages and across the two layout passes.
"""
from __future__ import annotations

import itertools
from functools import lru_cache

from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 2  # modules of white around the code; the page margin supplies the rest


@lru_cache(maxsize=4096)
def qr_modules(payload: str, mask: int = 0) -> tuple[tuple[bool, ...], ...]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, mask)
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


def draw_qr(canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the code for `payload` with its lower-left corner at (x, y)."""
    modules = qr_modules(payload)
    count = len(modules) + 2 * QUIET_ZONE
    box = size / count
    path = canvas.beginPath()
    for r, row in enumerate(modules):
        top = y + size - (r + QUIET_ZONE + 1) * box
        c = 0
        for dark, run in itertools.groupby(row):
            n = len(list(run))
            if dark:
                path.rect(x + (c + QUIET_ZONE) * box, top, n * box, box)
            c += n
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
