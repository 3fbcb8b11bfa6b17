"""What a write changed reaches the window (and sync) after commit, from the flush itself."""
from __future__ import annotations

import threading

import pytest

from app.caseload.employers import save_employer
from app.caseload.learners import autosave_learner, delete_learner, save_learner
from app.db.changes import SYNC, mark_pulled
from app.evidence.mapping import map_criteria
from app.evidence.records import create_record
from tests.evidence.evidence_helpers import criteria_of, enrolment_with_rules


def heard(store):
    got: list = []
    store.on_changes(got.append)
    return got


def test_each_write_reports_its_rows_and_their_learner(demo_store):
    store = demo_store
    enrolment, learner, unit, _other = store.read(enrolment_with_rules)
    got = heard(store)
    store.write_now(autosave_learner, learner, {"notes": "Works Saturdays"})
    assert got[-1].learners == {learner} and got[-1].caseload and got[-1].source == "local"
    assert ("learner", learner) in got[-1].rows

    record = store.write_now(create_record, enrolment, "Obs")
    assert got[-1].touches(learner) and ("evidence_record", record) in got[-1].rows
    ac = store.read(criteria_of, unit)[0]
    store.write_now(map_criteria, record, {ac: "met"})
    # a mapping has no learner column: it is found to its learner through its record
    assert got[-1].touches(learner) and got[-1].tables >= {"criterion_mapping"}

    employer = store.write_now(save_employer, None, {"name": "Seaview Cafe"})
    assert got[-1].employers and got[-1].learners == frozenset()
    assert ("employer", employer) in got[-1].rows

    store.write_now(delete_learner, learner)   # a tombstone is a change like any other
    assert got[-1].touches(learner)


def test_a_write_that_fails_or_changes_nothing_reports_nothing(store):
    got = heard(store)
    store.write_now(lambda s: s.execute(__import__("sqlalchemy").text("SELECT 1")).all())
    with pytest.raises(ZeroDivisionError):
        store.write_now(lambda s: (save_learner(s, None, {"given_names": "A", "family_name": "B"}), 1 / 0))
    assert got == []
    learner = store.write_now(save_learner, None, {"given_names": "A", "family_name": "B"})
    assert [c.learners for c in got] == [{learner}]   # the failed write left nothing behind


def test_pulled_rows_are_reported_as_sync_on_the_writer_thread(store):
    got, threads = [], []
    store.on_changes(lambda c: (got.append(c), threads.append(threading.current_thread().name)))

    def apply_pulled(session):
        mark_pulled(session)
        return save_learner(session, None, {"given_names": "From", "family_name": "Centre"})

    learner = store.write_now(apply_pulled)
    assert got[-1].source == SYNC and got[-1].touches(learner)
    assert threads == ["fieldfolio-writer"]
    store.write_now(save_learner, None, {"given_names": "Local", "family_name": "One"})
    assert got[-1].source == "local"    # the mark lasts one write
    assert (got[0] | got[1]).source == SYNC and len((got[0] | got[1]).learners) == 2


def test_loading_a_new_pack_says_the_catalogue_changed(store):
    from app.catalogue.loader import load_bundled_packs
    got = heard(store)
    store.write_now(load_bundled_packs)
    assert got and got[-1].catalogue
    store.write_now(load_bundled_packs)    # already loaded: nothing new
    assert len(got) == 1


def test_a_failing_listener_does_not_stop_the_writer(store):
    store.on_changes(lambda c: 1 / 0)
    got = heard(store)
    store.write_now(save_learner, None, {"given_names": "A", "family_name": "B"})
    store.write_now(save_learner, None, {"given_names": "C", "family_name": "D"})
    assert len(got) == 2
