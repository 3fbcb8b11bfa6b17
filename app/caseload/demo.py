"""A realistic demo caseload, so a new user can try Fieldfolio at once.

Names, employers and places are invented; ULNs are made with a valid check digit from a
fixed seed so the demo is the same on every machine.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.caseload.demo_questions import add_starter_questions
from app.caseload.employers import save_employer
from app.caseload.enrolments import choose_units, enrol, unit_options
from app.caseload.learners import save_learner
from app.caseload.profile import add_staff, current_profile, set_up, staff_by_role
from app.models import Employer, Learner, Qualification

EMPLOYERS = [
    ("Harbourside Home Stores", "14 Quay Street, Bristol BS1 4DJ", "Priya Shah", "Store manager",
     "priya.shah@harbourside.example", "0117 496 0321"),
    ("Northgate Energy Contact Centre", "Unit 3, Northgate Park, Leeds LS12 6AE", "Tom Adeyemi",
     "Team leader", "t.adeyemi@northgate-energy.example", "0113 496 0788"),
    ("Greenway Leisure Centre", "Greenway Road, Norwich NR2 3HU", "Sian Morgan",
     "Duty manager", "sian.morgan@greenwayleisure.example", "01603 496 112"),
    ("Calder Valley Building Society", "2 Market Place, Halifax HX1 1RE", "Graham Pike",
     "Branch manager", "graham.pike@cvbs.example", "01422 496 540"),
]

LEARNERS = [
    ("Amelia", "Hughes", date(2001, 3, 14), "Sales floor, ground level"),
    ("Daniel", "Okafor", date(1998, 11, 2), "Inbound calls team"),
    ("Chloe", "Barnes", date(2003, 6, 27), "Reception"),
    ("Mohammed", "Iqbal", date(1995, 1, 9), "Customer services desk"),
    ("Jessica", "Walsh", date(2000, 8, 19), "Complaints team"),
    ("Liam", "Fraser", date(2004, 2, 3), "Front desk"),
    ("Sophie", "Clarke", date(1999, 12, 12), "Tills and returns"),
    ("Ryan", "Patel", date(1997, 4, 30), "Outbound calls team"),
    ("Hannah", "Doyle", date(2002, 9, 5), "Membership desk"),
    ("Kwame", "Mensah", date(1993, 7, 21), "Mortgage enquiries"),
    ("Ellie", "Thompson", date(2005, 1, 16), "Sales floor, first floor"),
    ("Oliver", "Nowak", date(1996, 10, 8), "Branch counter"),
]


def make_uln(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
        partial = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        check = (10 - partial) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def load_demo_caseload(session: Session) -> dict:
    """Adds the demo caseload. Safe to run twice: learners already present are skipped, and
    evidence is only added to a demo learner whose portfolio is empty."""
    rng = random.Random(2794)
    if current_profile(session) is None:
        set_up(session, "Alex Morgan", "assessor", "Riverside Training (demo)", "RT-04412")
    me = current_profile(session)
    iqas = staff_by_role(session, "iqa")
    iqa_id = iqas[0].id if iqas else add_staff(session, "Jo Whitfield", "iqa")
    employer_ids = []
    for name, address, contact, role, email, phone in EMPLOYERS:
        known = session.scalars(select(Employer).where(Employer.name == name,
                                                       Employer.deleted_at.is_(None))).first()
        if known:
            employer_ids.append(known.id)
            continue
        employer_ids.append(save_employer(session, None, {
            "name": name, "address": address, "contact_name": contact, "contact_role": role,
            "contact_email": email, "contact_phone": phone}))
    quals = [q for q in session.scalars(select(Qualification).order_by(Qualification.sort_order))
             if q.kind == "qualification"]
    added = 0
    demo_learners: list[tuple[str, str]] = []
    for index, (given, family, dob, place) in enumerate(LEARNERS):
        uln = make_uln(rng)
        qual = quals[index % len(quals)] if quals else None
        # Units are drawn for every learner, present or not, so the random sequence (and with
        # it the next learner's ULN) is the same on a second load and nobody is added twice.
        chosen = _demo_units(session, qual, index, rng) if qual else set()
        known = session.scalars(select(Learner.id).where(Learner.uln == uln)).first()
        if known:
            demo_learners.append((known, place))
            continue
        start = date(2026, 1, 12) + timedelta(days=21 * index)
        employer_id = employer_ids[index % len(employer_ids)]
        learner_id = save_learner(session, None, {
            "given_names": given, "family_name": family, "date_of_birth": dob.isoformat(),
            "uln": uln, "registration_number": f"RT{26000 + index * 37}",
            "email": f"{given.lower()}.{family.lower()}@example.com",
            "phone": f"07700 900{100 + index:03d}", "employer_id": employer_id,
            "workplace_address": f"{place}, {EMPLOYERS[index % len(EMPLOYERS)][1]}",
            "start_date": start.isoformat(),
            "planned_end_date": (start + timedelta(days=365)).isoformat(),
            "notes": "Works part-time; prefers morning visits." if index % 3 == 0 else "",
        })
        added += 1
        demo_learners.append((learner_id, place))
        if qual:
            enrolment_id = enrol(session, learner_id, qual.id,
                                 registration_number=f"{qual.ab_number or 'REG'}-{5000 + index}",
                                 assessor_id=me.staff_id, iqa_id=iqa_id,
                                 start_date=start.isoformat())
            choose_units(session, enrolment_id, chosen)
    add_starter_questions(session)
    # Imported here: evidence and signing are only needed when the demo is loaded, and every
    # command line start imports this module.
    from app.caseload.demo_evidence import add_demo_evidence
    records = add_demo_evidence(session, demo_learners)
    return {"learners": added, "employers": len(employer_ids), "qualifications": len(quals),
            "evidence_records": records}


def _demo_units(session: Session, qual: Qualification, index: int, rng: random.Random) -> set[str]:
    """The mandatory units and two to four optional ones, drawn from the demo's seed."""
    options = unit_options(session, qual.id)
    chosen = {o.id for o in options if o.mandatory}
    optional = [o for o in options if not o.mandatory]
    rng.shuffle(optional)
    return chosen | {o.id for o in optional[: 2 + index % 3]}
