"""The evidence matrix, one per unit (EDI, seed 002 Appendix E): rows of evidence, columns of
the unit's ACs grouped by LO, a mark where the evidence covers the AC.

A4 portrait leaves room for about a dozen AC columns beside the row labels, so a wide unit
is printed in parts: each part repeats the portfolio reference, description and method of
every row, and breaks between LOs where it can.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, TableStyle

from app.documents.blocks import facts, signatures, title
from app.documents.model import DocumentHeader, EvidenceMatrixData, MatrixOutcome, SignOffTerms
from app.documents.page import Section, render
from app.documents.words import unit_name, unit_reference
from app.documents.style import (
    FONT, LIGHT, RULE, SHADE, WIDTH, Table, styles, text, uk_date,
)

METHOD_KEY = {
    "Obs": "Observation", "P": "Product evidence", "Q": "Questioning",
    "PD": "Professional discussion", "Wt": "Witness testimony",
    "EW": "Expert witness testimony", "RA": "Reflective account",
    "A": "APA/APL (prior achievement or learning)", "Sim": "Simulation/assignment",
    "RWE": "Realistic working environment/work placement", "Ot": "Other",
}
DECLARATION = ("The above evidence has been assessed against the standards for this unit and "
               "has been judged for validity, authenticity, currency, reliability and "
               "sufficiency.")
MET, WORKING = "✓", "wt"

REF_W, DESC_W, METH_W = 20 * mm, 45 * mm, 12 * mm
# Room for "(amendment 1)" on the line under a corrected record's reference, taken from the
# description, only in a matrix that needs it: a word broken mid-way ("(a mendment 1)")
# reads as another reference, and every other matrix keeps its lines and pages.
WIDE_REF_W, WIDE_PADDING = 24 * mm, 2
AC_W = 7.6 * mm
MAX_COLUMNS = int((WIDTH - REF_W - DESC_W - METH_W) // AC_W)


@dataclass(frozen=True)
class _Block:
    """Consecutive ACs of one LO printed side by side."""
    outcome: MatrixOutcome
    criteria: list[str]
    continued: bool


def split_columns(outcomes: list[MatrixOutcome], limit: int = MAX_COLUMNS) -> list[list[_Block]]:
    """Group ACs into page-wide parts, keeping an LO together when it fits in one part."""
    parts: list[list[_Block]] = [[]]
    used = 0
    for outcome in outcomes:
        pending, continued = list(outcome.criteria), False
        if used and used + len(pending) > limit:
            parts.append([])
            used = 0
        while pending:
            room = limit - used
            if room == 0:
                parts.append([])
                used, room = 0, limit
            take, pending = pending[:room], pending[room:]
            parts[-1].append(_Block(outcome, take, continued))
            used += len(take)
            continued = True
    return [p for p in parts if p]


def _part_table(data: EvidenceMatrixData, blocks: list[_Block]) -> Table:
    s = styles()
    columns = [(b, ac) for b in blocks for ac in b.criteria]
    n = len(columns)
    top = [Paragraph("Portfolio ref", s["cell_head"]), Paragraph("Evidence description",
           s["cell_head"]), Paragraph("Method", s["cell_head"]),
           Paragraph(data.standards_title or "Assessment criteria", s["cell_bold"])] + [""] * (n - 1)
    lo_row = ["", "", ""]
    spans = [("SPAN", (3, 0), (3 + n - 1, 0))]
    col = 3
    for block in blocks:
        label = f"LO {block.outcome.number}" + (" (cont.)" if block.continued else "")
        lo_row += [Paragraph(label, s["cell_bold"])] + [""] * (len(block.criteria) - 1)
        spans.append(("SPAN", (col, 1), (col + len(block.criteria) - 1, 1)))
        col += len(block.criteria)
    ac_row = ["", "", ""] + [Paragraph(ac, s["cell"]) for _, ac in columns]
    rows = [top, lo_row, ac_row]
    for row in data.rows:
        cells = [text(row.portfolio_ref, "cell"), text(row.description, "cell"),
                 text(row.method, "cell")]
        for _, ac in columns:
            mark = row.marks.get(ac)
            cells.append(MET if mark == "met" else WORKING if mark else "")
        rows.append(cells)
    met = {ac for row in data.rows if row.counts for ac, m in row.marks.items() if m == "met"}
    rows.append([Paragraph("Criteria met by the evidence above", s["cell_bold"]), "", ""]
                + [MET if ac in met else "no" for _, ac in columns])
    ref_w = REF_W if all(_fits(row.portfolio_ref, REF_W - 12) for row in data.rows) \
        else WIDE_REF_W
    widths = [ref_w, DESC_W - (ref_w - REF_W), METH_W] + [AC_W] * n
    table = Table(rows, colWidths=widths, repeatRows=3)
    last = len(rows) - 1
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 2), SHADE),
        ("SPAN", (0, 0), (0, 2)), ("SPAN", (1, 0), (1, 2)), ("SPAN", (2, 0), (2, 2)),
        ("SPAN", (0, last), (2, last)), ("BACKGROUND", (0, last), (-1, last), LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (3, 3), (-1, -1), "CENTER"), ("VALIGN", (3, 3), (-1, -1), "MIDDLE"),
        ("FONTNAME", (3, 3), (-1, -1), "DejaVuSans"), ("FONTSIZE", (3, 3), (-1, -1), 8),
        ("LEFTPADDING", (2, 0), (-1, -1), 1.5), ("RIGHTPADDING", (2, 0), (-1, -1), 1.5),
    ] + spans
    if ref_w != REF_W:
        style += [("LEFTPADDING", (0, 0), (0, -1), WIDE_PADDING),
                  ("RIGHTPADDING", (0, 0), (0, -1), WIDE_PADDING)]
    table.setStyle(TableStyle(style))
    return table


def _fits(reference: str, width: float) -> bool:
    """Whether every word of a reference fits the column whole (the cell wraps between words)."""
    return all(stringWidth(word, FONT, 8) <= width for word in reference.split())


def _method_key() -> Table:
    items = list(METHOD_KEY.items())
    half = (len(items) + 1) // 2
    rows = []
    for i in range(half):
        row = []
        for code, name in (items[i], items[i + half] if i + half < len(items) else ("", "")):
            row += [code + (" =" if code else ""), text(name, "cell")]
        rows.append(row)
    table = Table(rows, colWidths=[14 * mm, WIDTH / 2 - 14 * mm] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("FONTNAME", (0, 0), (0, -1), "DejaVuSans-Bold"),
                               ("FONTNAME", (2, 0), (2, -1), "DejaVuSans-Bold"),("TOPPADDING", (0, 0), (-1, -1), 0.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return table


def sign_off_block(terms: SignOffTerms) -> list:
    """The unit sign-off as signed, above the signatures that put names to it: date,
    decision, the evidence it rests on, the assessor's declaration and the learner's
    confirmation, each in the words stored on the sign-off."""
    s = styles()
    evidence = ", ".join(terms.evidence) or "none listed"
    return [text("Unit sign-off", "heading"),
            facts([("Summative assessment date", uk_date(terms.summative_date)),
                   ("Decision", terms.decision.capitalize()),
                   ("Assessor", terms.assessor_name),
                   ("Evidence the decision rests on", evidence)],
                  columns=1, label_width=55 * mm),
            Spacer(1, 2 * mm),
            Paragraph("<b>Assessor's declaration:</b> " + escape(terms.assessor_declaration),
                      s["declaration"]),
            Paragraph("<b>Learner's confirmation:</b> " + escape(terms.learner_confirmation),
                      s["declaration"])]


def evidence_matrix_section(header: DocumentHeader, data: EvidenceMatrixData) -> Section:
    s = styles()
    parts = split_columns(data.outcomes)
    flow: list = [title("Evidence matrix"),
                  text(f"{unit_name(data.unit_number)}: {data.unit_title}", "heading")]
    about = unit_reference(data.unit_reference, data.unit_credit)
    if about:
        flow.append(text(f"Unit reference: {about}", "caption"))
    for index, blocks in enumerate(parts, start=1):
        if len(parts) > 1:
            first, last = blocks[0].criteria[0], blocks[-1].criteria[-1]
            flow.append(text(f"Part {index} of {len(parts)}: criteria {first} to {last}",
                             "caption"))
        flow += [_part_table(data, blocks), Spacer(1, 4 * mm)]
    flow.append(text(f"Marks: {MET} criterion met by this evidence; {WORKING} working towards; "
                     "blank not covered.", "small"))
    # EDI prints the method key beside the signatures: kept with them, it is never left
    # alone at the top of a page of its own.
    signed_for = (sign_off_block(data.sign_off) if data.sign_off
                  else [Paragraph(DECLARATION, s["declaration"])])
    flow.append(signatures(data.learner_signature, data.assessor_signature, data.iv_signature,
                           *data.more_signatures, before=signed_for,
                           after=[text("Assessment method key", "label"), Spacer(1, 1 * mm),
                                  _method_key()]))
    return Section(f"Evidence matrix: {unit_name(data.unit_number, 'unit')}", data.reference,
                   data.content_hash, flow)


def build_evidence_matrix(header: DocumentHeader, matrices: list[EvidenceMatrixData]) -> bytes:
    return render(header, [evidence_matrix_section(header, m) for m in matrices],
                  "Evidence matrix")
