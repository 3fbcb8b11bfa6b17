"""A centre restored from an older backup has lost what laptops sent since. Laptops put it
right on their next sync, with nobody doing anything: the laptop whose change numbers the
centre no longer knows numbers on from where the centre is; scopes whose clocks went back
come whole, and what the laptop wrote that the centre lacks (a learner created since the
backup, a newer version of an edited one) goes up again. Nothing on any laptop is replaced
by the centre's older copy, and every laptop ends equal to the centre."""
from __future__ import annotations

import shutil

from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from app.caseload.learners import save_learner
from app.models import Learner
from app.sync.engine import run_sync
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled, type_note


def _copy_database(url: str, source: str, target: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    admin.dispose()


class Backup:
    """The centre's data as it was (its folder, and its PostgreSQL database if it has one),
    put back later as an administrator restoring from last night's backup would."""

    def __init__(self, centre, folder):
        self.centre, self.folder = centre, folder
        centre.stop()
        shutil.copytree(centre.data_dir, folder)
        self.database = None
        if centre.database_url:
            self.database = make_url(centre.database_url).database + "_backup"
            _copy_database(centre.database_url, make_url(centre.database_url).database,
                           self.database)
        centre.start()

    def restore(self) -> None:
        self.centre.stop()
        shutil.rmtree(self.centre.data_dir)
        shutil.copytree(self.folder, self.centre.data_dir)
        if self.database:
            _copy_database(self.centre.database_url, self.database,
                           make_url(self.centre.database_url).database)
        self.centre.start()

    def drop(self) -> None:
        if self.database:
            admin = create_engine(make_url(self.centre.database_url).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            admin.dispose()


def _notes(store, learner_id):
    return store.read(lambda s: s.get(Learner, learner_id).notes)


def test_laptops_give_a_restored_centre_back_what_it_lost(centre, laptops, tmp_path):
    assessor, spare = laptops("assessor"), laptops("spare")
    sam = enrolled(assessor, centre, "Sam Patel")
    enrolled(spare, centre, "Sam Patel", staff_id=sam)
    amy = assessor.write_now(save_learner, None, {"given_names": "Amy", "family_name": "Ng"})
    assessor.write_now(save_learner, None, {"given_names": "Ben", "family_name": "Ng"})
    run_sync(assessor)
    backup = Backup(centre, tmp_path / "last-night")
    try:
        # After last night's backup: a new learner and an edit reach the centre, and the
        # spare laptop pulls both.
        cai = assessor.write_now(save_learner, None, {"given_names": "Cai", "family_name": "Ng"})
        type_note(assessor, amy, "Prefers morning visits")
        run_sync(assessor)
        run_sync(spare)
        assert _notes(spare, amy) == "Prefers morning visits"

        backup.restore()   # the centre lost Cai and Amy's note, and the change numbers

        dee = assessor.write_now(save_learner, None, {"given_names": "Dee", "family_name": "Ng"})
        outcome = run_sync(assessor)   # no refusal: it numbers on and sends back the rest
        assert_laptop_matches_centre(assessor, centre, sam, "assessor")
        assert outcome.sent_back >= 2 and outcome.check_ok, outcome
        assert _notes(assessor, amy) == "Prefers morning visits"   # not the centre's old copy
        db = centre.open_database()
        try:
            with db.reading() as session:
                at_centre = {row.id: row.notes for row in session.scalars(select(Learner))}
        finally:
            db.dispose()
        assert {amy, cai, dee} <= set(at_centre)
        assert at_centre[amy] == "Prefers morning visits"

        # The spare laptop, whose cursors are ahead of the restored centre too, keeps its
        # copies and receives Dee. It sends back only its own: the key it registered after
        # the backup (the assessor's learners are the assessor's laptop's to send).
        second = run_sync(spare)
        assert second.check_ok and second.sent_back == 1 and second.rejected == 0, second
        assert _notes(spare, amy) == "Prefers morning visits"
        assert spare.read(lambda s: s.get(Learner, dee)) is not None
        for laptop in (assessor, spare):
            run_sync(laptop)
            assert_laptop_matches_centre(laptop, centre, sam, "assessor")
    finally:
        backup.drop()
