"""Records of evidence as the IQA reads them: observation, professional discussion,
questioning, witness and expert witness testimony, and one page for every other method
(product evidence, reflective account, prior learning, simulation, other); the list of
witnesses who signed; the unit achievement summary. Every record ends the same way
(record_parts.closing): ACs, files, judgement, signatures. Narratives are separate
flowables so long ones run over pages whole."""
from __future__ import annotations

import re

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, TableStyle

from app.documents.amendments import printed_reference, standing
from app.documents.blocks import SignatureImage, title
from app.documents.model import (
    DiscussionRecordData, DocumentHeader, EvidenceRecordData, ObservationRecordData,
    QuestioningRecordData, Record, UnitAchievementSummaryData, WitnessListData,
    WitnessTestimonyData,
)
from app.documents.page import Section, digest, render
from app.documents.record_parts import (
    HEADING_ROOM, closing, details, grid, kept_heading, record_top,
)
from app.documents.style import WIDTH, Table, paragraphs, styles, text, uk_date

WITNESS_DECLARATION = "I confirm that this is a true account of what I saw the learner do."
# Page titles where "<method> record" would not read as a form's name.
PAGE_TITLES = {"Sim": "Simulation record", "RWE": "Realistic working environment record",
               "Ot": "Record of other evidence"}


def observation_section(r: ObservationRecordData) -> Section:
    times = " to ".join(t for t in (r.start_time, r.end_time) if t)
    flow = record_top("Observation record", r.title, [
        ("Reference", printed_reference(r)), ("Method", "Observation (Obs)"),
        ("Date", uk_date(r.observed_on)), ("Time", times), ("Location", r.location)]
        + ([("Workplace", r.workplace)] if r.workplace else []))
    flow += standing(r)
    flow += kept_heading("What the learner did") + paragraphs(r.activity)
    flow += kept_heading("Feedback to the learner") + paragraphs(r.feedback)
    flow += kept_heading("Learner's comments") + paragraphs(r.learner_comments)
    flow += details(r.more)
    flow += closing(r.criteria, r.attachments, r.judgement,
                    [r.assessor_signature, r.learner_signature, *r.more_signatures])
    return Section(f"Observation: {r.title}", r.reference, r.content_hash, flow)


def discussion_section(r: DiscussionRecordData) -> Section:
    s = styles()
    flow = record_top("Professional discussion record", r.title, [
        ("Reference", printed_reference(r)), ("Method", "Professional discussion (PD)"),
        ("Date", uk_date(r.held_on)), ("Location", r.location),
        ("Duration", r.duration), ("Recording", r.recording or "none")])
    flow += standing(r)
    flow += kept_heading("Topics planned") + paragraphs(r.topics)
    flow += kept_heading("Summary of the discussion") + paragraphs(r.summary)
    flow += kept_heading("Bookmarks: where each criterion was covered")
    if r.bookmarks:
        rows = [[Paragraph(h, s["cell_bold"]) for h in ("At", "Criteria", "Recording / note")]]
        for b in r.bookmarks:
            acs = ", ".join(f"{c.unit} {c.number}".strip() for c in b.criteria)
            rows.append([text(b.at, "cell"), text(acs, "cell"), text(b.note, "cell")])
        table = Table(rows, colWidths=[22 * mm, 45 * mm, WIDTH - 67 * mm], repeatRows=1)
        table.setStyle(grid())
        flow.append(table)
    else:
        flow.append(text("No bookmarks.", "small"))
    flow += details(r.more)
    flow += closing(r.criteria, r.attachments, r.judgement,
                    [r.assessor_signature, r.learner_signature, *r.more_signatures])
    return Section(f"Professional discussion: {r.title}", r.reference, r.content_hash, flow)


def questioning_section(r: QuestioningRecordData) -> Section:
    s = styles()
    flow = record_top("Questioning record", r.title, [
        ("Reference", printed_reference(r)), ("Method", f"Questioning (Q), {r.mode}"),
        ("Date", uk_date(r.asked_on)), ("Questions", str(len(r.questions))),
        ("Where", r.location)])
    flow += standing(r)
    for n, qa in enumerate(r.questions, start=1):
        acs = ", ".join(f"{c.unit} {c.number}" for c in qa.criteria)
        flow += [CondPageBreak(HEADING_ROOM),
                 Paragraph(f"Question {n}" + (f" ({acs})" if acs else ""), s["heading"])]
        flow += paragraphs(qa.question)
        flow.append(text("Answer", "label"))
        flow += paragraphs(qa.answer)
        if qa.judgement:
            flow.append(text(f"Assessor's decision: {qa.judgement}", "small"))
    flow += details(r.more)
    # The record's mappings; without them, the ACs the questions name, each once.
    covered = r.criteria or list(dict.fromkeys(c for qa in r.questions for c in qa.criteria))
    flow += closing(covered, r.attachments, r.judgement,
                    [r.assessor_signature, r.learner_signature, *r.more_signatures])
    return Section(f"Questioning: {r.title}", r.reference, r.content_hash, flow)


def witness_testimony_section(r: WitnessTestimonyData) -> Section:
    kind = "Expert witness testimony" if r.expert else "Witness testimony"
    pairs = [("Reference", printed_reference(r)),
             ("Method", f"{kind} ({'EW' if r.expert else 'Wt'})"),
             ("Date", uk_date(r.witnessed_on)), ("Witness", r.witness_name),
             ("Role", r.witness_role), ("Relationship", r.relationship),
             ("Contact", r.contact), ("When they saw it", r.seen_when),
             ("Where", r.location)]
    if r.signs_as_reason:
        pairs.append(("Signs under another name because", r.signs_as_reason))
    flow = record_top(kind, r.title, pairs)
    flow += standing(r)
    if r.expert:
        flow += kept_heading("Occupational competence of the expert witness") + paragraphs(
            r.occupational_competence)
    flow += kept_heading("What the witness saw") + paragraphs(r.testimony)
    flow += details(r.more)
    flow += closing(r.criteria, r.attachments, r.judgement,
                    [r.witness_signature, r.assessor_signature, *r.more_signatures],
                    declaration=WITNESS_DECLARATION)
    return Section(f"{kind}: {r.witness_name}", r.reference, r.content_hash, flow)


def evidence_record_section(r: EvidenceRecordData) -> Section:
    """Product evidence, a reflective account, prior learning, simulation or other evidence:
    the page every record has, with the method's fields as DETAILS lists them."""
    kind = PAGE_TITLES.get(r.method, f"{r.method_name} record")
    flow = record_top(kind, r.title, [
        ("Reference", printed_reference(r)), ("Method", f"{r.method_name} ({r.method})"),
        ("Date", uk_date(r.recorded_on)), ("Where", r.location)])
    flow += standing(r)
    flow += details(r.details)
    flow += closing(r.criteria, r.attachments, r.judgement,
                    [r.assessor_signature, r.learner_signature, *r.more_signatures])
    return Section(f"{r.method_name}: {r.title}", r.reference, r.content_hash, flow)


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
    table.setStyle(grid())
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
    table.setStyle(grid())
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
               WitnessTestimonyData: witness_testimony_section,
               EvidenceRecordData: evidence_record_section}[type(record)]
    section = builder(record)
    section.printed_reference = printed_reference(record)
    return section


def _reference_key(reference: str) -> list:
    # OBS-2 before OBS-10, as a person counts, whatever the padding.
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.upper())
            for part in re.split(r"(\d+)", reference) if part]


def in_reference_order(records: list[Record]) -> list[Record]:
    """Records as an IQA looks them up: by portfolio reference, whatever the method; a
    correction straight after the record it corrects (both keep one reference), as a paper
    portfolio files them."""
    return sorted(records, key=lambda r: (_reference_key(r.reference),
                                          r.correction.number if r.correction else 0))


def build_records(header: DocumentHeader, records: list[Record],
                  witnesses: WitnessListData | None = None,
                  summary: UnitAchievementSummaryData | None = None) -> bytes:
    sections = ([achievement_summary_section(summary)] if summary else []) + [
        record_section(r) for r in in_reference_order(records)] + (
        [witness_list_section(witnesses)] if witnesses else [])
    return render(header, sections, "Records of evidence")
