"""A change to a record's file or criterion link reaches the centre: a photo removed from an
unsigned record and a criterion unmapped from it, once both had synced, are tombstoned at
the centre too and the laptop matches it. (The centre's update named the changed row by a
bound `record_id`, which is also the column naming these links' evidence record, so it
set that column to the link's own id and the database refused the change.) A real centre
process, on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from app.evidence.attachments import attach_file, remove_attachment
from app.evidence.mapping import map_criteria, unmap_criteria
from app.evidence.records import create_record
from app.models import (AssessmentCriterion, Attachment, CriterionMapping, EnrolmentUnit,
                        EvidenceRecord)
from app.sync.engine import run_sync
from tests.foundation.test_merge_enrolments import amelia
from tests.server.erasure_setup import photo
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled


def test_a_removed_file_and_an_unmapped_criterion_reach_the_centre(centre, laptops, tmp_path):
    laptop = laptops("one")
    sam = enrolled(laptop, centre, "Sam Patel")
    made = laptop.write_now(amelia, "amelia@example.org", 1, 2, "Till drawer count")
    record = laptop.write_now(create_record, made["enrolment"], "Obs", title="Greeting")
    path, _ = photo(tmp_path, "greeting.jpg", b"Amelia greeting a customer ")
    link = attach_file(laptop, record, path)
    criterion = laptop.read(lambda s: s.scalars(select(AssessmentCriterion.id).join(
        EnrolmentUnit, EnrolmentUnit.unit_id == AssessmentCriterion.unit_id).where(
        EnrolmentUnit.enrolment_id == made["enrolment"])).first())
    laptop.write_now(map_criteria, record, {criterion: "met"})
    assert run_sync(laptop).rejected == 0

    laptop.write_now(remove_attachment, link)
    laptop.write_now(unmap_criteria, record, [criterion])
    assert run_sync(laptop).rejected == 0

    db = centre.open_database()
    try:
        with db.reading() as session:
            at_centre = session.get(Attachment, link)
            mapping = session.scalars(select(CriterionMapping).where(
                CriterionMapping.record_id == record)).one()
            assert (at_centre.record_id, at_centre.deleted_at is not None) == (record, True)
            assert mapping.deleted_at is not None
            assert session.get(EvidenceRecord, record).deleted_at is None
    finally:
        db.dispose()
    assert_laptop_matches_centre(laptop, centre, sam, "assessor")
