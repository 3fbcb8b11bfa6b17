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


def test_phone_and_registration_numbers_are_kept_in_ascii_digits(store):
    from app.caseload.employers import save_employer
    from app.models import Employer, Learner
    learner_id = store.write_now(save_learner, None, {
        **AMELIA, "phone": "０７７００ ９００１２３", "registration_number": "ＥＤＩ-٤٢"})
    learner = store.read(lambda s: s.get(Learner, learner_id))
    assert learner.phone == "07700 900123"
    assert learner.registration_number == "ＥＤＩ-42"      # letters are left as typed
    employer_id = store.write_now(save_employer, None, {
        "name": "Harbourside", "contact_phone": "٠١١٣ ٤٩٦٠٠٠٠"})
    assert store.read(lambda s: s.get(Employer, employer_id)).contact_phone == "0113 4960000"
