"""Pieces several documents share: signature boxes, label/value tables, lists of ACs."""
from __future__ import annotations

import io
from functools import lru_cache

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from app.documents.model import CriterionRef, SignatureBox
from app.documents.style import (
    FONT, LIGHT, RULE, SHADE, WIDTH, Table, styles, text, uk_date,
)

BOX_W, BOX_H = 62 * mm, 17 * mm


@lru_cache(maxsize=256)
def _image(png: bytes) -> ImageReader | None:
    """The signature trimmed to its ink, so a pad's wide margins don't shrink it to a speck;
    decoded once, as the same signature appears on dozens of pages. None if unreadable."""
    try:
        from PIL import Image, ImageOps
        image = Image.open(io.BytesIO(png))
        image.load()
        rgba = image.convert("RGBA")
        # Ink is whatever is neither transparent nor near-white.
        grey = ImageOps.invert(rgba.convert("L"))
        alpha = rgba.getchannel("A")
        ink = Image.composite(grey, Image.new("L", rgba.size, 0), alpha).point(
            lambda v: 255 if v > 40 else 0)
        box = ink.getbbox()
        if box:
            pad = 6
            box = (max(box[0] - pad, 0), max(box[1] - pad, 0),
                   min(box[2] + pad, rgba.width), min(box[3] + pad, rgba.height))
            rgba = rgba.crop(box)
        out = io.BytesIO()
        rgba.save(out, "PNG")
        return ImageReader(io.BytesIO(out.getvalue()))
    except Exception:  # noqa: BLE001 - a damaged image must not stop the form printing
        return None


class SignatureImage(Flowable):
    """The signing area: the captured image fitted inside, or an empty ruled box for a pen."""

    def __init__(self, box: SignatureBox, width=BOX_W, height=BOX_H):
        super().__init__()
        self.box, self.width, self.height = box, width, height

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.rect(0, 0, self.width, self.height)
        image = _image(self.box.image_png) if self.box.image_png else None
        if image is not None:
            iw, ih = image.getSize()
            scale = min((self.width - 4) / iw, (self.height - 4) / ih)
            w, h = iw * scale, ih * scale
            c.drawImage(image, (self.width - w) / 2, (self.height - h) / 2, w, h, mask="auto")
        elif self.box.signed:
            c.setFont(FONT, 7)
            c.drawString(3, self.height / 2, f"Signed ({self.box.method})")
        else:
            c.setFont(FONT, 6.5)
            c.setFillColor(RULE)
            c.drawString(3, 3, "Sign here")


def signature_row(box: SignatureBox) -> Table:
    s = styles()
    name = box.printed_name or ""
    date_cell = uk_date(box.signed_on) if box.signed_on else ""
    how = f"Signature captured: {box.method}" if box.signed and box.method else (
        "" if box.signed else "To be signed by hand")
    # How it was captured goes under the name and date, beside the signing area rather
    # than below it: a line less per signature, which keeps most records on one page.
    rows = [[Paragraph(box.role + " signature", s["label"]), SignatureImage(box),
             Paragraph("Printed name", s["label"]), Paragraph("Date", s["label"])],
            ["", "", text(name, "cell"), text(date_cell, "cell")],
            ["", "", text(how, "small"), ""]]
    table = Table(rows, colWidths=[34 * mm, BOX_W + 4 * mm, WIDTH - 34 * mm - BOX_W - 4 * mm - 28 * mm,
                                   28 * mm], rowHeights=[None, None, None])
    table.setStyle(TableStyle([
        ("SPAN", (0, 0), (0, 2)), ("SPAN", (1, 0), (1, 2)), ("SPAN", (2, 2), (3, 2)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # The name and date are boxes too, so an unsigned form has room for a pen.
        ("BOX", (2, 1), (2, 1), 0.6, RULE), ("BOX", (3, 1), (3, 1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 1), (-1, 1), 4), ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
    ]))
    return table


def signature_rows(*boxes: SignatureBox) -> list:
    parts: list = []
    for box in boxes:
        parts += [signature_row(box), Spacer(1, 2 * mm)]
    return parts


def signatures(*boxes: SignatureBox, before: list | None = None,
               after: list | None = None) -> KeepTogether:
    """Signature boxes kept on one page with what they sign (`before`, e.g. a declaration)
    and what a form prints beside them (`after`, e.g. a key). One KeepTogether, never
    nested: ReportLab treats a nested one as too tall for any page and breaks the page early."""
    return KeepTogether(list(before or []) + signature_rows(*boxes) + list(after or []))


def facts(pairs: list[tuple[str, str]], columns: int = 2, label_width: float = 30 * mm) -> Table:
    """Label/value pairs in a grid, e.g. Date / Location / Start / End."""
    s = styles()
    cells = [[Paragraph(label, s["cell_bold"]), text(value, "cell")] for label, value in pairs]
    rows = []
    for i in range(0, len(cells), columns):
        row = sum(cells[i:i + columns], [])
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    label_w = label_width
    value_w = WIDTH / columns - label_w
    table = Table(rows, colWidths=[label_w, value_w] * columns)
    commands = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for c in range(0, 2 * columns, 2):
        commands.append(("BACKGROUND", (c, 0), (c, -1), LIGHT))
    table.setStyle(TableStyle(commands))
    return table


DECISIONS = {"met": "Met", "working_towards": "Working towards"}


def criteria_table(criteria: list[CriterionRef], heading: str = "Criteria covered") -> list:
    """The ACs a piece of evidence covers, with the assessor's decision for each (met or
    working towards) where it is known and their note under the AC's wording."""
    s = styles()
    if not criteria:
        return [Paragraph(heading, s["heading"]), text("No criteria mapped.", "small")]
    decided = any(c.status for c in criteria)
    head = ["Unit", "AC", "Assessment criterion"] + (["Decision"] if decided else [])
    rows = [[Paragraph(h, s["cell_bold"]) for h in head]]
    for c in criteria:
        wording = c.text + (f"\nAssessor's note: {c.note}" if c.note else "")
        row = [text(c.unit, "cell"), text(c.number, "cell"), text(wording, "cell")]
        if decided:
            row.append(text(DECISIONS.get(c.status, c.status), "cell"))
        rows.append(row)
    widths = [20 * mm, 14 * mm] + ([28 * mm] if decided else [])
    widths.insert(2, WIDTH - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Paragraph(heading, s["heading"]), table]


def heading(value: str) -> Paragraph:
    return text(value, "heading")


def title(value: str) -> Paragraph:
    return text(value, "title")
