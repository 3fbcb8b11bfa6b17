"""A signed record stays signed at the centre.

A signature covers a record's content, not its `state` nor its tombstone (`deleted_at`), so
the centre let a push put a signed observation back to draft, mark it ready again or delete
it, and went on counting it as signed while its row said otherwise. No laptop does that
(its database refuses any change to signed evidence, and a tombstone on a signed sign-off or
claim), so such a push comes from a laptop altered outside Fieldfolio: refused in the
assessor's words, which the laptop shows under "needs attention", and nothing stored. What
laptops do legitimately still goes through: an amendment, signed, beside the original.
Against a real centre process over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select, text

from app.models import EvidenceRecord
from app.models.signing import Signature
from app.signing.amend import amend
from app.evidence.records import autosave_record
from app.sync.attention import open_items
from app.sync.engine import run_sync
from tests.server.sync_helpers import enrolled
from tests.server.test_awaiting_signature import _at_centre, _numbered, _row, _send, \
    _signed_at_centre
from tests.server.test_same_learner_twice import _amelia, _sign_by_learner
from tests.server.test_same_reference_twice import _signed_observation

STAMP = "2026-03-12T09:30:00.000000+00:00"


def _held(session, record_id: str) -> tuple:
    """The record as the centre holds it: what a refused change must leave alone."""
    r = session.get(EvidenceRecord, record_id)
    return r.state, r.deleted_at, r.version, r.title


def _altered(session, record_id: str, **change) -> None:
    """What someone with the laptop and sqlite3 does: its guard on signed evidence dropped,
    then the record changed through the app's own session, so it is queued for the centre
    as any change is."""
    session.execute(text("DROP TRIGGER signed_evidence_no_update"))
    record = session.get(EvidenceRecord, record_id)
    for field, value in change.items():
        setattr(record, field, value)


def _changed(store, centre, table: str, record_id: str, **change) -> list[dict]:
    """A change to a record the centre holds, pushed straight over HTTP as an altered laptop
    would: the laptop's row with `change`, based on the version the centre has."""
    [row] = _row(store, table, id=record_id)
    [m] = _numbered(store, centre, [(table, row | change | {"version": row["version"] + 1})])
    return _send(store, centre, [m | {"base_version": row["version"]}])


def _signed_at_the_centre(centre, laptops):
    """Sam's laptop with Amelia's observation "Stock rotation", signed and synced. Returns
    (the laptop, Amelia's ids, the signed record's id)."""
    laptop = laptops("one")
    enrolled(laptop, centre, "Sam Patel")
    amelia = laptop.write_now(_amelia, "Till drawer count")
    signed = laptop.write_now(_signed_observation, amelia["enrolment"], "Stock rotation")
    assert run_sync(laptop).rejected == 0
    return laptop, amelia, signed


def _signed_on(store, record_id: str) -> str:
    return store.read(lambda s: s.scalars(select(Signature.signed_at).where(
        Signature.record_id == record_id)).one()).strftime("%d/%m/%Y")


def test_a_signed_observation_put_back_to_draft_is_refused_and_the_laptop_says_why(centre,
                                                                                  laptops):
    laptop, amelia, signed = _signed_at_the_centre(centre, laptops)
    held = _at_centre(centre, _held, signed)
    assert held[0] == "signed"

    laptop.write_now(_altered, signed, state="draft")
    outcome = run_sync(laptop)
    assert outcome.rejected == 1
    [item] = laptop.read(open_items)
    assert item.title == "The centre refused a change to an evidence record"
    assert item.reason == (
        f"Observation OBS-002 “Stock rotation” for Amelia Hughes is signed by Amelia Hughes "
        f"(learner) on {_signed_on(laptop, signed)}. A signed record stays signed, so it cannot "
        f"be put back to draft: make an amendment, which keeps this version and needs its own "
        f"signatures.")
    assert _at_centre(centre, _held, signed) == held          # nothing stored
    assert _at_centre(centre, _signed_at_centre, [signed]) == {signed}


def test_a_signed_observation_is_neither_marked_ready_again_nor_deleted_by_a_push(centre,
                                                                                 laptops):
    laptop, amelia, signed = _signed_at_the_centre(centre, laptops)
    held = _at_centre(centre, _held, signed)
    said = f"is signed by Amelia Hughes (learner) on {_signed_on(laptop, signed)}. "

    [ready] = _changed(laptop, centre, "evidence_record", signed, state="ready")
    assert ready["status"] == "rejected", ready
    assert said + ("A signed record stays signed, so it cannot be marked ready for signatures "
                   "again: make an amendment") in ready["reason"]
    [deleted] = _changed(laptop, centre, "evidence_record", signed, deleted_at=STAMP)
    assert deleted["status"] == "rejected", deleted
    assert said + ("A signed record stays on file as it was signed, so it cannot be deleted: "
                   "make an amendment") in deleted["reason"]
    assert _at_centre(centre, _held, signed) == held

    # Not only a laptop's own records: the centre holds a checked signature, whoever pushes.
    [content] = _changed(laptop, centre, "evidence_record", signed, title="Stock count")
    assert content["status"] == "rejected"
    assert "a signed record cannot be changed, make an amendment instead" in content["reason"]
    assert _at_centre(centre, _held, signed) == held


def test_an_amendment_of_a_signed_observation_goes_up_beside_it(centre, laptops):
    """The laptop's one way to correct signed evidence: a new record that amends it, signed
    in its turn; the original is not touched, here or at the centre."""
    laptop, amelia, signed = _signed_at_the_centre(centre, laptops)
    held = _at_centre(centre, _held, signed)

    amended = laptop.write_now(amend, signed, "The date was typed wrong.")
    laptop.write_now(autosave_record, amended, {"title": "Stock rotation, Tuesday"})
    assert run_sync(laptop).rejected == 0
    laptop.write_now(_sign_by_learner, amended)
    outcome = run_sync(laptop)
    assert (outcome.rejected, outcome.conflicts) == (0, 0)
    assert laptop.read(open_items) == []
    assert _at_centre(centre, _held, signed) == held
    assert _at_centre(centre, _held, amended)[::3] == ("signed", "Stock rotation, Tuesday")
    assert _at_centre(centre, _signed_at_centre, [signed, amended]) == {signed, amended}


def test_a_signed_sign_off_or_claim_is_not_withdrawn_by_a_push(centre, laptops):
    """A signature on a sign-off or claim covers every column but the IQA's sample, which
    comes later; its tombstone is not covered either, and withdrawing a signed one is what
    the laptop refuses (app/claims/withdrawal.py). The centre refuses it in the same words."""
    from app.caseload.demo import load_demo_caseload
    from app.claims.claim import RECORD_TYPE as CLAIM
    from app.claims.sample_portfolio import build_claim_ready_learner
    from app.claims.sign_off import RECORD_TYPE as SIGN_OFF
    from app.claims.withdrawal import withdrawal_refusal
    from app.models.claims import Claim, UnitSignOff
    laptop = laptops("assessor")
    laptop.write_now(load_demo_caseload)
    ids = laptop.write_now(lambda s: build_claim_ready_learner(s, units=2, records=2))
    enrolled(laptop, centre, "Alex Morgan")
    assert run_sync(laptop).rejected == 0
    sign_off = laptop.read(lambda s: s.scalars(select(UnitSignOff.id).where(
        UnitSignOff.enrolment_id == ids["enrolment_id"]).order_by(UnitSignOff.id)).first())

    def held(session):
        return [(r.deleted_at, r.version) for r in (session.get(UnitSignOff, sign_off),
                                                    session.get(Claim, ids["claim_id"]))]
    before = _at_centre(centre, held)
    for table, record_id in ((SIGN_OFF, sign_off), (CLAIM, ids["claim_id"])):
        [result] = _changed(laptop, centre, table, record_id, deleted_at=STAMP)
        assert result["status"] == "rejected", result
        words = laptop.read(withdrawal_refusal, table, record_id)
        assert "cannot be withdrawn" in words
        assert result["reason"] == words
    assert _at_centre(centre, held) == before
