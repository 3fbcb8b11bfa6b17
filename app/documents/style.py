"""Fonts, sizes and paragraph styles shared by every document.

DejaVu Sans is embedded so that text is selectable and looks the same on every platform,
and so that names like "Siân" or "Zoë" print; the copy in resources/fonts/ is used when the
system has none (Windows, macOS).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, TableStyle
from reportlab.platypus import Table as _Table

from app.paths import resources_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

PAGE = A4
# Left margin leaves room for two- and four-hole punching; the others for printers' edges.
LEFT, RIGHT = 25 * mm, 15 * mm
TOP, BOTTOM = 30 * mm, 30 * mm
WIDTH = PAGE[0] - LEFT - RIGHT

INK = colors.black
RULE = colors.HexColor("#555555")
SHADE = colors.HexColor("#E6E6E6")
LIGHT = colors.HexColor("#F4F4F4")


def _font_file(name: str) -> Path:
    for folder in (SYSTEM_FONT_DIR, resources_dir() / "fonts"):
        candidate = folder / f"{name}.ttf"
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{name}.ttf is missing from resources/fonts")


@lru_cache(maxsize=1)
def register_fonts() -> None:
    # Binary streams: ASCII85 would make files 25% larger and builds slower for no reader.
    rl_config.useA85 = 0
    for name in (FONT, FONT_BOLD):
        pdfmetrics.registerFont(TTFont(name, str(_font_file(name))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT,
                          spaceAfter=4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=8,
                                    leading=9.5, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=FONT_BOLD, fontSize=7,
                                    leading=8.5, spaceAfter=0),
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=15,
                                leading=19, spaceAfter=6),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=10.5,
                                  leading=14, spaceBefore=8, spaceAfter=4),
        "label": ParagraphStyle("label", parent=body, fontName=FONT_BOLD, fontSize=8.5,
                                leading=11, spaceAfter=0),
        # A caption that never ends a page without the table it names.
        "caption": ParagraphStyle("caption", parent=body, fontName=FONT_BOLD, fontSize=8.5,
                                  leading=11, spaceAfter=3, keepWithNext=1),
        "declaration": ParagraphStyle("declaration", parent=body, fontName=FONT_BOLD,
                                      fontSize=9.5, leading=12.5, spaceBefore=6, spaceAfter=4),
        "prompt": ParagraphStyle("prompt", parent=body, fontSize=8, leading=10,
                                 textColor=colors.HexColor("#333333"), leftIndent=8,
                                 spaceAfter=1),
    }


def text(value: str | None, style: str = "body") -> Paragraph:
    """User text as a paragraph: markup characters escaped, line breaks kept."""
    value = value or ""
    if "\n" not in value:
        # Plain text needs no markup parser: a copy of the style's fragment carrying the
        # text lays out the same and saves most of the cost of a large claim pack.
        frag = _plain_fragment(style).clone(text=" ".join(value.split()))
        return Paragraph(value, styles()[style], frags=[frag])
    safe = escape(value).replace("\n", "<br/>")
    return Paragraph(safe, styles()[style])


@lru_cache(maxsize=None)
def _plain_fragment(style: str):
    return Paragraph("x", styles()[style]).frags[0]


def paragraphs(value: str | None, style: str = "body") -> list[Paragraph]:
    """Long user text as one flowable per paragraph, so it flows over pages whole."""
    blocks = [b.strip() for b in (value or "").replace("\r\n", "\n").split("\n\n")]
    return [text(b, style) for b in blocks if b] or [text("(none written)", "small")]


def uk_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def fingerprint(content_hash: str | None) -> str:
    """The first 12 hex digits of a signed hash, in groups a person can read aloud."""
    if not content_hash:
        return "not signed"
    digits = content_hash.upper()[:12]
    return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))


class Table(_Table):
    """A platypus Table whose plain-string cells use the embedded font, not Helvetica."""

    def __init__(self, data, *args, **kwargs):
        kwargs.setdefault("hAlign", "LEFT")
        super().__init__(data, *args, **kwargs)
        self.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT),
                                  ("FONTSIZE", (0, 0), (-1, -1), 8)]))
