"""The claim to competence, laid out as EDI's "Learner statement and assessor summative
statement" (seed 002, Appendix E): the claimed units with their summative dates and
initials, the two statements with their authenticity declarations, and the signatures."""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from app.documents.blocks import facts, heading, signatures, title
from app.documents.model import ClaimFormData, DocumentHeader
from app.documents.page import Section, render
from app.documents.style import (
    INK, LIGHT, RULE, SHADE, WIDTH, Table, paragraphs, styles, text, uk_date,
)
from app.documents.words import in_words

# What EDI asks each statement to show; printed as prompts above the statement.
LEARNER_PROMPTS = (
    "how you completed the units/award and what you have learnt from the experience;",
    "how long you have been in your current role and working towards this qualification;",
    "the assessment methods used to show competence;",
    "how this has affected the way you approach your job.",
)
ASSESSOR_PROMPTS = (
    "support for the learner's statement;",
    "how the learner achieved the units, drawing on their particular circumstances.",
)


def claim_form_section(header: DocumentHeader, claim: ClaimFormData) -> Section:
    s = styles()
    count = len(claim.units)
    flow: list = [title("Claim to competence" + (": WITHDRAWN" if claim.withdrawn else ""))]
    if claim.withdrawn:
        flow += [_withdrawn_box(claim.withdrawn), Spacer(1, 2 * mm)]
    # A unit bank's claim is a claim for units: no qualification to name, no full award.
    what = [("Awarding body", claim.awarding_body),
            ("Claim for", "Units (from a bank of units, not a qualification)")
            ] if claim.unit_bank else [
            ("Qualification number", header.qualification_number),
            ("Qualification title", header.qualification_title)]
    award = [] if claim.unit_bank else [("Full award", "Yes" if claim.full_award else "No")]
    flow += [text("Learner statement and assessor summative statement", "heading"),
             facts([
                 ("Candidate name", header.learner_name),
                 ("Registration number", header.registration_number or "(not yet registered)"),
                 ("ULN", header.uln), *what,
                 ("Number of units in this claim (in words)", in_words(count)), *award,
                 ("Claim reference", claim.reference),
             ])]
    if claim.combination_note:
        flow += [Spacer(1, 1.5 * mm), text(claim.combination_note, "small")]
    flow += [Spacer(1, 3 * mm), _units_table(claim)]

    flow += [heading("LEARNER STATEMENT FOR THE UNITS/AWARD TO BE CLAIMED"),
             text("The statement shows:", "small")]
    flow += [text("• " + p, "prompt") for p in LEARNER_PROMPTS] + [Spacer(1, 2 * mm)]
    flow += paragraphs(claim.learner_statement)
    flow += [signatures(claim.learner_signature,
                        before=[Paragraph(claim.learner_declaration, s["declaration"])])]

    flow += [heading("ASSESSOR SUMMATIVE STATEMENT FOR THE UNITS/AWARD TO BE CLAIMED"),
             text("The statement gives:", "small")]
    flow += [text("• " + p, "prompt") for p in ASSESSOR_PROMPTS] + [Spacer(1, 2 * mm)]
    flow += paragraphs(claim.assessor_statement)
    sampled = [text(f"Sampled by the Internal Verifier {claim.iv_sampled}", "small")
               ] if claim.iv_sampled else []
    flow += [signatures(claim.assessor_signature, claim.iv_signature, *claim.more_signatures,
                        before=[Paragraph(claim.assessor_declaration, s["declaration"])],
                        after=sampled)]
    return Section(f"Claim to competence: {in_words(count)} unit{'s' * (count != 1)}"
                   + (" (WITHDRAWN)" if claim.withdrawn else ""),
                   claim.reference, claim.content_hash, flow)


def _withdrawn_box(withdrawn: str) -> Table:
    """Across the top of the form, so a printed copy of a withdrawn claim is never taken
    for one going to the awarding body."""
    cell = [text("WITHDRAWN: this claim is not submitted for certification. " + withdrawn,
                 "cell_bold")]
    table = Table([[cell]], colWidths=[WIDTH])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.6, INK),
                               ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                               ("TOPPADDING", (0, 0), (-1, -1), 5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return table


def _units_table(claim: ClaimFormData) -> Table:
    s = styles()
    # The unit reference (UAN/URN) under the AB's number and a credit column, where the
    # source gives them: an awarding body matches units by reference, not by title.
    referenced = any(u.reference for u in claim.units)
    credited = any(u.credit is not None for u in claim.units)
    head = ["Unit no" + (" and reference" if referenced else ""), "Unit title"] + (
        ["Credit"] if credited else []) + [
        "Summative assessment date", "Learner initials", "Assessor initials",
        "Internal Verifier date", "IV initials"]
    rows = [[Paragraph(h, s["cell_head"]) for h in head]]
    for u in claim.units:
        number = u.number + (f"\n{u.reference}" if u.reference else "")
        rows.append([text(number, "cell"), text(u.title, "cell")] + (
            [text("" if u.credit is None else str(u.credit), "cell")] if credited else []) + [
            text(uk_date(u.summative_date), "cell"), text(u.learner_initials, "cell"),
            text(u.assessor_initials, "cell"), text(uk_date(u.iv_date), "cell"),
            text(u.iv_initials, "cell")])
    widths = [(21 if referenced else 13) * mm, None] + ([12 * mm] if credited else []) + [
        23 * mm, 16 * mm, 17 * mm, 20 * mm, 13 * mm]
    widths[1] = WIDTH - sum(w for w in widths if w)
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def build_claim_form(header: DocumentHeader, claim: ClaimFormData) -> bytes:
    return render(header, [claim_form_section(header, claim)], "Claim to competence")
