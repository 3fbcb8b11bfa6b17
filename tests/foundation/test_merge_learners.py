"""Merging two records of one learner on a laptop (app/caseload/merge.py): what moves, what
stays because it is signed, and that a portfolio never prints one reference twice."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.caseload.enrolments import chosen_unit_ids, enrol, unit_options
from app.caseload.learners import restore_learner, save_learner
from app.caseload.merge import merge_learners, side_by_side
from app.caseload.validation import InvalidInput
from app.evidence.records import create_record, records_of_learner
from app.models import Enrolment, EnrolmentUnit, EvidenceRecord, Learner, Qualification
from app.signing.audit import events_for_learner
from app.signing.integrity import verify_integrity
from app.signing.sign import sign_record
from tests.signing.signing_helpers import drawn, two_criteria

ULN = "5423232219"


def _learner(session, email: str, signed: list[str] = (), drafts: list[str] = ()) -> dict:
    """A record of Amelia Hughes (the ULN set as sync would bring it, past the form's check
    that a ULN is here once), enrolled, with signed and draft observations."""
    learner = save_learner(session, None, {"given_names": "Amelia", "family_name": "Hughes",
                                           "email": email})
    session.get(Learner, learner).uln = ULN
    qualification = session.scalars(select(Qualification.id).where(
        Qualification.kind == "qualification").order_by(Qualification.sort_order)).first()
    enrolment = enrol(session, learner, qualification, mandatory_units=True)
    records = {}
    for title in list(signed) + list(drafts):
        records[title] = create_record(session, enrolment, "Obs", title=title)
    for title in signed:
        from app.evidence.mapping import map_criteria
        first, second = two_criteria(session, enrolment)
        map_criteria(session, records[title], {first: "met", second: "working_towards"})
        sign_record(session, "evidence_record", records[title], **drawn("Amelia Hughes", "learner"))
    session.flush()
    return {"learner": learner, "enrolment": enrolment, **records}


def _choose_an_optional_unit(session, enrolment_id: str) -> str:
    enrolment = session.get(Enrolment, enrolment_id)
    unit = next(o.id for o in unit_options(session, enrolment.qualification_id) if not o.mandatory)
    session.add(EnrolmentUnit(enrolment_id=enrolment_id, unit_id=unit))
    return unit


def _portfolio(session, learner_id):
    return sorted((r.portfolio_ref, r.title) for r in records_of_learner(session, learner_id))


def test_drafts_move_and_the_same_qualification_becomes_one_enrolment(catalogue_store):
    store = catalogue_store
    kept = store.write_now(_learner, "kept@example.org", signed=["Till drawer count"])
    other = store.write_now(_learner, "other@example.org", drafts=["Greeting customers"])
    optional = store.write_now(_choose_an_optional_unit, other["enrolment"])
    sides = store.read(side_by_side, [kept["learner"], other["learner"]])
    assert [(s.records, s.signed_records) for s in sides] == [(1, 1), (1, 0)]

    outcome = store.write_now(merge_learners, kept["learner"], other["learner"])
    assert (outcome.kept_id, outcome.joined_enrolments, outcome.left_signed) == (kept["learner"], 1, 0)
    assert outcome.renumbered == [("OBS-001", "OBS-002")]
    assert store.read(_portfolio, kept["learner"]) == [("OBS-001", "Till drawer count"),
                                                      ("OBS-002", "Greeting customers")]
    live = store.read(lambda s: list(s.scalars(select(Enrolment.id).where(
        Enrolment.learner_id == kept["learner"], Enrolment.deleted_at.is_(None)))))
    assert live == [kept["enrolment"]]
    assert optional in store.read(chosen_unit_ids, kept["enrolment"])  # its units chosen there
    moved = store.read(lambda s: s.get(EvidenceRecord, other["Greeting customers"]))
    assert (moved.learner_id, moved.enrolment_id) == (kept["learner"], kept["enrolment"])
    merged = store.read(lambda s: s.get(Learner, other["learner"]))
    assert merged.deleted_at is not None and merged.merged_into_id == kept["learner"]
    assert store.read(lambda s: s.get(Learner, kept["learner"]).email) == "kept@example.org"
    trail = store.read(events_for_learner, kept["learner"])
    assert any(e.action == "merged" and "renumbered OBS-001 → OBS-002" in e.summary
               for e in trail)
    assert any(e.summary == "Learner Amelia Hughes added" for e in trail if e.action == "created")
    with pytest.raises(InvalidInput, match="was merged into Amelia Hughes"):
        store.write_now(restore_learner, other["learner"])   # kept as it was, and says why
    # A new record never takes a reference the merged record used.
    new = store.write_now(lambda s: create_record(s, kept["enrolment"], "Obs"))
    assert store.read(lambda s: s.get(EvidenceRecord, new).portfolio_ref) == "OBS-003"


def test_signed_records_stay_as_signed_and_read_under_the_learner_kept(catalogue_store):
    store = catalogue_store
    kept = store.write_now(_learner, "kept@example.org", signed=["Till drawer count"],
                           drafts=["Stock rotation"])
    other = store.write_now(_learner, "other@example.org", signed=["Greeting customers"],
                            drafts=["Handling a complaint"])
    a, b = kept["Till drawer count"], other["Greeting customers"]
    qualified = {a: f"OBS-001/{a[:4].upper()}", b: f"OBS-001/{b[:4].upper()}"}
    both = " and ".join(sorted(qualified.values()))
    from app.caseload.merge import signed_in_both
    assert store.read(signed_in_both, [kept["learner"], other["learner"]]) == [
        f"OBS-001 is signed in both records: neither may change, so they will print as {both}"]
    outcome = store.write_now(merge_learners, kept["learner"], other["learner"])
    # One enrolment on the qualification (joined), the signed record kept on its own.
    assert outcome.left_signed == 1 and outcome.joined_enrolments == 1
    assert outcome.both_signed_refs == ["OBS-001"]   # said, never changed
    assert outcome.printed_apart == [both]
    printed = {r.id: r.printed_ref for r in store.read(records_of_learner, kept["learner"])}
    assert {i: printed[i] for i in (a, b)} == qualified
    assert len(set(printed.values())) == 4     # the portfolio never prints one reference twice
    assert any(e.action == "merged" and f"signed in both records, so printed apart: {both}"
               in e.summary for e in store.read(events_for_learner, kept["learner"]))
    from app.claims.paperwork import enrolment_pack_data
    from app.claims.print import pdf_for
    from tests.documents.pdfcheck import pages_text
    text = "\n".join(pages_text(pdf_for(store.read(enrolment_pack_data, kept["enrolment"],
                                                     "records"), "records")))
    import re
    assert qualified[a] in text and re.findall(r"OBS-001(?!/)", text) == []
    signed = store.read(lambda s: s.get(EvidenceRecord, other["Greeting customers"]))
    assert (signed.learner_id, signed.portfolio_ref) == (other["learner"], "OBS-001")
    assert signed.enrolment_id == other["enrolment"]   # its signature covers it
    portfolio = store.read(_portfolio, kept["learner"])
    assert sorted(t for _, t in portfolio) == ["Greeting customers", "Handling a complaint",
                                               "Stock rotation", "Till drawer count"]
    assert len({ref for ref, _ in portfolio if ref != "OBS-001"}) == 2
    report = store.read(verify_integrity)
    assert report.signatures_checked == 2 and report.ok, report.problems


def test_only_two_live_records_of_one_learner_are_merged(catalogue_store):
    store = catalogue_store
    one = store.write_now(_learner, "a@example.org")
    two = store.write_now(lambda s: save_learner(s, None, {"given_names": "Amelia",
                                                           "family_name": "Hughes"}))
    for keep, other in ((one["learner"], two), (one["learner"], one["learner"])):
        with pytest.raises(InvalidInput):
            store.write_now(merge_learners, keep, other)
    assert store.read(lambda s: s.get(Learner, two).deleted_at) is None


def test_twice_on_an_iqa_s_laptop_is_said_but_left_to_the_assessor(catalogue_store):
    from app.caseload.profile import set_up
    from app.sync.attention import open_items
    from app.sync.learners_twice import may_merge, note_learners_twice
    store = catalogue_store
    store.write_now(set_up, "Iris Khan", "iqa", "Riverside Training", "RT1")
    one, two = store.write_now(_learner, "a@example.org"), store.write_now(_learner, "b@example.org")
    store.write_now(note_learners_twice)
    [item] = store.read(open_items)
    assert item.title == f"Amelia Hughes (ULN {ULN}) is on this laptop twice: their assessor merges them"
    assert not may_merge(item.title)
    with pytest.raises(InvalidInput, match="An IQA does not merge"):
        store.write_now(merge_learners, one["learner"], two["learner"])


def test_the_merge_window_says_how_a_reference_signed_in_both_will_print(qtbot, catalogue_store):
    """Before the assessor presses Merge, the window says which reference is signed in both
    records and how each will print, in the words the summary uses."""
    from app.caseload.profile import set_up
    from app.sync.attention import open_items
    from app.sync.learners_twice import note_learners_twice
    from ui.bridge import Bridge
    from ui.sync.merge_dialog import MergeLearnersDialog
    store = catalogue_store
    store.write_now(set_up, "Sam Patel", "assessor", "Riverside Training", "RT1")
    one = store.write_now(_learner, "a@example.org", signed=["Till drawer count"])
    two = store.write_now(_learner, "b@example.org", signed=["Greeting customers"])
    store.write_now(note_learners_twice)
    [item] = store.read(open_items)
    a, b = one["Till drawer count"], two["Greeting customers"]
    both = " and ".join(sorted(f"OBS-001/{i[:4].upper()}" for i in (a, b)))
    dialog = MergeLearnersDialog(Bridge(store), item.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.sides) == 2, timeout=5000)
    assert dialog.signed_twice.isVisible()
    assert dialog.signed_twice.text() == (f"OBS-001 is signed in both records: neither may "
                                          f"change, so they will print as {both}.")
