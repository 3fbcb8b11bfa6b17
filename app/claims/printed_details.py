"""A record's method-specific fields as they go on paper, driven by app/evidence/methods.py
DETAILS: every field the editor shows is printed under the label the assessor typed it
under, so a field added to a method reaches the paper without anyone remembering to."""
from __future__ import annotations

from app.documents.model import DetailEntry
from app.evidence.methods import DETAILS


def detail_entries(method: str, details: dict, skip: frozenset[str] = frozenset()) -> list[DetailEntry]:
    """The fields of `method` in DETAILS order, except those in `skip` (printed elsewhere on
    a page designed for the method). Empty fields are printed too: a blank on a form says
    nothing was written, which an IQA needs to see as much as what was."""
    entries = []
    for f in DETAILS.get(method, ()):
        if f.key in skip:
            continue
        value = details.get(f.key)
        if f.kind == "list":
            rows = tuple(tuple(_text(row.get(key)) for key, _ in f.columns)
                         for row in (value or []) if isinstance(row, dict))
            entries.append(DetailEntry(f.label, "list", columns=tuple(label for _, label in f.columns),
                                       rows=rows))
        else:
            entries.append(DetailEntry(f.label, "text" if f.kind == "text" else "line",
                                       _text(value)))
    return entries


def _text(value) -> str:
    return "" if value is None else str(value)
