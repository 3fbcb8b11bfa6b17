"""Seed 002 (EDI Level 2 NVQ Certificate in Customer Service support pack)
→ specs/edi-l2-nvq-customer-service.json.

The table below was established by reading the source (grep of the LO / AC lines of each
unit between "The learner can:" and "Evidence Requirements"), independently of the
extractor.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tools.extract import common as c
from tools.extract import source_002 as src

REPO = Path(__file__).resolve().parents[2]

# unit code -> (level, credit, ACs per LO in order); CU791 LO 2 counts 3 (2.2 printed twice)
EXPECTED = {
    "CU791": (1, 4, [3, 3, 15]), "CU792": (2, 4, [5, 10]), "CU793": (1, 5, [8, 6, 6]),
    "CU794": (1, 5, [4, 5, 9]), "CU795": (2, 5, [10, 12]), "CU796": (2, 5, [7, 5, 4, 5]),
    "CU797": (2, 6, [4, 4, 5, 6]), "CU798": (2, 5, [3, 2, 3, 7]), "CU799": (2, 6, [7, 5, 5]),
    "CU800": (2, 6, [7, 6, 7]), "CU801": (2, 6, [5, 5, 5, 7]), "CU802": (2, 5, [8, 6, 9]),
    "CU803": (2, 5, [5, 4, 11, 12]), "CU804": (2, 6, [4, 5, 6, 9]),
    "CU818": (3, 6, [5, 7, 5, 8]), "CU755": (3, 8, [4, 8, 8]), "CU819": (3, 7, [4, 4, 4, 5]),
    "CU820": (3, 7, [8, 6, 8]), "CU805": (1, 5, [8, 8]), "CU806": (2, 5, [3, 6, 3, 5]),
    "CU807": (2, 5, [9, 11, 5]), "CU808": (2, 5, [6, 4, 8]), "CU809": (2, 8, [6, 9, 6]),
    "CU810": (2, 4, [6, 7, 8]),
}

NOT_SPECIFIED = ["CU811", "CU812", "CU821", "CU822", "CU823", "CU813", "CU814", "CU815",
                 "CU816", "CU756", "CU817", "CU824", "CU825", "CU826", "CU827", "CU828",
                 "CU829", "CU830", "CU831", "CU832", "CU833", "CU834", "CU835", "CU836",
                 "CU837"]


@pytest.fixture(scope="module")
def pack():
    path = REPO / "tools/corrections/edi-l2-nvq-customer-service.json"
    return src.build(c.read_seed(src.SOURCE_FILE), json.loads(path.read_text("utf-8")))


def unit(pack, number):
    return next(u for u in pack["units"] if u["number"] == number)


def los(pack, number):
    return unit(pack, number)["learning_outcomes"]


def test_units_los_and_ac_counts(pack):
    assert [u["number"] for u in pack["units"]] == list(EXPECTED)
    for u in pack["units"]:
        level, credit, counts = EXPECTED[u["number"]]
        assert (u["level"], u["credit"]) == (level, credit), u["number"]
        assert [lo["number"] for lo in u["learning_outcomes"]] == [
            str(i) for i in range(1, len(counts) + 1)], u["number"]
        assert [len(lo["criteria"]) for lo in u["learning_outcomes"]] == counts, u["number"]
        for lo in u["learning_outcomes"]:
            assert [a["number"] for a in lo["criteria"]] == [
                f"{lo['number']}.{i}" for i in range(1, len(lo["criteria"]) + 1)], u["number"]


def test_exact_texts(pack):
    lo1 = los(pack, "CU795")[0]
    assert lo1["title"] == "Communicate effectively with customers"
    assert lo1["criteria"][0]["text"] == "Listen actively to what customers are saying"
    assert lo1["criteria"][7]["text"] == (
        "Read customers’ body language to help them understand their feelings and wishes")
    lo4 = los(pack, "CU796")[3]
    assert lo4["title"] == ("Understand how to give customers a positive impression of "
                            "themselves and the organisation they must know and understand")
    assert los(pack, "CU791")[2]["criteria"][10]["text"] == (
        "Identify who’s who and who does what to deliver customer service in their organisation")
    assert los(pack, "CU802")[1]["criteria"][5]["text"] == (
        "Observe their customer to read non-verbal clues about the customer’s wishes and "
        "expectations")
    # an LO printed on the same line as its first AC
    lo3 = los(pack, "CU801")[2]
    assert lo3["title"] == "Go the extra mile"
    assert lo3["criteria"][0]["text"] == "Take action to go the extra mile in customer service"


def test_no_page_furniture_or_garbling(pack):
    for u in pack["units"]:
        for lo in u["learning_outcomes"]:
            for text in [lo["title"]] + [a["text"] for a in lo["criteria"]]:
                assert "Unit C" not in text and "CU" not in text, text
                for ch in "ôóñòïÁ":
                    assert ch not in text, text
                assert not any(w.isdigit() for w in text.split()), text
        for field in ("aim", "assessment_requirements"):
            for ch in "ôóñòïÁ":
                assert ch not in (u[field] or "")
    # the last criterion before a page number / running header is not polluted
    assert los(pack, "CU801")[2]["criteria"][4]["text"].endswith(
        "could be accommodated within the service offer")


def test_corrections(pack):
    corr = {c_["field"]: c_ for c_ in pack["corrections"]}
    assert len(corr) == 4
    dup = corr["units[CU791].learning_outcomes[2].criteria"]
    assert dup["source_line"] == 2713
    lo2 = los(pack, "CU791")[1]["criteria"]
    assert [(a["number"], a["text"], a["source_line"]) for a in lo2] == [
        ("2.1", "Outline their organisation’s services and products to customers", 2707),
        ("2.2", "Greet customers politely and positively", 2710),
        ("2.3", "List the information they need to deliver effective customer service and "
                "where that information can be found", 2713)]
    assert corr["units[CU795].learning_outcomes[1].criteria[1 2].number"]["now"] == "1.2"
    assert corr["units[CU795].learning_outcomes[2].criteria[2.3.].number"]["now"] == "2.3"


def test_rules_of_combination(pack):
    (q,) = pack["qualifications"]
    assert q["title"] == "EDI Level 2 NVQ Certificate in Customer Service"
    assert q["level"] == 2 and q["credits"] == 28 and q["glh"] is None
    roc = q["rules_of_combination"]
    assert roc["min_credits"] == 28
    assert roc["min_credits_at_or_above_level"] == {"level": 2, "credits": 11}
    groups = {g["id"]: g for g in roc["groups"]}
    assert list(groups) == ["A", "B", "C", "D", "E"]
    assert groups["A"]["mandatory"] and groups["A"]["units"] == ["CU791", "CU792"]
    assert groups["A"]["min_credits"] == 8
    assert groups["B"]["title"] == "Optional Units - Impression and Image"
    assert groups["E"]["title"] == "Optional Units – Development and Improvement"
    assert [len(groups[g]["units"]) for g in "ABCDE"] == [2, 16, 11, 7, 13]
    for g in "BCDE":
        assert not groups[g]["mandatory"] and groups[g]["min_units"] == 1
    assert groups["D"]["units"] == ["CU813", "CU814", "CU815", "CU816", "CU756", "CU817", "CU824"]
    assert "A minimum of eleven credits must be achieved at level 2 from optional groups B to E." in roc["notes"]


def test_listed_not_specified(pack):
    lns = pack["listed_not_specified"]
    assert [x["number"] for x in lns] == NOT_SPECIFIED
    first = lns[0]
    assert first == {"number": "CU811", "reference": None,
                     "title": "Deal with customers using bespoke software", "source_line": 2523}
    assert lns[-1]["title"] == "Monitor the quality of customer service transactions"
    assert any("49 units but only 24 are specified" in m for m in pack["missing"])
    assert any("ends after AC 3.8" in m for m in unit(pack, "CU810")["missing"])


def test_assessment_rules(pack):
    r = unit(pack, "CU792")["assessment_rules"]
    sims = [x for x in r if x["method"] == "Sim"]
    assert [x["lo"] for x in sims] == ["1"]   # performance evidence: LO 1 only
    assert sims[0]["source_text"] == ("Simulation is not allowed for any performance evidence "
                                      "within this unit.")
    r = unit(pack, "CU793")["assessment_rules"]
    assert any(x["method"] == "Sim" and x["lo"] is None for x in r)


SUFFICIENT = ("You must provide evidence that shows you have done this over a sufficient period "
              "of time with different customers on different occasions for your assessor to be "
              "confident that you are competent.")


def test_sufficiency_is_a_rule_about_occasions_not_a_required_method(pack):
    """The sentence asks for evidence over time, with different customers, on different
    occasions: a sufficiency rule naming no method. Read as a required record of method
    "Ot" it made every EDI unit wait for an "Other" record nobody needs. Every specified
    unit prints it once in its evidence requirements, except CU810, whose text stops
    before them (see test_listed_but_not_specified)."""
    kinds = Counter((r["kind"], r["method"]) for u in pack["units"] for r in u["assessment_rules"])
    assert kinds == {("barred", "Sim"): 46, ("sufficiency", None): 23,
                     ("allowed", "RWE"): 19 + 24, ("barred", "RWE"): 4}
    for u in pack["units"]:
        rules = [r for r in u["assessment_rules"] if r["kind"] == "sufficiency"]
        if u["number"] == "CU810":
            assert rules == []
            continue
        (rule,) = rules
        assert (rule["lo"], rule["method"], rule["count"], rule["count_of"],
                rule["source_text"]) == (None, None, None, "occasions", SUFFICIENT), u["number"]
        start, end = u["source_lines"]
        assert start <= rule["source_line"] <= end


def test_a_realistic_working_environment_is_not_simulation(pack):
    """Each unit's evidence requirements say apart whether RWE (or a work placement) is
    permissible and that simulation is not: RWE is a method of its own, barred only by the
    four units that say so, and Appendix D's guidelines (line 1223) go with it to every unit."""
    rwe = {u["number"]: {(r["kind"], r["source_line"]) for r in u["assessment_rules"]
                         if r["method"] == "RWE"} for u in pack["units"]}
    assert {n for n, r in rwe.items() if any(k == "barred" for k, _ in r)} == {
        "CU818", "CU755", "CU819", "CU820"}
    assert rwe["CU818"] == {("barred", 5119), ("allowed", 1223)}
    assert rwe["CU791"] == {("allowed", 2801), ("allowed", 1223)}
    (barred,) = [r for r in pack["units"] if r["number"] == "CU818"][0]["assessment_rules"][:1]
    assert barred["source_text"].startswith("Evidence collected in a realistic working "
                                            "environment or a work placement is not permissible")
    appendix = [r for r in pack["units"][0]["assessment_rules"] if r["source_line"] == 1223][0]
    assert appendix["source_text"].startswith("RWE can be applied to all Units in the Level 2")
    assert "i. the RWE is managed as a real work situation." in appendix["source_text"]


def test_validates_except_known_validator_gaps(pack):
    """Only problems the validator raises for what the source legitimately prints.

    * groups C–E name units the structure table lists but this file does not specify
      (they are in listed_not_specified);
    * CU801 AC 3.4 begins with the verb "Note" ("Note and pass on positive feedback").
    """
    from app.catalogue.pack import validate_pack

    unlisted = set(NOT_SPECIFIED)
    for p in validate_pack(pack):
        msg = p.message
        if "which is not in this pack" in msg:
            assert msg.split("'")[1] in unlisted, msg
        else:
            assert msg.startswith("units[CU801].learning_outcomes[3].criteria[3.4].text"), msg


def test_spec_file_is_reproducible(pack):
    path = REPO / "specs/edi-l2-nvq-customer-service.json"
    if not path.exists():
        pytest.skip("pack not written: tools/build_specs.py refuses it until the validator "
                    "accepts groups naming listed_not_specified units")
    assert path.read_text("utf-8") == c.dump_pack(pack)
