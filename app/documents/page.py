"""Page furniture and assembly: every page says whose it is, which record it shows and how to
check it against the system.

Header: centre, learner (with ULN and registration number), qualification. Footer: the
record's reference, a short fingerprint of its signed hash, a QR code carrying reference and
full hash, and "Page x of y". The furniture is drawn after the whole document is laid out,
because "of y" is only known then.
"""
from __future__ import annotations

import gc
import hashlib
import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate, Paragraph, Spacer,
)

from app.documents.model import DocumentHeader
from app.documents.qr import draw_qr
from app.documents.style import (
    BOTTOM, FONT, FONT_BOLD, INK, LEFT, PAGE, RIGHT, RULE, SHADE, TOP, WIDTH, fingerprint,
    register_fonts, styles, text,
)

QR_SIZE = 18 * mm


def qr_payload(reference: str, content_hash: str | None, signed: bool = True) -> str:
    # Upper case keeps the payload in QR's compact alphanumeric mode: a smaller code. A page
    # generated from the records (a summary) says so, so a checker does not look for a
    # signature it never had (app/signing/page_check.py reads these).
    kind = "" if signed or not content_hash else "GENERATED:"
    return f"FIELDFOLIO:{reference}:{kind}{content_hash or 'UNSIGNED'}".upper()


def digest(data) -> str:
    """A stable SHA-256 of generated content (a summary, a list), for its page fingerprint."""
    return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()


@dataclass
class Section:
    """One record in a document: its pages carry its reference and fingerprint."""
    title: str
    reference: str
    content_hash: str | None
    flowables: list
    in_contents: bool = True
    checkable: bool = True         # False for pages made only for this printout (contents)
    signed: bool = True            # False: content_hash is a digest of generated content
    # The reference as the footer and contents print it, where it says more than the bare
    # one ("PD-001 (amendment 1)"); the QR code keeps the bare one, its hash tells versions apart.
    printed_reference: str = ""

    @property
    def shown_reference(self) -> str:
        return self.printed_reference or self.reference


class RecordMark(Flowable):
    """Invisible: tells the canvas which record the following pages belong to."""

    def __init__(self, section: Section, index: int):
        super().__init__()
        self.section, self.index = section, index
        self.width = self.height = 0

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        self.canv.ff_mark(self.section, self.index)


class _FurnishedCanvas(Canvas):
    """Keeps each page until the end so the furniture can say "Page x of y"."""

    header: DocumentHeader

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[tuple[dict, Section | None]] = []
        self._current: Section | None = None
        self._page_section: Section | None = None
        self._qr_forms: dict[str, str] = {}
        self.section_pages: dict[int, int] = {}
        # Section indexes whose first page the contents page refers to, as forms drawn last.
        self.contents_refs: set[int] = set()

    def ff_mark(self, section: Section, index: int) -> None:
        self._current = self._page_section = section
        self.section_pages.setdefault(index, self.getPageNumber())

    def showPage(self):
        self._pages.append((dict(self.__dict__), self._page_section))
        self._startPage()
        self._page_section = self._current

    def save(self):
        total = len(self._pages)
        for number, (state, section) in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if number == 1:
                self._define_contents_numbers()
            self._draw_furniture(number, total, section)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_furniture(self, number: int, total: int, section: Section | None) -> None:
        h = self.header
        width, height = PAGE
        top = height - 11 * mm
        self.setFillColor(RULE)
        self.setFont(FONT_BOLD, 9)
        self.drawString(LEFT, top, _clip(h.learner_name, FONT_BOLD, 9, WIDTH * 0.5))
        ids = "   ".join(x for x in (f"ULN {h.uln}" if h.uln else "",
                                     f"Registration no. {h.registration_number}"
                                     if h.registration_number else "") if x)
        self.setFont(FONT, 8)
        self.drawRightString(width - RIGHT, top, _clip(ids, FONT, 8, WIDTH * 0.48))
        qualification = h.qualification_title + (
            f" ({h.qualification_number})" if h.qualification_number else "")
        self.drawString(LEFT, top - 10, _clip(qualification, FONT, 8, WIDTH))
        self.drawString(LEFT, top - 20, _clip(h.centre, FONT, 8, WIDTH))
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(LEFT, top - 25, width - RIGHT, top - 25)

        base = 10 * mm
        self.line(LEFT, base + QR_SIZE + 2 * mm, width - RIGHT, base + QR_SIZE + 2 * mm)
        reference = section.reference if section else ""
        content_hash = section.content_hash if section else None
        self.setFont(FONT_BOLD, 8.5)
        self.drawString(LEFT, base + QR_SIZE - 4 * mm,
                        _clip(section.title if section else "", FONT_BOLD, 8.5, WIDTH - QR_SIZE - 40 * mm))
        self.setFont(FONT, 8)
        if section and section.checkable:
            self.drawString(LEFT, base + QR_SIZE - 8.5 * mm,
                            f"Reference: {section.shown_reference}")
            if content_hash and not section.signed:
                line = (f"Fingerprint of contents: {fingerprint(content_hash)} "
                        "(generated from the records, not itself signed)")
            else:
                line = f"Fingerprint: {fingerprint(content_hash)}" + (
                    "" if content_hash else "  (not signed yet: check the record before relying on this page)")
            self.drawString(LEFT, base + QR_SIZE - 12.5 * mm, _clip(line, FONT, 8, WIDTH - QR_SIZE - 4 * mm))
        self.setFont(FONT_BOLD, 9)
        self.drawRightString(width - RIGHT - QR_SIZE - 4 * mm, base + QR_SIZE - 4 * mm,
                             f"Page {number} of {total}")
        if section and section.checkable:
            self._draw_qr(qr_payload(reference, content_hash, section.signed),
                          width - RIGHT - QR_SIZE, base)

    def _define_contents_numbers(self) -> None:
        # The contents lines drew these forms before their numbers were known; a form's
        # text sits in reading order, so copying the contents gives the numbers in line.
        for index in self.contents_refs:
            # The number is right-aligned on the form's origin: its box must reach left.
            self.beginForm(ContentsLine.form_name(index), lowerx=-60, lowery=-4, upperx=2,
                           uppery=14)
            self.setFont(FONT, ContentsLine.SIZE)
            self.setFillColor(INK)
            self.drawRightString(0, 0, str(self.section_pages.get(index, "")))
            self.endForm()

    def _draw_qr(self, payload: str, x: float, y: float) -> None:
        # One form per record, reused on each of its pages: smaller files, faster builds.
        name = self._qr_forms.get(payload)
        if name is None:
            name = f"qr{len(self._qr_forms)}"
            self._qr_forms[payload] = name
            self.beginForm(name)
            draw_qr(self, payload, 0, 0, QR_SIZE)
            self.endForm()
        self.saveState()
        self.translate(x, y)
        self.doForm(name)
        self.restoreState()


def _clip(value: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value + "…"


def _story(sections: list[Section]) -> list:
    story: list = []
    for index, section in enumerate(sections):
        if index:
            story.append(PageBreak())
        story.append(RecordMark(section, index))
        story.extend(section.flowables)
    return story


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = True


@contextmanager
def _cyclic_gc_paused():
    """Layout makes hundreds of thousands of short-lived objects and almost no cycles; the
    cyclic collector's passes over them cost a quarter of a large build. Paused only while
    some build runs (counted, as builds may overlap on reader threads), then resumed."""
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
        _gc_holders += 1
        gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


def _render(header: DocumentHeader, story: list, title: str) -> bytes:
    with _cyclic_gc_paused():
        return _layout(header, story, title)


def _layout(header: DocumentHeader, story: list, title: str) -> bytes:
    register_fonts()
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=PAGE, leftMargin=LEFT, rightMargin=RIGHT,
                          topMargin=TOP, bottomMargin=BOTTOM, title=title,
                          author=header.centre, subject=header.learner_name,
                          creator="Fieldfolio", initialFontName=FONT, initialFontSize=9)
    frame = Frame(LEFT, BOTTOM, WIDTH, PAGE[1] - TOP - BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    canvas_class = type("FurnishedCanvas", (_FurnishedCanvas,), {"header": header})
    doc.build(story, canvasmaker=canvas_class)
    return out.getvalue()


def render(header: DocumentHeader, sections: list[Section], title: str) -> bytes:
    """Lay out sections one after another, each starting on a new page."""
    return _render(header, _story(sections), title)


def render_with_contents(header: DocumentHeader, sections: list[Section], title: str) -> bytes:
    """As render(), after a contents page listing where each section starts.

    One layout pass: the contents lines leave their page numbers blank and the canvas writes
    them in at the end, with the page furniture, when every section's first page is known.
    """
    s = styles()
    lines: list = [ContentsLine("Document", "Reference", "Fingerprint", None, heading=True)]
    lines += [ContentsLine(sec.title, sec.shown_reference, fingerprint(sec.content_hash), i + 1)
              for i, sec in enumerate(sections) if sec.in_contents]
    contents = Section("Contents", "CONTENTS", None, [
        Paragraph(title, s["title"]),
        text("Each page of this pack carries the reference and fingerprint of the record it "
             "shows, and a QR code holding the record's full signed hash, so a printed page "
             "can be checked against Fieldfolio.", "small"),
        Spacer(1, 4 * mm)] + lines, in_contents=False, checkable=False)
    return _render(header, _story([contents] + sections), title)


class ContentsLine(Flowable):
    """One line of the contents page; the page number is written in after layout."""

    SIZE = 8.5
    HEIGHT = 15

    def __init__(self, title: str, reference: str, fingerprint_text: str,
                 section_index: int | None, heading: bool = False):
        super().__init__()
        self.title, self.reference, self.fp = title, reference, fingerprint_text
        self.section_index, self.heading = section_index, heading

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.HEIGHT

    @staticmethod
    def form_name(index: int) -> str:
        return f"contents_page_{index}"

    def draw(self):
        c = self.canv
        font = FONT_BOLD if self.heading else FONT
        ref_x, fp_x, page_x = self.width - 90 * mm, self.width - 50 * mm, self.width - 2
        if self.heading:
            c.setFillColor(SHADE)
            c.rect(0, 0, self.width, self.HEIGHT, stroke=0, fill=1)
        c.setFillColor(INK)
        c.setFont(font, self.SIZE)
        c.drawString(2, 4, _clip(self.title, font, self.SIZE, ref_x - 6))
        c.drawString(ref_x, 4, _clip(self.reference, font, self.SIZE, fp_x - ref_x - 4))
        c.drawString(fp_x, 4, self.fp)
        if self.heading:
            c.drawRightString(page_x, 4, "Page")
        else:
            c.contents_refs.add(self.section_index)
            c.saveState()
            c.translate(page_x, 4)
            c.doForm(self.form_name(self.section_index))
            c.restoreState()
        c.setStrokeColor(RULE)
        c.setLineWidth(0.3)
        c.line(0, 0, self.width, 0)
