"""A learner's erasure wins over changes another laptop made to them before it knew, in
whichever order the two laptops sync: Sam's second laptop, offline, types a new phone
number for Amelia and new details on her unsigned draft (saved, waiting to go up) while
the first erases her at her request. Afterwards neither the centre nor either laptop
holds anything the erasure removed, nor the second laptop's typing (in rows, in a refused
change kept at the centre, or in a needs-attention item); her signed records, sign-offs
and signatures are whole; the second laptop's assessor is told their changes were not kept
and why; and the draft's photo is gone from the second laptop while the photo a signed
record also holds stays. A real centre process, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.caseload.erasure import erase_learner, remove_files
from app.caseload.learners import autosave_learner, learner_form_values
from app.evidence.records import autosave_record
from app.models import EvidenceRecord, Learner
from app.models.local import SyncAttention, SyncMutation
from app.signing.integrity import verify_integrity
from app.sync.attention import open_items
from app.sync.engine import run_sync
from app.sync.wire import encode, synced_tables
from server.models import AppliedMutation, SyncProblem
from tests.server.erasure_setup import amelia_with_files
from tests.server.sync_helpers import assert_laptop_matches_centre, laptop_rows

PHONE = "07700 900456"
TYPED = "Amelia's own account, typed on laptop two"
# What must be nowhere afterwards: the erased email and draft title, and laptop two's typing.
# (The draft photo's file name stays in the audit trail's "file added" line, which every
# erasure keeps: app/caseload/erasure.py.)
GONE = ("amelia@example.org", "Draft of amelia@example.org", PHONE, TYPED)


def _typed_offline(two, made) -> None:
    form = two.read(lambda s: learner_form_values(s.get(Learner, made["learner"])))
    assert two.write_now(autosave_learner, made["learner"], {**form, "phone": PHONE}) == {}
    assert two.write_now(autosave_record, made["draft"], {"details": {"activities": TYPED}}) == {}


def _laptop_text(store) -> str:
    """Every synced row on the laptop, its needs-attention items and its changes waiting."""
    def extra(session):
        return [(a.reason, a.mine_json, a.theirs_json) for a in session.scalars(
            select(SyncAttention))] + [m.payload_json for m in session.scalars(select(SyncMutation))]
    return json.dumps([sorted(laptop_rows(store).items()), store.read(extra)], default=str)


def _centre_text(centre) -> str:
    """Every synced row at the centre, the changes it refused or kept aside, and its answers."""
    db = centre.open_database()
    try:
        with db.reading() as session:
            rows = [encode(table, r) for table in synced_tables().values()
                    for r in session.execute(select(table)).mappings()]
            rows += [p.payload_json for p in session.scalars(select(SyncProblem))]
            rows += [a.result_json for a in session.scalars(select(AppliedMutation))]
            draft = session.get(EvidenceRecord, _DRAFT[0])
            assert draft.deleted_at is not None and draft.details_json == "{}"
            return json.dumps(rows, default=str)
    finally:
        db.dispose()


_DRAFT: list[str] = []


@pytest.mark.parametrize("first", ["eraser", "editor"])
def test_the_erasure_wins_whichever_laptop_syncs_first(centre, laptops, tmp_path, first):
    made = amelia_with_files(centre, laptops, tmp_path)
    one, two = made["one"], made["two"]
    _DRAFT[:] = [made["draft"]]
    _typed_offline(two, made)
    remove_files(one, one.write_now(erase_learner, made["learner"]))

    for laptop in (one, two) if first == "eraser" else (two, one):
        run_sync(laptop)
    for laptop in (one, two, one):       # each once more: both have what the other sent
        assert run_sync(laptop).conflicts == 0

    for where, text in (("centre", _centre_text(centre)), ("laptop one", _laptop_text(one)),
                        ("laptop two", _laptop_text(two))):
        assert not [gone for gone in GONE if gone in text], where
    for laptop in (one, two):
        learner = laptop.read(lambda s: s.get(Learner, made["learner"]))
        assert (learner.given_names, learner.email, learner.phone) == ("Amelia", "", "")
        draft = laptop.read(lambda s: s.get(EvidenceRecord, made["draft"]))
        assert draft.deleted_at is not None and draft.details_json == "{}"
        signed = laptop.read(lambda s: s.get(EvidenceRecord, made["signed_photo"]))
        assert signed.deleted_at is None and signed.state == "signed"
        assert laptop.read(verify_integrity).ok
        assert_laptop_matches_centre(laptop, centre, made["sam"], "assessor")

    told = [i for i in two.read(open_items) if "erased" in i.title]
    assert len(told) == 1, two.read(open_items)
    assert "Amelia Hughes were not kept" in told[0].reason
    assert "asked for their personal data to be erased" in told[0].reason
    assert not [i for i in one.read(open_items)]          # the eraser has nothing to settle

    assert not two.attachments.exists(made["only_draft"])
    assert two.attachments.exists(made["shared"])
