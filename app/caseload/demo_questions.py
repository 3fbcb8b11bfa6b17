"""A few starter questions in the demo caseload's question bank, so a new user trying a
questioning record sees what the bank is for. Knowledge ACs of two C&G 2794 mandatory units:
the kind of question an assessor asks every learner on the qualification."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.validation import InvalidInput
from app.evidence.question_bank import add_question
from app.models import SpecPack, Unit

PACK = "cg-2794-02"

# (unit number, ACs, question, what a good answer covers)
STARTER = [
    ("204", "1.2, 1.4, 1.5",
     "Who are your organisation's customers, and which of them are internal and which external?",
     "External: the people and businesses who buy or use the organisation's products or "
     "services. Internal: colleagues and other departments who rely on the learner's work. "
     "Names examples of each from their own workplace."),
    ("204", "2.4, 2.5",
     "Why is it important to build customers' trust, and how do you start to build it?",
     "Trust brings loyalty, repeat business and recommendations. Built by keeping promises, "
     "giving accurate information, being honest when something cannot be done, following up."),
    ("205", "1.1, 1.2",
     "What are the main products and services your organisation offers, and what is the "
     "difference between a product and a service?",
     "Names the main products and services. A product is an item the customer takes away; "
     "a service is something done for the customer (advice, delivery, repairs)."),
    ("205", "1.3",
     "Choose one product or service you deal with: what are its features, and what are the "
     "benefits to the customer?",
     "Features are what it is or does (size, price, opening hours); benefits are what the "
     "customer gains (saves time or money, peace of mind). At least one feature with its benefit."),
    ("205", "1.4",
     "How do you keep your knowledge of the products and services up to date?",
     "Team briefings, product updates or intranet, training, supplier information, asking "
     "colleagues; says how often, with an example."),
    ("205", "5.5, 5.6",
     "What is meant by customer expectations, and when would you adapt your service to meet them?",
     "What the customer believes they will receive, shaped by past experience, advertising and "
     "word of mouth. Adapts for a customer in a hurry, with a disability, or unsure of English."),
]


def add_starter_questions(session: Session) -> int:
    """Adds the starter questions whose unit is loaded; ones already there are skipped."""
    units = {u.number: u.id for u in session.scalars(
        select(Unit).join(SpecPack, SpecPack.id == Unit.pack_row_id).where(SpecPack.pack_id == PACK))}
    added = 0
    for number, refs, question, expected in STARTER:
        if number not in units:
            continue
        try:
            add_question(session, units[number], question, expected, refs)
            added += 1
        except InvalidInput:   # already in the bank (the demo loaded twice)
            continue
    return added
