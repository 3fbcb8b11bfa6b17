"""Records of evidence as the IQA reads them: observation, professional discussion,
questioning, witness testimony; the list of witnesses who signed; the unit achievement
summary. Narratives are separate flowables so long ones run over pages whole."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from app.documents.blocks import (
    SignatureImage, criteria_table, facts, heading, signatures, title,
)
from app.documents.model import (
    DiscussionRecordData, DocumentHeader, ObservationRecordData, QuestioningRecordData,
    Record, UnitAchievementSummaryData, WitnessListData, WitnessTestimonyData,
)
from app.documents.page import Section, digest, render
from app.documents.style import (
    RULE, SHADE, WIDTH, Table, paragraphs, styles, text, uk_date,
)

JUDGEMENT = ("valid", "authentic", "current", "reliable", "sufficient")


def _judgement(held: list[str]) -> Paragraph:
    marks = ", ".join(f"{j}: {'yes' if j in held else 'no'}" for j in JUDGEMENT)
    return text(f"Assessor's judgement of the evidence: {marks}.", "small")


def observation_section(r: ObservationRecordData) -> Section:
    times = " to ".join(t for t in (r.start_time, r.end_time) if t)
    flow = [title("Observation record"), text(r.title, "heading"),
            facts([("Reference", r.reference), ("Method", "Observation (Obs)"),
                   ("Date", uk_date(r.observed_on)), ("Time", times),
                   ("Location", r.location)]),
            heading("What the learner did")] + paragraphs(r.activity)
    flow += criteria_table(r.criteria)
    flow += [heading("Feedback to the learner")] + paragraphs(r.feedback)
    flow += [heading("Learner's comments")] + paragraphs(r.learner_comments)
    flow += [Spacer(1, 2 * mm), _judgement(r.judgement), Spacer(1, 3 * mm),
             signatures(r.assessor_signature, r.learner_signature)]
    return Section(f"Observation: {r.title}", r.reference, r.content_hash, flow)


def discussion_section(r: DiscussionRecordData) -> Section:
    s = styles()
    flow = [title("Professional discussion record"), text(r.title, "heading"),
            facts([("Reference", r.reference), ("Method", "Professional discussion (PD)"),
                   ("Date", uk_date(r.held_on)), ("Location", r.location),
                   ("Recording", r.recording or "none")]),
            heading("Topics planned")] + paragraphs(r.topics)
    flow += [heading("Summary of the discussion")] + paragraphs(r.summary)
    flow.append(heading("Bookmarks: where each criterion was covered"))
    if r.bookmarks:
        rows = [[Paragraph(h, s["cell_bold"]) for h in ("At", "Criteria", "Note")]]
        for b in r.bookmarks:
            acs = ", ".join(f"{c.unit} {c.number}" for c in b.criteria)
            rows.append([text(b.at, "cell"), text(acs, "cell"), text(b.note, "cell")])
        table = Table(rows, colWidths=[22 * mm, 45 * mm, WIDTH - 67 * mm], repeatRows=1)
        table.setStyle(_grid())
        flow.append(table)
    else:
        flow.append(text("No bookmarks.", "small"))
    flow += criteria_table(r.criteria)
    flow += [Spacer(1, 3 * mm), signatures(r.assessor_signature, r.learner_signature)]
    return Section(f"Professional discussion: {r.title}", r.reference, r.content_hash, flow)


def questioning_section(r: QuestioningRecordData) -> Section:
    s = styles()
    flow = [title("Questioning record"), text(r.title, "heading"),
            facts([("Reference", r.reference), ("Method", f"Questioning (Q), {r.mode}"),
                   ("Date", uk_date(r.asked_on)), ("Questions", str(len(r.questions)))])]
    for n, qa in enumerate(r.questions, start=1):
        acs = ", ".join(f"{c.unit} {c.number}" for c in qa.criteria)
        flow.append(Paragraph(f"Question {n}" + (f" ({acs})" if acs else ""), s["heading"]))
        flow += paragraphs(qa.question)
        flow.append(text("Answer", "label"))
        flow += paragraphs(qa.answer)
        if qa.judgement:
            flow.append(text(f"Judgement: {qa.judgement}", "small"))
    flow += [Spacer(1, 3 * mm), signatures(r.assessor_signature, r.learner_signature)]
    return Section(f"Questioning: {r.title}", r.reference, r.content_hash, flow)


def witness_testimony_section(r: WitnessTestimonyData) -> Section:
    kind = "Expert witness testimony" if r.expert else "Witness testimony"
    pairs = [("Reference", r.reference), ("Method", f"{kind} ({'EW' if r.expert else 'Wt'})"),
             ("Date", uk_date(r.witnessed_on)), ("Witness", r.witness_name),
             ("Role", r.witness_role), ("Relationship", r.relationship),
             ("Contact", r.contact)]
    if r.expert:
        pairs.append(("Occupational competence", r.occupational_competence))
    flow = [title(kind), text(r.title, "heading"), facts(pairs),
            heading("What the witness saw")] + paragraphs(r.testimony)
    flow += criteria_table(r.criteria)
    flow += [signatures(r.witness_signature, r.assessor_signature, before=[
        Paragraph("I confirm that this is a true account of what I saw the learner do.",
                  styles()["declaration"])])]
    return Section(f"{kind}: {r.witness_name}", r.reference, r.content_hash, flow)


def witness_list_section(r: WitnessListData) -> Section:
    s = styles()
    rows = [[Paragraph(h, s["cell_bold"]) for h in
             ("Witness", "Role and relationship", "Contact", "Records", "Signature specimen")]]
    for w in r.witnesses:
        rows.append([text(w.name, "cell"), text(f"{w.role}\n{w.relationship}", "cell"),
                     text(w.contact, "cell"), text(", ".join(w.records), "cell"),
                     SignatureImage(w.specimen, 44 * mm, 13 * mm)])
    table = Table(rows, colWidths=[30 * mm, 38 * mm, 30 * mm, WIDTH - 146 * mm, 48 * mm],
                  repeatRows=1)
    table.setStyle(_grid())
    flow = [title("Witnesses who signed"),
            text("Everyone who signed a witness testimony in this portfolio, with a specimen "
                 "of their signature.", "small"), Spacer(1, 3 * mm), table]
    if not r.witnesses:
        flow.append(text("No witness testimony in this portfolio.", "small"))
    return Section("List of witnesses", r.reference, r.content_hash or digest(r), flow,
                   signed=bool(r.content_hash))


def achievement_summary_section(r: UnitAchievementSummaryData) -> Section:
    s = styles()
    rows = [[Paragraph(h, s["cell_head"]) for h in
             ("Unit", "Title", "Group", "Credit", "ACs met", "Signed off", "Status")]]
    for u in r.rows:
        rows.append([text(u.number, "cell"), text(u.title, "cell"), text(u.group, "cell"),
                     text("" if u.credit is None else str(u.credit), "cell"),
                     text(f"{u.criteria_met} of {u.criteria_total}", "cell"),
                     text(uk_date(u.signed_off_on), "cell"), text(u.status, "cell")])
    table = Table(rows, colWidths=[13 * mm, WIDTH - 125 * mm, 26 * mm, 13 * mm, 18 * mm,
                                   21 * mm, 34 * mm], repeatRows=1)
    table.setStyle(_grid())
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    flow = [title("Unit achievement summary"), table, Spacer(1, 3 * mm),
            text(r.combination_summary, "body")]
    return Section("Unit achievement summary", r.reference, r.content_hash or digest(r), flow,
                   signed=bool(r.content_hash))


def record_section(record: Record) -> Section:
    builder = {ObservationRecordData: observation_section,
               DiscussionRecordData: discussion_section,
               QuestioningRecordData: questioning_section,
               WitnessTestimonyData: witness_testimony_section}[type(record)]
    return builder(record)


def _grid() -> TableStyle:
    return TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE),
                       ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                       ("VALIGN", (0, 0), (-1, -1), "TOP")])


def build_records(header: DocumentHeader, records: list[Record],
                  witnesses: WitnessListData | None = None,
                  summary: UnitAchievementSummaryData | None = None) -> bytes:
    sections = ([achievement_summary_section(summary)] if summary else []) + [
        record_section(r) for r in records] + (
        [witness_list_section(witnesses)] if witnesses else [])
    return render(header, sections, "Records of evidence")
