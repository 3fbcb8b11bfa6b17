"""Digits typed on other keyboards (full-width, Arabic-Indic) are the same digits: a ULN
typed so once made a second learner with Amelia Hughes's ULN."""
from __future__ import annotations

import pytest

from app.caseload.learners import save_learner
from app.caseload.validation import InvalidInput, ascii_digits, parse_date
from app.claims.paperwork import learner_named
from app.caseload.queries import caseload_rows

AMELIA = {"given_names": "Amelia", "family_name": "Hughes", "uln": "9276308686"}


@pytest.mark.parametrize("typed", ["９２７６３０８６８６", "٩٢٧٦٣٠٨٦٨٦", "۹۲۷۶۳۰۸۶۸۶", "92763 08686"])
def test_a_uln_in_other_digits_is_the_same_uln(store, typed):
    first = store.write_now(save_learner, None, AMELIA)
    with pytest.raises(InvalidInput) as clash:
        store.write_now(save_learner, None, {**AMELIA, "given_names": "Twin", "uln": typed})
    assert "already belongs to Amelia Hughes" in clash.value.problems["uln"]
    assert store.read(learner_named, typed).id == first
    assert [r.uln for r in store.read(caseload_rows, typed[:5])] == ["9276308686"]


def test_a_uln_is_stored_in_ascii_digits(store):
    learner_id = store.write_now(save_learner, None, {**AMELIA, "uln": "９２７６３０８６８６"})
    assert store.read(learner_named, learner_id).uln == "9276308686"


def test_other_digits_in_dates_and_other_text():
    assert ascii_digits("١٤/٠٣/٢٠٠١") == "14/03/2001"
    assert parse_date("１４/０３/２００１").isoformat() == "2001-03-14"
    assert ascii_digits("Unit ２０１ — café") == "Unit 201 — café"
