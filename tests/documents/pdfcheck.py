"""Reading back what a PDF builder wrote, as a reader's PDF viewer would."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9][A-Za-z0-9'\-]*", text))


def fonts(pdf: bytes) -> dict[str, bool]:
    """Every font used, and whether its program is embedded in the file."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded
    return found


def render_png(pdf: bytes, folder: Path, dpi: int = 60) -> list[Path]:
    """Every page as a PNG via poppler, which is what the IQA's viewer would show."""
    if not shutil.which("pdftoppm"):
        return []
    source = folder / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(folder / "page")],
                   check=True)
    return sorted(folder.glob("page-*.png"))
