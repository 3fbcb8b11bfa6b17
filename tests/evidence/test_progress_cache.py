"""The caseload's progress column is kept between reads (app/evidence/progress_cache.py) and
stays right: a write's learners are recomputed at the next read, a read that overlapped a
write keeps nothing, and a write by another process shows once entries reach their age."""
from __future__ import annotations

from app.caseload.queries import caseload_rows
from app.db.store import Store
from app.evidence import progress_cache
from app.evidence.mapping import map_criteria
from app.evidence.progress import caseload_progress
from app.evidence.progress_cache import cache_for
from app.evidence.records import create_record
from app.models import Learner
from evidence_helpers import criteria_of, enrolment_with_rules


def shown(store, learner_id):
    return next(r for r in store.read(caseload_rows) if r.learner_id == learner_id)


def computed(store, learner_id):
    return store.read(caseload_progress).get(learner_id)


def test_a_learners_progress_follows_each_write_and_others_stay_kept(demo_store):
    store = demo_store
    enrolment_id, learner_id, unit_id, _ = store.read(enrolment_with_rules)
    before = shown(store, learner_id)
    cache = store.read(cache_for)
    assert cache is not None and learner_id in cache._entries
    others = {r.learner_id: r.progress_percent for r in store.read(caseload_rows)}

    record = store.write_now(create_record, enrolment_id, "Obs")
    store.write_now(map_criteria, record, {c: "met" for c in store.read(criteria_of, unit_id)[:5]})
    assert learner_id not in cache._entries                 # forgotten at the commit
    after = shown(store, learner_id)
    assert (after.progress_percent, after.last_evidence) == (
        computed(store, learner_id).percent, computed(store, learner_id).last_evidence)
    assert computed(store, learner_id).met == store.read(caseload_progress)[learner_id].met
    assert after.progress_percent > before.progress_percent
    assert {r.learner_id: r.progress_percent for r in store.read(caseload_rows)
            if r.learner_id != learner_id} == {l: p for l, p in others.items() if l != learner_id}
    # every figure shown is the one a full computation gives
    full = store.read(caseload_progress)
    for row in store.read(caseload_rows):
        assert row.progress_percent == (full[row.learner_id].percent if row.learner_id in full else 0)


def test_a_read_that_overlapped_a_write_keeps_nothing(demo_store):
    store = demo_store
    cache = store.read(cache_for)
    cache._entries.clear()
    generation = cache.generation()
    enrolment_id, learner_id, unit_id, _ = store.read(enrolment_with_rules)
    store.write_now(create_record, enrolment_id, "Obs")       # its report arrives meanwhile
    ids = store.read(lambda s: [l.id for l in s.query(Learner)])
    store.read(lambda s: cache.progress(s, ids, generation))
    assert cache._entries == {}


def test_another_process_writing_shows_once_the_entries_reach_their_age(demo_store, monkeypatch):
    store = demo_store
    enrolment_id, learner_id, unit_id, _ = store.read(enrolment_with_rules)
    shown(store, learner_id)                                  # kept
    other = Store(store.data_dir).open()                      # the command line beside it
    try:
        record = other.write_now(create_record, enrolment_id, "Obs")
        other.write_now(map_criteria, record,
                        {c: "met" for c in other.read(criteria_of, unit_id)[:5]})
    finally:
        other.close()
    truth = computed(store, learner_id)
    monkeypatch.setattr(progress_cache, "MAX_AGE", 0.0)
    assert shown(store, learner_id).progress_percent == truth.percent
    assert shown(store, learner_id).last_evidence == truth.last_evidence
