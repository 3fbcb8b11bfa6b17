"""Times within a recording as assessors write them: "12:40" (minutes:seconds), the form
bookmarks are stored in and read back from."""
from __future__ import annotations


def mmss(ms: int) -> str:
    seconds = max(0, ms // 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"


def parse_mmss(text: str) -> int | None:
    """'12:40' or '1:02:05' -> milliseconds; None for anything else."""
    try:
        parts = [int(p) for p in text.strip().split(":")]
    except ValueError:
        return None
    seconds = 0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds * 1000
