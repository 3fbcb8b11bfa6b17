"""An erasure made on one laptop erases, on the other laptops it reaches by sync, what they
kept of the learner's forms as typed (form drafts, app/caseload/drafts.py), as the erasure
does on the laptop that made it: a half-typed email waiting in the learner's Details, or a
date still being typed on one of their records, can hold the very details erased. Other
learners' drafts stay. A real centre process, on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from app.caseload.drafts import load_draft
from app.caseload.erasure import erase_learner, remove_files
from app.caseload.learners import DRAFT_FORM as LEARNER_FORM, autosave_learner, save_learner
from app.evidence.records import DRAFT_FORM as EVIDENCE_FORM, autosave_record
from app.models import FormDraft, Learner
from app.sync.engine import run_sync
from tests.foundation.test_merge_enrolments import amelia
from tests.server.sync_helpers import enrolled


def _drafts(store) -> set[tuple[str, str]]:
    return set(store.read(lambda s: s.execute(select(FormDraft.form, FormDraft.record_id)).all()))


def test_a_pulled_erasure_erases_this_laptops_drafts_of_the_learner(centre, laptops):
    one, two = laptops("one"), laptops("two")
    sam = enrolled(one, centre, "Sam Patel")
    enrolled(two, centre, "Sam Patel", staff_id=sam)     # Sam's second laptop
    made = one.write_now(amelia, "amelia@example.org", 1, 2, "Till drawer count")
    kwame = one.write_now(save_learner, None, {"given_names": "Kwame", "family_name": "Mensah"})
    assert run_sync(one).rejected == 0
    run_sync(two)

    # On the second laptop: typing not yet saveable, so kept as drafts (nothing queued).
    unsigned = made["records"][-1]
    assert two.write_now(autosave_learner, made["learner"], {"email": "amelia.hughes@"})
    assert two.write_now(autosave_record, unsigned, {"date": "14/0"})
    assert two.write_now(autosave_learner, kwame, {"email": "kwame.mensah@"})
    assert _drafts(two) == {(LEARNER_FORM, made["learner"]), (EVIDENCE_FORM, unsigned),
                            (LEARNER_FORM, kwame)}

    remove_files(one, one.write_now(erase_learner, made["learner"]))
    assert run_sync(one).rejected == 0
    assert run_sync(two).rejected == 0
    assert two.read(lambda s: s.get(Learner, made["learner"]).email) == ""   # it arrived

    assert _drafts(two) == {(LEARNER_FORM, kwame)}
    assert two.read(load_draft, LEARNER_FORM, kwame)["email"] == "kwame.mensah@"
    assert two.read(load_draft, LEARNER_FORM, made["learner"]) is None
