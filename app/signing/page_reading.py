"""Page codes read from what someone holds: a PDF Fieldfolio printed, or a scan or photo of
paper pages.

A PDF's pages are read as text (pypdf): each footer's reference and fingerprint. An image
is searched for QR codes (zxing-cpp, a maintained decoder; writing one would be folly), each
carrying its page's full code. Both libraries load only when a file is given.
"""
from __future__ import annotations

import re
from pathlib import Path

FOOTER = re.compile(r"Reference:\s*(?P<ref>.+?)\s*\n?\s*Fingerprint:\s*(?P<fp>(?:[0-9A-F]{4}\s?){3})",
                    re.IGNORECASE)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}


class UnreadablePage(Exception):
    """The file could not be read as a PDF or an image; the message says why."""


def codes_in_pdf(path: Path) -> list[tuple[int, str | None]]:
    """(page number, code or None) for each page; None where the page carries no code
    (a contents page, a page not printed by Fieldfolio)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        pages = PdfReader(str(path)).pages
        texts = [page.extract_text() or "" for page in pages]
    except (PdfReadError, OSError, ValueError) as exc:
        raise UnreadablePage(f"{path.name} cannot be read as a PDF ({exc}).") from None
    out = []
    for number, text in enumerate(texts, start=1):
        m = FOOTER.search(text)
        out.append((number, f"{m['ref'].strip()} {m['fp'].strip()}" if m else None))
    return out


def codes_in_image(path: Path) -> list[str]:
    """The Fieldfolio codes of every QR found in a scan or photo, top to bottom."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as image:
            found = zxingcpp.read_barcodes(image.convert("L"))
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadablePage(f"{path.name} cannot be read as an image ({exc}).") from None
    found = sorted(found, key=lambda b: (b.position.top_left.y, b.position.top_left.x))
    return [b.text for b in found if b.text.upper().startswith("FIELDFOLIO:")]


def codes_in_file(path: Path) -> list[tuple[str, str | None]]:
    """(where on the paper, code or None) for a PDF or an image."""
    path = Path(path)
    if not path.is_file():
        raise UnreadablePage(f"{path} is not a file.")
    if path.suffix.lower() == ".pdf":
        return [(f"{path.name} page {n}", code) for n, code in codes_in_pdf(path)]
    if path.suffix.lower() in IMAGE_SUFFIXES:
        codes = codes_in_image(path)
        return [(f"{path.name} code {n}", code) for n, code in enumerate(codes, start=1)] or [
            (path.name, None)]
    raise UnreadablePage(f"{path.name}: give a PDF, a scan (PNG, JPEG, TIFF) or a page's code.")
