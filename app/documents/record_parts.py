"""What every printed record of evidence shares, whatever its method: the facts at the top,
the method's own fields, the ACs it covers, the files behind it and the assessor's judgement.
An IQA reads every record the same way, so each page is built from these pieces in the same
order and a change to one of them is made once."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, TableStyle

from app.documents.blocks import criteria_table, facts, heading, signatures, title
from app.documents.model import AttachmentRef, CriterionRef, DetailEntry, SignatureBox
from app.documents.style import LIGHT, RULE, SHADE, WIDTH, Table, paragraphs, styles, text

JUDGEMENT = ("valid", "authentic", "current", "reliable", "sufficient")
# A heading this close to the foot of a page goes to the next one with what it introduces.
HEADING_ROOM = 24 * mm


def record_top(kind: str, record_title: str, pairs: list[tuple[str, str]]) -> list:
    """The page title, the record's own title and its facts (reference, method, date...)."""
    return [title(kind), text(record_title, "heading"), facts(pairs)]


def kept_heading(value: str) -> list:
    return [CondPageBreak(HEADING_ROOM), heading(value)]


def details(entries: list[DetailEntry]) -> list:
    """A method's fields: short ones together in one table, then each longer one under its
    label, lists as tables with their column labels."""
    lines = [(e.label, e.value) for e in entries if e.kind == "line"]
    flow: list = [Spacer(1, 2 * mm), facts(lines, columns=1, label_width=62 * mm)] if lines else []
    for e in entries:
        if e.kind == "text":
            flow += kept_heading(e.label) + paragraphs(e.value)
        elif e.kind == "list":
            flow += kept_heading(e.label) + [_list_table(e)]
    return flow


def _list_table(entry: DetailEntry):
    if not entry.rows:
        return text("None recorded.", "small")
    s = styles()
    rows = [[Paragraph(c, s["cell_bold"]) for c in entry.columns]]
    rows += [[text(v, "cell") for v in row] for row in entry.rows]
    # Short columns (times, AC numbers, a decision) narrow; the rest share what is left.
    narrow = [all(len(row[i]) <= 12 for row in entry.rows) for i in range(len(entry.columns))]
    wide = narrow.count(False)
    narrow_w = 24 * mm if wide else WIDTH / len(narrow)
    wide_w = (WIDTH - narrow_w * narrow.count(True)) / wide if wide else 0
    table = Table(rows, colWidths=[narrow_w if n else wide_w for n in narrow], repeatRows=1)
    table.setStyle(grid())
    return table


def criteria(refs: list[CriterionRef]) -> list:
    return [CondPageBreak(HEADING_ROOM)] + criteria_table(refs)


def attachments(files: list[AttachmentRef]) -> list:
    """The files behind the record: enough to find each one and check it is the same file."""
    if not files:
        return [Spacer(1, 2 * mm), text("Files attached: none.", "label")]
    flow = kept_heading("Files attached")
    s = styles()
    head = ("File", "Type", "Size", "Length", "SHA-256 (first 12)", "Caption")
    rows = [[Paragraph(h, s["cell_bold"]) for h in head]]
    for f in files:
        rows.append([text(f.name, "cell"), text(f.media_type, "cell"),
                     text(file_size(f.size), "cell"),
                     text(clip_length(f.duration_ms) if f.duration_ms else "", "cell"),
                     text(f.sha256[:12], "cell"), text(f.caption, "cell")])
    # Wide enough that a hash prefix and "Length" never break mid-word.
    widths = [38 * mm, 26 * mm, 17 * mm, 15 * mm, 25 * mm]
    table = Table(rows, colWidths=widths + [WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(grid())
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return flow + [table]


def judgement(held: list[str] | None) -> Table:
    """The assessor's VARCS judgement on one line: each quality, yes or no; a draft's
    (`held` None) says it is not yet judged, not 'no' five times as if judged negatively."""
    s = styles()
    label_w = 38 * mm
    if held is None:
        row = [Paragraph("Assessor's judgement", s["cell_bold"]),
               text("Not yet judged: this record is a draft.", "cell")]
        widths = [label_w, WIDTH - label_w]
    else:
        row = [Paragraph("Assessor's judgement", s["cell_bold"])] + [
            text(f"{j.capitalize()}: {'yes' if j in held else 'no'}", "cell") for j in JUDGEMENT]
        widths = [label_w] + [(WIDTH - label_w) / 5] * 5
    table = Table([row], colWidths=widths)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE),
                               ("BACKGROUND", (0, 0), (0, 0), LIGHT),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def closing(refs: list[CriterionRef], files: list[AttachmentRef], held: list[str] | None,
            boxes: list[SignatureBox], declaration: str = "") -> list:
    """The end of every record: ACs, files, then the judgement, any declaration and the
    signatures, kept on one page because the signatures put a name to that judgement."""
    before = [judgement(held), Spacer(1, 1.5 * mm)]
    if declaration:
        before.append(Paragraph(declaration, styles()["declaration"]))
    return criteria(refs) + attachments(files) + [Spacer(1, 1.5 * mm),
                                                  signatures(*boxes, before=before)]


def grid() -> TableStyle:
    return TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE),
                       ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                       ("VALIGN", (0, 0), (-1, -1), "TOP")])


def file_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return str(size)


def clip_length(ms: int) -> str:
    """Minutes:seconds, as the files list in the window shows a clip's length."""
    seconds = max(0, ms // 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
