"""Seed 001 (City & Guilds 2794-02) → specs/cg-2794-02.json.

The table below was established by reading the source (the 'LOn' / 'ACn.n' lines of each
unit's first section), independently of the extractor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.extract import common as c
from tools.extract import source_001 as src

REPO = Path(__file__).resolve().parents[2]

# unit -> (title, number of ACs per LO, in LO order)
EXPECTED = {
    "201": ("Developing self to achieve targets and goals", [4, 5, 5, 6]),
    "202": ("Recognition of regulations and legislation within own organisation", [3, 3, 3, 3, 3]),
    "203": ("Principles of business", [3, 5, 5, 4, 2]),
    "204": ("Contribute to a customer focused experience", [5, 5, 3, 4, 4]),
    "205": ("Provide customer service", [4, 5, 6, 7, 7]),
    "206": ("Manage customer expectations", [8, 3, 4, 4]),
    "207": ("Working in a sales environment", [4, 6, 7, 8]),
    "208": ("Working in an administrative environment", [6, 6, 3, 5]),
    "209": ("Working in a contact centre environment", [8, 4, 10]),
    "210": ("Customer service principles", [5, 5, 7, 6]),
    "211": ("Working in a retail environment", [6, 9, 8, 6]),
    "212": ("Social media in a work environment", [5, 3, 3, 4]),
    "213": ("Fundamentals of marketing", [6, 4, 3]),
}


@pytest.fixture(scope="module")
def pack():
    corrections = json.loads((REPO / "tools/corrections/cg-2794-02.json").read_text("utf-8"))
    return src.build(c.read_seed(src.SOURCE_FILE), corrections)


def unit(pack, number):
    return next(u for u in pack["units"] if u["number"] == number)


def ac(pack, number, ac_number):
    u = unit(pack, number)
    return next(a for lo in u["learning_outcomes"] for a in lo["criteria"]
                if a["number"] == ac_number)


def test_units_los_and_ac_counts(pack):
    assert [u["number"] for u in pack["units"]] == list(EXPECTED)
    for u in pack["units"]:
        title, counts = EXPECTED[u["number"]]
        assert u["title"] == title
        assert [lo["number"] for lo in u["learning_outcomes"]] == [
            str(i) for i in range(1, len(counts) + 1)], u["number"]
        assert [len(lo["criteria"]) for lo in u["learning_outcomes"]] == counts, u["number"]
        for lo in u["learning_outcomes"]:
            assert [a["number"] for a in lo["criteria"]] == [
                f"{lo['number']}.{i}" for i in range(1, len(lo["criteria"]) + 1)]
        assert u["reference"] is None and u["credit"] is None and u["level"] == 2


def test_exact_texts(pack):
    assert ac(pack, "201", "1.2")["text"] == "identify agreed targets and goals in own role"
    assert ac(pack, "201", "1.2")["source_line"] == 391
    assert ac(pack, "209", "3.10")["text"] == (
        "record information on the conversation including the outcome and any agreed "
        "follow-up actions")
    # ACs with lettered sub-items keep them inside the AC, one per line
    assert ac(pack, "205", "1.2")["text"] == (
        "describe the difference between providing:\na. a product\nb. a service")
    assert ac(pack, "205", "2.3")["text"] == (
        "demonstrate an approachable and welcoming attitude and/or tone, when dealing with "
        "customers\na. Face to face\nb. Non face to face")
    lo = unit(pack, "204")["learning_outcomes"][3]
    assert lo["title"] == "Be able to communicate and work with others in the interests of helping customers"
    assert lo["type"] == "performance"


def test_clean_text(pack):
    for u in pack["units"]:
        for lo in u["learning_outcomes"]:
            for text in [lo["title"]] + [a["text"] for a in lo["criteria"]]:
                for bad in ("**", "<b>", "</", "&amp;", "AC1", "LO1", "\t"):
                    assert bad not in text, (u["number"], text)


def test_untitled_lo_is_recorded(pack):
    lo2 = unit(pack, "208")["learning_outcomes"][1]
    assert lo2["number"] == "2" and lo2["title"] == ""
    assert any("LO 2 has no title" in m for m in unit(pack, "208")["missing"])


def test_model_answers_are_not_criteria(pack):
    texts = [a["text"] for u in pack["units"] for lo in u["learning_outcomes"]
             for a in lo["criteria"]]
    for answer in ("PESTLE is", "P for Political", "A PESTLE Analysis encourages",
                   "The service offer – also known as a customer charter",
                   "Good customer service is", "To improve its reputation"):
        assert not any(answer in t for t in texts), answer
    # they are the guidance of the AC they answer instead
    assert ac(pack, "210", "1.2")["guidance"].startswith(
        "A PESTLE Analysis encourages an organisation to look at the external factors")
    assert ac(pack, "210", "1.1")["text"] == "state what is meant by a PESTLE analysis"


def test_rules_of_combination(pack):
    (q,) = pack["qualifications"]
    assert (q["ab_number"], q["regulator_number"], q["glh"], q["tqt"], q["credits"]) == (
        "2794-02", "603/2394/2", 201, 380, None)
    roc = q["rules_of_combination"]
    mand, opt = roc["groups"]
    assert mand["mandatory"] and mand["units"] == ["201", "202", "203", "204", "205", "206"]
    assert mand["min_units"] == 6
    assert not opt["mandatory"] and opt["units"] == ["207", "208", "209", "210", "211", "212", "213"]
    assert opt["min_units"] == 1
    assert roc["min_credits"] is None and roc["barred"] == []
    assert roc["order"] == [{
        "unit": "201", "rule": "last", "source_line": 577,
        "source_text": "This unit must be started by the learner at the beginning of the "
                       "qualification and should not be signed off until the qualification "
                       "is complete."}]


def test_assessment_rules(pack):
    rules = {(r["lo"], r["kind"], r["method"]) for r in unit(pack, "206")["assessment_rules"]}
    # "Evidence must not include: any methods of self-assessment" (line 315) bars a
    # self-assessment, not the method Other the units invite (presentations, recordings)
    assert (None, "barred", "Ot") not in rules
    (bar,) = [r for r in unit(pack, "206")["assessment_rules"] if r["kind"] == "barred"
              and r.get("evidence") == "self-assessment"]
    assert (bar["method"], bar["source_line"]) == ("RA", 315)
    assert (None, "barred", "Sim") in rules       # "Simulations should not be used"
    assert (None, "allowed", "RWE") in rules      # line 280: "... or a realistic working environment"
    employer = [r for r in unit(pack, "206")["assessment_rules"] if r["source_line"] == 316]
    assert employer[0]["kind"] == "guidance" and "rather than opinions" in employer[0]["source_text"]
    # unit 201 LO 4 (line 589) expects the self-assessment line 315 bars: both carried
    (swot,) = [r for r in unit(pack, "201")["assessment_rules"] if r["source_line"] == 589]
    assert (swot["lo"], swot["kind"], swot["method"], swot["evidence"]) == \
        ("4", "required", "RA", "self-assessment")
    assert ("1", "required", "Obs") in rules
    video = [r for r in unit(pack, "201")["assessment_rules"] if r["count"] == 10]
    assert video and video[0]["source_line"] == 306
    r208 = {(r["lo"], r["kind"], r["method"]) for r in unit(pack, "208")["assessment_rules"]}
    assert {("1", "required", "Obs"), ("2", "required", "Obs"),
            ("3", "required", "PD"), ("4", "required", "PD")} <= r208
    # 210 is a multiple-choice test: no portfolio rules
    assert not [r for r in unit(pack, "210")["assessment_rules"] if r["method"] != "A"]


def test_spec_file_is_reproducible(pack):
    from app.catalogue.pack import validate_pack

    assert validate_pack(pack) == []
    assert (REPO / "specs/cg-2794-02.json").read_text("utf-8") == c.dump_pack(pack)
