"""Employers are shared by every laptop at the centre (server/employers.py), with a real
centre on SQLite and PostgreSQL: an assessor's laptop cannot delete an employer another
assessor's learner is placed with (its own check sees only its own learners), and gets it
back as the centre has it, with the reason under "needs attention"; an IQA's laptop
changes no employer, whether it asks its own laptop (refused before saving) or an older
laptop sends the change anyway (refused by the centre)."""
from __future__ import annotations

import pytest

from app.caseload.employers import (autosave_employer, delete_employer, employer_form_values,
                                    save_employer)
from app.caseload.learners import save_learner
from app.models import Employer, Learner
from app.sync import iqa_laptop
from app.sync.attention import open_items
from app.sync.engine import run_sync
from app.sync.iqa_laptop import EMPLOYERS_NOT_HERE, ReadOnlyForIqa
from server import staff
from server.employers import IQA_KEEPS_NO_EMPLOYERS
from tests.server.sync_helpers import enrolled

SHOP = {"name": "Harbourside Home Stores", "contact_name": "Priya Shah",
        "contact_phone": "0117 496 0321"}


def at_centre(centre, employer_id: str) -> Employer:
    db = centre.open_database()
    try:
        with db.reading() as session:
            employer = session.get(Employer, employer_id)
            session.expunge(employer)
            return employer
    finally:
        db.dispose()


def test_an_employer_another_assessors_learner_works_at_is_kept(centre, laptops):
    sam, ruth = laptops("sam"), laptops("ruth")
    enrolled(sam, centre, "Sam Patel")
    enrolled(ruth, centre, "Ruth Okafor")
    shop = sam.write_now(save_employer, None, SHOP)
    quiet = sam.write_now(save_employer, None, {"name": "Northgate Energy"})
    moved = sam.write_now(save_employer, None, {"name": "Greenway Leisure Centre"})
    amelia = sam.write_now(save_learner, None, {"given_names": "Amelia",
                                               "family_name": "Hughes", "employer_id": moved})
    assert run_sync(sam).rejected == 0
    run_sync(ruth)                                     # Ruth's laptop has the employers
    kwame = ruth.write_now(save_learner, None, {"given_names": "Kwame", "family_name": "Mensah",
                                                "employer_id": shop})
    assert run_sync(ruth).rejected == 0

    # Sam's laptop holds nobody placed at the shop, so it lets the delete through...
    sam.write_now(delete_employer, shop)
    sam.write_now(delete_employer, quiet)              # nobody anywhere: deleted
    # ...and moving Amelia away then deleting her old employer goes in the same sync.
    sam.write_now(save_learner, amelia, {"given_names": "Amelia", "family_name": "Hughes",
                                         "employer_id": ""})
    sam.write_now(delete_employer, moved)
    outcome = run_sync(sam)
    assert outcome.rejected == 1

    # ...but the centre keeps the shop, and so does Sam's laptop again, saying why.
    assert at_centre(centre, shop).deleted_at is None
    assert at_centre(centre, quiet).deleted_at is not None
    assert at_centre(centre, moved).deleted_at is not None
    assert sam.read(lambda s: s.get(Employer, shop).deleted_at) is None
    items = sam.read(open_items)
    assert [(i.table_name, i.record_id) for i in items] == [("employer", shop)]
    assert items[0].reason == (
        "Harbourside Home Stores was not deleted: 1 learner at the centre is placed there "
        "(perhaps another assessor's). It is kept as the centre has it; it can be deleted "
        "once every learner there has another employer on their Details")
    run_sync(ruth)                                     # Kwame's employer is still there
    assert ruth.read(lambda s: s.get(Learner, kwame).employer.deleted_at) is None


def test_an_iqas_laptop_changes_no_employer(centre, laptops, monkeypatch):
    sam, iris = laptops("sam"), laptops("iris")
    enrolled(sam, centre, "Sam Patel")
    shop = sam.write_now(save_employer, None, SHOP)
    quiet = sam.write_now(save_employer, None, {"name": "Northgate Energy"})
    sam.write_now(save_learner, None, {"given_names": "Amelia", "family_name": "Hughes",
                                       "uln": "9276308686", "employer_id": shop})
    assert run_sync(sam).rejected == 0
    iris_id = enrolled(iris, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, "9276308686", None, iris_id)
    run_sync(iris)
    typed = {**sam.read(lambda s: employer_form_values(s.get(Employer, shop))),
             "contact_phone": "0117 496 03219"}
    for what, attempt in {
            "edit": lambda s: autosave_employer(s, shop, typed),
            "delete": lambda s: delete_employer(s, shop),
            "new": lambda s: save_employer(s, None, {"name": "Calder Valley"})}.items():
        with pytest.raises(ReadOnlyForIqa) as refused:
            iris.write_now(attempt)
        assert refused.value.problems == {"read_only": EMPLOYERS_NOT_HERE}, what
    assert "Details" not in EMPLOYERS_NOT_HERE     # nothing the IQA should do about it
    assert iris.read(lambda s: s.get(Employer, shop).contact_phone) == SHOP["contact_phone"]

    # A laptop from before this check sends the changes anyway: the centre refuses them,
    # and the laptop shows the employers as the centre has them again.
    monkeypatch.setattr(iqa_laptop, "an_iqa_laptop", lambda session: False)
    iris.write_now(autosave_employer, shop, typed)
    iris.write_now(delete_employer, quiet)
    outcome = run_sync(iris)
    assert outcome.rejected == 2
    assert at_centre(centre, shop).contact_phone == SHOP["contact_phone"]
    assert at_centre(centre, quiet).deleted_at is None
    assert iris.read(lambda s: s.get(Employer, shop).contact_phone) == SHOP["contact_phone"]
    assert iris.read(lambda s: s.get(Employer, quiet).deleted_at) is None
    assert [i.reason for i in iris.read(open_items)] == [IQA_KEEPS_NO_EMPLOYERS] * 2
