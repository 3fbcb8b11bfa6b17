"""Photos and a short recording for the demo's signed records, made here rather than
shipped: a few kilobytes each, so `verify` has file bytes to check and a tamper test has
something to change on disk.

The photo is a JPEG drawn with Pillow (already installed for ReportLab); the recording is
a second of quiet tone as 16 kHz mono WAV, the format the app records in.
"""
from __future__ import annotations

import io
import math
import struct
import tempfile
import wave
from pathlib import Path

from sqlalchemy.orm import Session

from app.evidence.attachment_store import AttachmentStore
from app.evidence.attachments import add_attachment

RATE = 16000


def demo_photo(seed: int) -> bytes:
    """A small JPEG: a till or shelf in the shop's colours, different per record."""
    from PIL import Image, ImageDraw
    image = Image.new("RGB", (160, 120), (230 - seed * 9 % 60, 226, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20 + seed % 20, 40, 140, 100), fill=(60, 90 + seed * 13 % 120, 140))
    draw.rectangle((50, 20, 110, 40), fill=(200, 60, 50))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def demo_recording(seconds: float = 1.0, pitch: int = 220) -> bytes:
    """A quiet tone as WAV (16 kHz, mono, 16-bit), about 32 kB a second."""
    frames = b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * pitch * n / RATE)))
                      for n in range(int(RATE * seconds)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)
    return out.getvalue()


def attach_demo_file(session: Session, attachments: AttachmentStore, record_id: str, name: str,
                     data: bytes, caption: str) -> str:
    """Store the bytes as an assessor's file would be (content-addressed, atomic) and
    attach them to the record."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        stored = attachments.import_file(source)
    return add_attachment(session, record_id, stored, caption)
