"""A seeded, realistic caseload for the benchmarks: one assessor's laptop after a year.

Default size (issue 7): 60 learners, 150 evidence records and 600 AC mappings each, spread
over every shipped qualification, with a small photo on one record in ten. The same seed
gives the same learners, records, dates and mappings on every machine.

Everything is written through the real `app/` operations (save_learner, enrol,
choose_units, create_record, autosave_record, map_criteria, import_file/add_attachment),
so the database holds exactly what an assessor's work would leave: versions, device ids,
outbox entries, portfolio references, drafts cleared. The only difference from real use is
the transaction boundary: one write per learner instead of one per keystroke, which keeps
a cold generation to a couple of minutes (the result is the same rows either way).

The finished data folder is cached under bench/.cache/<key>/ where the key holds
GENERATOR_VERSION and the size, so repeated runs reuse it. Bump GENERATOR_VERSION whenever
what is generated changes (or when a migration changes the schema: the cache key also
includes the head revision, so that happens by itself).

    .venv/bin/python bench/generate.py                 # the full caseload
    .venv/bin/python bench/generate.py --learners 3 --records 10 --mappings 40
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1
DEFAULT_CACHE = ROOT / "bench" / ".cache"
SEED = 2026

GIVEN = ["Amelia", "Daniel", "Chloe", "Mohammed", "Jessica", "Liam", "Sophie", "Ryan", "Hannah",
         "Kwame", "Ellie", "Oliver", "Aisha", "Tomasz", "Grace", "Owen", "Priya", "Callum",
         "Zara", "Ethan", "Niamh", "Jamal", "Freya", "Lewis"]
FAMILY = ["Hughes", "Okafor", "Barnes", "Iqbal", "Walsh", "Fraser", "Clarke", "Patel", "Doyle",
          "Mensah", "Thompson", "Nowak", "Evans", "Kowalski", "Reid", "Ahmed", "Murphy", "Lloyd",
          "Campbell", "Singh", "Bennett", "O'Neill", "Price", "Hussain"]
EMPLOYERS = ["Harbourside Home Stores", "Northgate Energy Contact Centre",
             "Greenway Leisure Centre", "Calder Valley Building Society", "Riverside Hotel",
             "Meadow Lane Garden Centre", "Kingsway Motors", "St Anne's Surgery"]
PLACES = ["Sales floor", "Front desk", "Inbound calls team", "Reception", "Tills and returns",
          "Complaints team", "Membership desk", "Branch counter"]
# Roughly the mix an assessor records: observations and products lead.
METHOD_MIX = ["Obs"] * 5 + ["P"] * 3 + ["Q"] * 2 + ["PD"] * 2 + ["Wt"] * 2 + ["RA", "EW", "Ot"]
SENTENCES = [
    "The learner greeted the customer promptly and confirmed what they needed.",
    "Checked the order history on the system before offering options.",
    "Explained the returns policy clearly and in plain language.",
    "Kept the customer informed while a colleague fetched the item.",
    "Recorded the complaint in the log and agreed a call-back time.",
    "Used open questions to find out what the customer expected.",
    "Stayed calm when the customer raised their voice and apologised sincerely.",
    "Followed up by email the same afternoon, as promised.",
]


@dataclass(frozen=True)
class Size:
    learners: int = 60
    records: int = 150       # per learner
    mappings: int = 600      # per learner
    photo_every: int = 10    # one record in this many has a small photo attached

    @property
    def key(self) -> str:
        return f"v{GENERATOR_VERSION}-l{self.learners}-r{self.records}-m{self.mappings}-p{self.photo_every}"


def cache_dir_for(size: Size, cache_root: Path = DEFAULT_CACHE) -> Path:
    from app.db.migrate import head_revision
    return Path(cache_root) / f"{size.key}-{head_revision()}"


def _uln(rng: random.Random) -> str:
    from app.caseload.demo import make_uln
    return make_uln(rng)


def _photo(rng: random.Random, index: int) -> bytes:
    """A few KB standing in for a photo (its bytes differ, so each is stored once)."""
    return b"\xff\xd8\xff\xe0FIELDFOLIO-BENCH" + index.to_bytes(4, "big") + rng.randbytes(3000)


def _details(method: str, rng: random.Random) -> dict:
    text = " ".join(rng.sample(SENTENCES, 4))
    if method == "Obs":
        return {"workplace": rng.choice(PLACES), "start_time": "09:30", "end_time": "10:15",
                "activities": text, "notes": [{"at": "09:41", "text": rng.choice(SENTENCES)}],
                "judgement": "Competent in the criteria seen.", "feedback": rng.choice(SENTENCES),
                "learner_comments": "I felt more confident this time."}
    if method == "PD":
        return {"duration": "35", "topics": "Complaints; escalation; records.", "summary": text}
    if method == "Q":
        return {"mode": "oral", "questions": [
            {"question": "How would you handle a customer who is unhappy with a refund?",
             "answer": rng.choice(SENTENCES), "decision": "satisfactory"}]}
    if method in ("Wt", "EW"):
        return {"witness_name": "Maria Lopez", "job_title": "Store manager",
                "relationship": "Line manager", "contact": "01632 960123",
                "seen_when": "Most weeks", "what_they_saw": text,
                **({"competence": "NVQ L4 in Customer Service; 12 years"} if method == "EW" else {})}
    if method == "P":
        return {"item": "Customer email thread", "held_at": "", "shows": text}
    return {"account": text} if method == "RA" else {"description": text}


def _prepare(session) -> dict:
    """Profile, staff and employers (real operations)."""
    from app.caseload.employers import save_employer
    from app.caseload.profile import add_staff, current_profile, set_up
    set_up(session, "Alex Morgan", "assessor", "Riverside Training (bench)", "RT-04412")
    me = current_profile(session)
    iqa = add_staff(session, "Jo Whitfield", "iqa")
    employers = [save_employer(session, None, {"name": name, "address": f"{i + 1} High Street",
                                               "contact_name": "Priya Shah",
                                               "contact_role": "Manager",
                                               "contact_email": f"contact{i}@example.com",
                                               "contact_phone": "0117 496 0321"})
                 for i, name in enumerate(EMPLOYERS)]
    return {"assessor": me.staff_id, "iqa": iqa, "employers": employers}


def _add_learner(session, index: int, size: Size, setup: dict, rng_seed: int,
                 photos: list) -> dict:
    """One learner, enrolment, units, records and mappings: all real operations."""
    from sqlalchemy import select
    from app.caseload.enrolments import choose_units, enrol, unit_options
    from app.caseload.learners import save_learner
    from app.evidence.attachments import add_attachment
    from app.evidence.mapping import barred_reason, map_criteria
    from app.evidence.records import autosave_record, create_record
    from app.models import AssessmentCriterion, LearningOutcome, Qualification

    rng = random.Random(rng_seed)
    quals = [q for q in session.scalars(select(Qualification).order_by(Qualification.sort_order))
             if q.kind == "qualification"]
    qual = quals[index % len(quals)]
    start = date(2025, 6, 2) + timedelta(days=3 * index)
    given, family = GIVEN[index % len(GIVEN)], FAMILY[(index * 7) % len(FAMILY)]
    learner_id = save_learner(session, None, {
        "given_names": given, "family_name": f"{family}" + ("" if index < len(FAMILY) else f"-{index}"),
        "date_of_birth": date(1990 + index % 15, 1 + index % 12, 1 + index % 28).isoformat(),
        "uln": _uln(rng), "registration_number": f"RT{30000 + index}",
        "email": f"learner{index}@example.com", "phone": f"07700 900{index:03d}",
        "employer_id": setup["employers"][index % len(setup["employers"])],
        "workplace_address": rng.choice(PLACES), "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=365)).isoformat(), "notes": ""})
    enrolment_id = enrol(session, learner_id, qual.id, registration_number=f"REG-{5000 + index}",
                         assessor_id=setup["assessor"], iqa_id=setup["iqa"],
                         start_date=start.isoformat())
    options = unit_options(session, qual.id)
    chosen = {o.id for o in options if o.mandatory}
    optional = [o for o in options if not o.mandatory]
    rng.shuffle(optional)
    for option in optional:   # enough units that 600 mappings spread like a real portfolio
        if len(chosen) >= 8:
            break
        chosen.add(option.id)
    choose_units(session, enrolment_id, chosen)
    acs = session.execute(
        select(AssessmentCriterion.id, AssessmentCriterion.unit_id, LearningOutcome.number)
        .join(LearningOutcome, LearningOutcome.id == AssessmentCriterion.lo_id)
        .where(AssessmentCriterion.unit_id.in_(chosen))
        .order_by(AssessmentCriterion.unit_id, AssessmentCriterion.sort_order)).all()

    per_record = [size.mappings // size.records] * size.records
    for i in range(size.mappings % size.records):
        per_record[i] += 1
    barred_cache: dict = {}
    today = date.today()
    for r in range(size.records):
        method = rng.choice(METHOD_MIX)
        allowed = []
        for ac_id, unit_id, lo in acs:
            key = (unit_id, lo, method)
            if key not in barred_cache:
                barred_cache[key] = barred_reason(session, unit_id, method, lo) is None
            if barred_cache[key]:
                allowed.append(ac_id)
        if len(allowed) < per_record[r]:
            method, allowed = "Obs", [a[0] for a in acs]
        on = min(start + timedelta(days=int(r * 300 / max(size.records, 1))), today)
        record_id = create_record(session, enrolment_id, method, on=on)
        autosave_record(session, record_id, {
            "title": f"{rng.choice(PLACES)}: {rng.choice(SENTENCES)[:60]}",
            "date": on.strftime("%d/%m/%Y"), "location": rng.choice(PLACES),
            "details": _details(method, rng), "valid": True, "authentic": True,
            "current": True, "reliable": True, "sufficient": r % 3 != 0})
        picked = rng.sample(allowed, min(per_record[r], len(allowed)))
        map_criteria(session, record_id, {ac: ("met" if rng.random() < 0.7 else "working_towards")
                                          for ac in picked})
        if size.photo_every and r % size.photo_every == 0 and photos:
            add_attachment(session, record_id, photos.pop(), caption="On site")
    return {"learner_id": learner_id, "enrolment_id": enrolment_id}


def generate(size: Size = Size(), cache_root: Path = DEFAULT_CACHE, *, quiet: bool = False) -> Path:
    """The data folder for `size`, generated once and then reused. Returns its path."""
    target = cache_dir_for(size, cache_root)
    if (target / "manifest.json").exists():
        return target
    from app.catalogue.loader import load_bundled_packs
    from app.db.store import Store

    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    started = time.perf_counter()
    rng = random.Random(SEED)
    store = Store(building / "data").open()
    try:
        store.write_now(load_bundled_packs)
        setup = store.write_now(_prepare)
        scratch = building / "photos"
        scratch.mkdir()
        learners = []
        for index in range(size.learners):
            # The slow half of attaching (bytes to the store) runs outside the writer, as in the app.
            photos = []
            if size.photo_every:
                for r in range(0, size.records, size.photo_every):
                    path = scratch / f"photo-{index}-{r}.jpg"
                    path.write_bytes(_photo(rng, index * 10_000 + r))
                    photos.append(store.attachments.import_file(path))
                    path.unlink()
                photos.reverse()
            learners.append(store.write_now(_add_learner, index, size, setup,
                                            rng.randrange(2**31), photos))
            if not quiet and (index + 1) % 10 == 0:
                print(f"  generated {index + 1}/{size.learners} learners "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)
        scratch.rmdir()
    finally:
        store.close()
    manifest = {"size": asdict(size), "generator_version": GENERATOR_VERSION, "seed": SEED,
                "learners": learners, "seconds": round(time.perf_counter() - started, 1),
                "written_through": "app operations, one transaction per learner"}
    (building / "manifest.json").write_text(json.dumps(manifest, indent=1))
    shutil.rmtree(target, ignore_errors=True)
    building.rename(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=Size.learners)
    parser.add_argument("--records", type=int, default=Size.records)
    parser.add_argument("--mappings", type=int, default=Size.mappings)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    size = Size(args.learners, args.records, args.mappings)
    started = time.perf_counter()
    path = generate(size, args.cache_dir)
    print(f"{path} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
