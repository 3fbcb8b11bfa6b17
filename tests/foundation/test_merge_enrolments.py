"""A learner merged from two records has ONE enrolment per qualification (issue 13).

Both records held signed evidence and a signed sign-off on the same qualification. Signed
records never move (their signatures cover the enrolment they name), so the merged record's
enrolment is joined to the kept one (`joined_into_id`) and read through that link: the
progress grid, sign-off readiness, sign-offs, claims and the records PDF are the family's.
Before, it moved whole and the learner had two live enrolments on the qualification, each
counting and printing half the signed work."""
from __future__ import annotations

from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.caseload.enrolments import enrol, unit_options
from app.caseload.learners import save_learner
from app.caseload.merge import merge_learners
from app.claims.paperwork import enrolment_pack_data
from app.claims.sample_portfolio import complete_unit, sign_fully
from app.claims.sign_off import sign_off_unit, sign_offs_of, unit_readiness
from app.evidence.mapping import map_criteria
from app.evidence.progress import MET, caseload_progress, learner_progress
from app.evidence.records import autosave_record, create_record
from app.models import (AssessmentCriterion, Enrolment, EnrolmentUnit, EvidenceRecord,
                        Learner, Qualification)
from app.models.evidence import JUDGEMENT_FLAGS
from app.signing.integrity import verify_integrity

ULN = "5423232219"
ASSESSOR = "Alex Morgan"


def _units(session) -> list[str]:
    return [o.id for o in unit_options(session, _qualification(session))]


def _qualification(session) -> str:
    return session.scalars(select(Qualification.id).where(
        Qualification.kind == "qualification").order_by(Qualification.sort_order)).first()


def _signed_obs(session, enrolment_id: str, unit_id: str, title: str, day: date) -> str:
    """A signed observation meeting every AC of one unit, titled so the PDF can be read."""
    record = create_record(session, enrolment_id, "Obs", title=title, on=day,
                           location="Shop floor")
    autosave_record(session, record, {"details": {"activities": f"{title}, observed."},
                                      **{f: True for f in JUDGEMENT_FLAGS}})
    acs = session.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id == unit_id)).all()
    map_criteria(session, record, {a: "met" for a in acs})
    sign_fully(session, "evidence_record", record, "Amelia Hughes", ASSESSOR)
    return record


def amelia(session, email: str, signed_off_unit: int, further_unit: int, title: str) -> dict:
    """A record of Amelia Hughes (the ULN set as sync would bring it), on the qualification
    with every unit chosen: one unit complete and signed off by learner and assessor, one
    more unit met by a signed observation, and a draft."""
    learner = save_learner(session, None, {"given_names": "Amelia", "family_name": "Hughes",
                                           "email": email})
    session.get(Learner, learner).uln = ULN
    enrolment = enrol(session, learner, _qualification(session), mandatory_units=True)
    units = _units(session)
    chosen = set(session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment)))
    for unit in units:
        if unit not in chosen:
            session.add(EnrolmentUnit(enrolment_id=enrolment, unit_id=unit))
    session.flush()
    day = date.today() - timedelta(days=10)
    done = complete_unit(session, enrolment, units[signed_off_unit], on=day,
                         learner_name="Amelia Hughes", assessor_name=ASSESSOR)
    sign_off = sign_off_unit(session, enrolment, units[signed_off_unit],
                             summative_date=date.today(), assessor_name=ASSESSOR)
    sign_fully(session, "unit_sign_off", sign_off, "Amelia Hughes", ASSESSOR)
    further = _signed_obs(session, enrolment, units[further_unit], title, day)
    draft = create_record(session, enrolment, "Obs", title=f"Draft of {email}",
                          on=day - timedelta(days=5))   # the signed work is the newest
    session.flush()
    return {"learner": learner, "enrolment": enrolment, "sign_off": sign_off,
            "records": done + [further, draft], "further": further}


def _met_signed(session, learner_id: str) -> list[tuple[int, set[str], set[str]]]:
    """Per live enrolment: (units, unit ids fully met, unit ids fully met by signed work)."""
    out = []
    for enrolment in learner_progress(session, learner_id):
        met = {u.id for u in enrolment.units if all(c.status == MET for c in u.criteria)}
        signed = {u.id for u in enrolment.units
                  if all(c.status == MET and c.signed for c in u.criteria)}
        out.append((len(enrolment.units), met, signed))
    return out


def test_signed_work_of_both_records_counts_and_prints_in_one_enrolment(catalogue_store, tmp_path):
    store = catalogue_store
    # Both records signed off one unit (not 201: signed off last); each met one more unit
    # with signed work.
    kept = store.write_now(amelia, "kept@example.org", 1, 2, "Kept: till drawer count")
    other = store.write_now(amelia, "other@example.org", 1, 3, "Other: greeting customers")
    units = store.read(_units)

    outcome = store.write_now(merge_learners, kept["learner"], other["learner"])
    assert outcome.joined_enrolments == 1

    live = store.read(lambda s: list(s.scalars(select(Enrolment.id).where(
        Enrolment.learner_id == kept["learner"], Enrolment.deleted_at.is_(None)))))
    assert live == [kept["enrolment"]]
    joined = store.read(lambda s: s.get(Enrolment, other["enrolment"]))
    assert joined.deleted_at is not None and joined.joined_into_id == kept["enrolment"]
    # Signed work stays where it was signed; the draft moved onto the kept enrolment.
    where = store.read(lambda s: {r: s.get(EvidenceRecord, r).enrolment_id
                                  for r in other["records"]})
    assert where[other["further"]] == other["enrolment"]
    assert where[other["records"][-1]] == kept["enrolment"]

    # The progress grid: one enrolment, the units met by the signed work of both records.
    [(chosen, met, signed)] = store.read(_met_signed, kept["learner"])
    assert chosen == len(units)
    assert {units[1], units[2], units[3]} <= signed and met == signed
    # The caseload's progress column counts them too.
    both = store.read(lambda s: caseload_progress(s)[kept["learner"]])
    alone = store.read(lambda s: caseload_progress(s, [kept["learner"]])[kept["learner"]])
    assert both == alone
    acs = store.read(lambda s: len(s.scalars(select(AssessmentCriterion.id).where(
        AssessmentCriterion.unit_id.in_(units[1:4]))).all()))
    assert (both.met, both.signed_percent) == (acs, both.percent)

    # The unit signed off in both records is signed off once, as furthest signed.
    views = store.read(sign_offs_of, kept["enrolment"])
    assert [v.unit_id for v in views] == [units[1]] and views[0].signed_off
    assert len(store.read(lambda s: sign_offs_of(s, kept["enrolment"], every=True))) == 2
    readiness = {r.unit_id: r for r in store.read(unit_readiness, kept["enrolment"])}
    assert any("already signed off" in m for m in readiness[units[1]].missing)
    # The merged record's signed observation is evidence its unit's sign-off rests on.
    assert other["further"] in [e["id"] for e in readiness[units[3]].evidence]

    # The records of evidence print every record of both.
    pack = store.read(enrolment_pack_data, kept["enrolment"], "records")
    titles = store.read(lambda s: sorted(
        s.get(EvidenceRecord, r).title for r in kept["records"] + other["records"]))
    assert sorted(r.title for r in pack.records) == titles
    from app.cli import run
    out = tmp_path / "records.pdf"
    assert run(["--data-dir", str(store.data_dir), "pdf", ULN, "--what", "records",
                "--out", str(out)]) == 0
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages]
    text = " ".join(pages)
    for title in ("Kept: till drawer count", "Other: greeting customers",
                  "Draft of kept@example.org", "Draft of other@example.org"):
        assert title in text, title
    assert len(pages) >= len(titles)

    report = store.read(verify_integrity)
    assert report.ok, report.problems


STATEMENTS = {
    "learner_statement": "I have worked on the customer service desk for two years. My assessor "
                         "observed me with customers and asked me questions; my team leader "
                         "wrote a witness testimony. I now check every complaint is followed.",
    "assessor_statement": "Amelia has shown competence across every unit claimed, through "
                          "observation, questioning and witness testimony that supports the "
                          "learner's statement and the records in this portfolio."}


def _signed_claim(session, enrolment_id: str, sign_off_ids: list[str]) -> str:
    from app.claims.claim import autosave_claim, start_claim
    claim = start_claim(session, enrolment_id, sign_off_ids, full_award=False)
    autosave_claim(session, claim, STATEMENTS)
    sign_fully(session, "claim", claim, "Amelia Hughes", ASSESSOR)
    return claim


def test_after_the_merge_units_are_signed_off_and_claimed_once_across_both(catalogue_store):
    """The merged record's signed claim stays as signed and is the learner's; its unit is
    claimed once however it was signed off; a unit met by the merged record's signed work
    is signed off on the kept enrolment and claimed there beside the other's sign-off."""
    from app.caseload.validation import InvalidInput
    from app.claims.claim import claims_of, start_claim
    from app.claims.paperwork import claim_pack_data
    import pytest
    store = catalogue_store
    kept = store.write_now(amelia, "kept@example.org", 1, 2, "Kept: till drawer count")
    other = store.write_now(amelia, "other@example.org", 1, 3, "Other: greeting customers")
    signed_claim = store.write_now(_signed_claim, other["enrolment"], [other["sign_off"]])
    units = store.read(_units)
    store.write_now(merge_learners, kept["learner"], other["learner"])

    [view] = store.read(claims_of, kept["enrolment"])
    assert (view.id, view.enrolment_id, view.unit_numbers) == (
        signed_claim, other["enrolment"], [view.unit_numbers[0]])   # as it was signed
    # The unit is claimed in the merged record's claim, whichever sign-off is named.
    with pytest.raises(InvalidInput, match="already claimed in CLAIM-001"):
        store.write_now(start_claim, kept["enrolment"], [kept["sign_off"]], False)

    # The unit met by the merged record's signed observation is signed off on the kept
    # enrolment, resting on that observation.
    sign_off = store.write_now(sign_off_unit, kept["enrolment"], units[3],
                               summative_date=date.today(), assessor_name=ASSESSOR)
    store.write_now(sign_fully, "unit_sign_off", sign_off, "Amelia Hughes", ASSESSOR)
    from app.models.claims import UnitSignOff
    row = store.read(lambda s: s.get(UnitSignOff, sign_off))
    assert row.enrolment_id == kept["enrolment"] and other["further"] in row.evidence_json
    claim = store.write_now(_signed_claim, kept["enrolment"], [sign_off])
    assert claim != signed_claim
    pack = store.read(claim_pack_data, claim)
    assert [r.title for r in pack.records] == ["Other: greeting customers"]
    assert len(store.read(claims_of, kept["enrolment"])) == 2
    report = store.read(verify_integrity)
    assert report.ok, report.problems


def test_signed_work_of_a_merged_record_on_another_qualification_counts_and_dates(
        catalogue_store):
    """A merged record's enrolment on a qualification the kept learner is not on moves
    whole; its signed work (still naming the merged record) counts in the caseload column
    under the learner kept, and its date is the learner's last evidence."""
    store = catalogue_store
    kept = store.write_now(lambda s: save_learner(s, None, {"given_names": "Amelia",
                                                            "family_name": "Hughes"}))
    store.write_now(lambda s: setattr(s.get(Learner, kept), "uln", ULN))
    other = store.write_now(amelia, "other@example.org", 1, 3, "Other: greeting customers")
    store.write_now(merge_learners, kept, other["learner"])
    assert store.read(lambda s: s.get(EvidenceRecord, other["further"]).learner_id) \
        == other["learner"]
    column = store.read(lambda s: caseload_progress(s))
    assert other["learner"] not in column
    alone = store.read(lambda s: caseload_progress(s, [kept])[kept])
    assert column[kept] == alone and alone.met > 0 and alone.signed_percent > 0
    # The newest evidence is the merged record's signed work, not the draft that moved.
    assert alone.last_evidence == date.today() - timedelta(days=10)


def test_a_write_to_the_merged_record_s_work_touches_the_learner_kept(catalogue_store):
    """The kept learner's page and caseload row show the merged record's signed work, so a
    write there (an audit event on a signed record, a signature arriving) redraws them and
    drops their cached progress (app/evidence/progress_cache.py)."""
    from app.signing.audit import record_event
    store = catalogue_store
    kept = store.write_now(amelia, "kept@example.org", 1, 2, "Kept: till drawer count")
    other = store.write_now(amelia, "other@example.org", 1, 3, "Other: greeting customers")
    store.write_now(merge_learners, kept["learner"], other["learner"])
    got: list = []
    store.on_changes(got.append)
    store.write_now(lambda s: record_event(
        s, "printed", "evidence_record", other["further"], learner_id=other["learner"],
        summary="OBS-002 printed"))
    assert got[-1].touches(other["learner"]) and got[-1].touches(kept["learner"])


def test_a_correction_of_the_merged_record_s_signed_work_counts_once_it_is_signed(
        catalogue_store):
    """A signed record of the merged record is amended after the merge (its correction is
    made beside it, on the joined enrolment): the signed original counts until the
    correction is signed, then the correction does, never both."""
    from app.signing.amend import amend
    store = catalogue_store
    kept = store.write_now(amelia, "kept@example.org", 1, 2, "Kept: till drawer count")
    other = store.write_now(amelia, "other@example.org", 1, 3, "Other: greeting customers")
    store.write_now(merge_learners, kept["learner"], other["learner"])
    correction = store.write_now(amend, other["further"],
                                 "The date was typed wrongly on the first laptop.")

    def covering(session) -> set[str]:
        [enrolment] = learner_progress(session, kept["learner"])
        unit = next(u for u in enrolment.units if u.id == _units(session)[3])
        return {r for c in unit.criteria for r in c.record_ids}
    assert store.read(covering) == {other["further"]}
    store.write_now(sign_fully, "evidence_record", correction, "Amelia Hughes", ASSESSOR)
    assert store.read(covering) == {correction}
    readiness = {r.unit_id: r for r in store.read(unit_readiness, kept["enrolment"])}
    assert [e["id"] for e in readiness[store.read(_units)[3]].evidence] == [correction]
