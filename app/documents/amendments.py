"""How a correction and the signed record it corrects are told apart on paper: both keep one
portfolio reference, so the reference is marked ("PD-001 (amendment 1)", "PD-001
(superseded)") and a box under the record's facts says what corrects what, when and why."""
from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from app.documents.model import Correction, Supersession, marked_reference
from app.documents.style import FONT, INK, LIGHT, WIDTH, Table, styles, text, uk_date


def printed_reference(record) -> str:
    """A record's reference as its page, footer and contents line print it."""
    return marked_reference(record.reference, record.correction, record.superseded)


def standing(record) -> list:
    """The boxes for a record that corrects another or is superseded (a correction of a
    correction has both); nothing for every other record."""
    flow: list = []
    if record.correction:
        c = record.correction
        flow += _box("Correction of a signed record", correction_lines(c), c.changes)
    if record.superseded:
        s = record.superseded
        flow += _box(f"Superseded by an amendment ({s.by}, {uk_date(s.made_on)})",
                     superseded_lines(s))
    return flow


def correction_lines(c: Correction) -> list[str]:
    corrects = (f"This record corrects {c.corrects}"
                + (f" signed on {uk_date(c.signed_on)}" if c.signed_on else "")
                + (f" by {_names(c.signed_by)}" if c.signed_by else "") + ".")
    made = (f"Amended on {uk_date(c.made_on)}" + (f" by {c.made_by}" if c.made_by else "")
            + f"; reason: {c.reason}")
    if not c.changes:
        return [corrects, made, "What changed: nothing yet; this record still has the "
                                "content of the one it corrects."]
    return [corrects, made, "What changed:"]            # then each change, bulleted


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def superseded_lines(s: Supersession) -> list[str]:
    follows = "The amendment follows this record"
    if s.stands:
        follows += (" and is not fully signed yet." if s.signed else " and is not signed yet.")
        follows += " Until it is, this record is the one that counts."
    else:
        follows += "."
    return ["This record is kept as it was signed; the amendment corrects it.",
            f"Reason for the amendment: {s.reason}", follows]


def _box(heading: str, lines: list[str], bullets: list[str] = ()) -> list:
    """A ruled, shaded box, one row per line so a long list of changes runs over a page
    rather than failing to fit one; each change hangs from its bullet."""
    rows = [[text(heading, "cell_bold")]]
    rows += [[text(line, "cell")] for line in lines]
    rows += [[Paragraph(escape(b), _bullet_style(), bulletText="•")] for b in bullets]
    table = Table(rows, colWidths=[WIDTH])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, INK),
                               ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, 0), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
                               ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
                               ("LEFTPADDING", (0, 0), (-1, -1), 5),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 5)]))
    return [Spacer(1, 2.5 * mm), table]


@lru_cache(maxsize=1)
def _bullet_style() -> ParagraphStyle:
    # The bullet in the embedded font too: the default (Helvetica) is not in the file.
    return ParagraphStyle("bullet", parent=styles()["cell"], leftIndent=9, bulletIndent=1,
                          bulletFontName=FONT, bulletFontSize=8)
