"""The SFJ Awards Level 3 Diploma in Customer Service pack (seed 003) against the source.

The tables below were established by reading the seed (003_82ce2c81b55b795d.txt) by hand,
not by running the extractor: if the extractor or a correction drifts, these fail.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from app.catalogue.pack import validate_pack  # noqa: E402
from tools.extract import common  # noqa: E402
from tools.extract import source_003  # noqa: E402

PACK_ID = "sfj-l3-diploma-customer-service"
SPEC_PATH = REPO_ROOT / "specs" / f"{PACK_ID}.json"
CORRECTIONS_PATH = REPO_ROOT / "tools" / "corrections" / f"{PACK_ID}.json"

# unit -> (national reference, level, credit, GLH, criteria per LO in order)
# read from the unit pages; LO/AC positions as the source prints (or implies) them.
UNITS = {
    "Unit 1": ("L/506/2150", 3, 5, 27, [6, 6, 4]),
    "Unit 2": ("Y/506/2152", 3, 5, 40, [5, 3, 6, 2]),
    "Unit 3": ("K/506/2169", 3, 4, 19, [4, 9]),
    "Unit 4": ("D/506/1942", 3, 10, 74, [4, 5, 3, 2, 5]),
    "Unit 5": ("T/506/2952", 3, 3, 12, [3, 6, 4]),
    "Unit 6": ("J/506/2910", 3, 4, 35, [5, 6, 3]),
    "Unit 7": ("Y/506/2166", 3, 5, 21, [5, 3, 5]),
    "Unit 8": ("D/506/2167", 3, 3, 20, [3, 4, 5]),
    "Unit 9": ("R/506/2151", 3, 4, 22, [8, 9]),
    "Unit 10": ("D/506/2170", 3, 5, 24, [9, 3, 3, 4]),
    "Unit 11": ("K/506/2172", 3, 5, 27, [7, 4, 4]),
    "Unit 12": ("D/506/2119", 2, 3, 14, [6, 10]),
    "Unit 13": ("T/506/2126", 2, 3, 20, [4, 3, 4]),
    "Unit 14": ("L/506/2133", 2, 2, 14, [4, 4]),
    "Unit 15": ("Y/506/2135", 2, 3, 15, [4, 6]),
    "Unit 16": ("T/506/2143", 2, 4, 20, [6, 7]),
    "Unit 17": ("F/506/2159", 2, 3, 16, [7, 7]),
    "Unit 18": ("Y/506/2149", 2, 3, 18, [7, 5]),
    "Unit 19": ("T/506/2160", 2, 3, 12, [3, 3, 3]),
    "Unit 20": ("A/506/2161", 2, 3, 15, [4, 3, 4]),
    "Unit 21": ("J/506/2163", 2, 3, 18, [7, 4]),
    "Unit 22": ("D/506/2153", 4, 4, 17, [6, 4, 7]),
    "Unit 23": ("R/506/2179", 4, 6, 25, [7, 3, 6, 5]),
    "Unit 24": ("L/506/2181", 4, 4, 15, [4, 5, 3]),
    "Unit 25": ("Y/506/2183", 4, 4, 14, [3, 4, 5]),
    "Unit 26": ("D/506/2962", 4, 5, 16, [6, 6, 5]),
    "Unit 27": ("H/506/2977", 2, 3, 18, [4, 2, 4]),
    "Unit 28": ("K/506/2978", 2, 5, 22, [5, 6]),
    "Unit 29": ("H/506/1912", 3, 4, 18, [4, 6, 4]),
    "Unit 30": ("T/506/1820", 3, 3, 15, [4, 3, 3]),
    "Unit 31": ("A/506/1821", 3, 4, 21, [3, 5, 6]),
    "Unit 32": ("J/506/1921", 3, 4, 20, [5, 7]),
    "Unit 33": ("M/506/1931", 3, 3, 14, [5, 3, 2]),
    "Unit 34": ("F/502/8612", 3, 4, 22, [6, 3, 5, 4, 4]),
    "Unit 35": ("R/502/8615", 3, 4, 24, [4, 2, 3, 6]),
    "Unit 36": ("K/502/8622", 3, 3, 27, [7, 4]),
    "Unit 37": ("K/503/0418", 3, 6, 30, [7, 3, 6]),
    "Unit 38": ("D/503/0397", 3, 4, 8, [8, 3, 5, 6]),
    "Unit 39": ("L/506/1807", 2, 2, 12, [4, 6]),
    "Unit 40": ("L/506/1869", 2, 3, 23, [6, 5, 3, 2]),
    "Unit 41": ("H/506/1814", 2, 3, 15, [5, 7]),
    "Unit 42": ("M/506/1895", 2, 3, 19, [3, 4, 6]),
    "Unit 43": ("L/506/1905", 2, 2, 16, [6, 4]),
    "Unit 44": ("M/502/8587", 2, 2, 17, [7, 9, 3]),
    "Unit 45": ("J/502/4397", 3, 4, 30, [2, 3, 4]),
}

KNOWLEDGE_UNITS = {"Unit 2", "Unit 4", "Unit 6", "Unit 43"}   # "This is a knowledge-based unit"
SALES_UNITS = {"Unit 34", "Unit 35", "Unit 36", "Unit 44"}    # Appendix B (Sales Standards)
CONTACT_CENTRE_UNITS = {"Unit 37", "Unit 38"}                 # Appendix C
ITQ_UNITS = {"Unit 45"}                                       # Appendix D
STRATEGY_A_UNITS = set(UNITS) - KNOWLEDGE_UNITS - SALES_UNITS - CONTACT_CENTRE_UNITS - ITQ_UNITS

MANDATORY = [f"Unit {n}" for n in range(1, 7)]
GROUP_A = [f"Unit {n}" for n in range(7, 29)]
GROUP_B = [f"Unit {n}" for n in range(29, 46)]


@pytest.fixture(scope="module")
def source_lines() -> dict[int, str]:
    return dict(common.numbered_lines(common.read_seed(source_003.SOURCE_FILE)))


@pytest.fixture(scope="module")
def pack() -> dict:
    corrections = json.loads(CORRECTIONS_PATH.read_text(encoding="utf-8"))
    return source_003.build(common.read_seed(source_003.SOURCE_FILE), corrections)


@pytest.fixture(scope="module")
def units(pack) -> dict[str, dict]:
    return {u["number"]: u for u in pack["units"]}


def _lo(unit: dict, number: str) -> dict:
    return next(lo for lo in unit["learning_outcomes"] if lo["number"] == number)


def _ac(unit: dict, number: str) -> dict:
    lo = _lo(unit, number.split(".")[0])
    return next(ac for ac in lo["criteria"] if ac["number"] == number)


# --------------------------------------------------------------------------- the pack as a whole


def test_pack_is_valid_and_committed_copy_is_reproduced(pack):
    assert validate_pack(pack) == []
    assert pack["pack_id"] == PACK_ID
    assert pack["kind"] == "qualification"
    assert pack["awarding_body"] == "SFJ Awards"
    assert pack["source"]["file"] == "003_82ce2c81b55b795d.txt"
    assert pack["source"]["document_version"] == "3.0"
    assert SPEC_PATH.read_text(encoding="utf-8") == common.dump_pack(pack)


def test_rebuild_is_deterministic(pack):
    again = source_003.build(common.read_seed(source_003.SOURCE_FILE),
                             json.loads(CORRECTIONS_PATH.read_text(encoding="utf-8")))
    assert common.dump_pack(again) == common.dump_pack(pack)


def test_qualification_facts(pack):
    (q,) = pack["qualifications"]
    assert q["title"] == "SFJ Awards Level 3 Diploma in Customer Service"
    assert q["regulator_number"] == "601/5051/8"
    assert q["level"] == 3
    assert q["credits"] == 55
    # GLH printed only as a range (289-375) and no TQT: left null, and said so
    assert q["glh"] is None and q["tqt"] is None
    assert any("289-375" in m for m in q["missing"])
    assert any("TQT" in m for m in q["missing"])
    assert q["units"] == list(UNITS)


def test_rules_of_combination_as_printed(pack, source_lines):
    roc = pack["qualifications"][0]["rules_of_combination"]
    assert roc["min_credits"] == 55
    assert roc["min_credits_at_or_above_level"] is None
    assert roc["barred"] == [] and roc["order"] == []
    groups = {g["id"]: g for g in roc["groups"]}
    assert list(groups) == ["M", "A", "B"]
    assert (groups["M"]["title"], groups["M"]["mandatory"], groups["M"]["units"],
            groups["M"]["min_credits"], groups["M"]["max_credits"]) == (
        "Mandatory Group", True, MANDATORY, 31, None)
    assert (groups["A"]["title"], groups["A"]["mandatory"], groups["A"]["units"],
            groups["A"]["min_credits"], groups["A"]["max_credits"]) == (
        "Optional Group A", False, GROUP_A, 15, None)
    # the table misprints unit 37 as '737' (line 216): corrected, and the correction recorded
    assert (groups["B"]["title"], groups["B"]["mandatory"], groups["B"]["units"],
            groups["B"]["min_credits"], groups["B"]["max_credits"]) == (
        "Optional Group B", False, GROUP_B, None, 9)
    assert any(c["was"] == "Unit 737" and c["now"] == "Unit 37" and c["source_line"] == 216
               for c in pack["corrections"])
    assert roc["notes"] == (
        "To achieve this qualification learners must achieve a minimum of 55 credits: 31 "
        "credits from the Mandatory Group and a minimum of 15 credits from Optional Group A. "
        "A maximum of 9 credits can come from Optional Group B.")
    assert roc["notes"] in source_lines[roc["source_lines"][0]]


# --------------------------------------------------------------------------- units, LOs, ACs


def test_units_and_counts_match_the_source(units):
    assert list(units) == list(UNITS)
    for number, (ref, level, credit, glh, counts) in UNITS.items():
        u = units[number]
        got = (u["reference"], u["level"], u["credit"], u["glh"],
               [len(lo["criteria"]) for lo in u["learning_outcomes"]])
        assert got == (ref, level, credit, glh, counts), number


def test_numbering_is_continuous_and_in_order(units):
    for number, u in units.items():
        assert [lo["number"] for lo in u["learning_outcomes"]] == [
            str(i) for i in range(1, len(u["learning_outcomes"]) + 1)], number
        for lo in u["learning_outcomes"]:
            assert [ac["number"] for ac in lo["criteria"]] == [
                f"{lo['number']}.{i}" for i in range(1, len(lo["criteria"]) + 1)], (number, lo["number"])


def test_groups_and_types(units):
    for n in MANDATORY:
        assert units[n]["group"] == "Mandatory Group"
    for n in GROUP_A:
        assert units[n]["group"] == "Optional Group A"
    for n in GROUP_B:
        assert units[n]["group"] == "Optional Group B"
    for n, u in units.items():
        assert u["type"] == ("knowledge" if n in KNOWLEDGE_UNITS else "competence"), n


def test_unit_titles(units):
    assert units["Unit 1"]["title"] == "Organise and deliver customer service"
    # the heading of unit 4 prints only 'Unit 4: D/506/1942'; title from the structure table
    assert units["Unit 4"]["title"] == "Principles of business"
    assert units["Unit 45"]["title"] == "Bespoke Software"


def test_criteria_cite_the_line_they_are_printed_on(units, source_lines):
    for number, u in units.items():
        first, last = u["source_lines"]
        for lo in u["learning_outcomes"]:
            for ac in lo["criteria"]:
                line = source_lines[ac["source_line"]]
                assert first <= ac["source_line"] <= last
                # the first words of the text are on the cited line (unit 40 splits words later)
                assert ac["text"][:18] in line.replace("\t", " "), (number, ac["number"])


def test_clean_text_everywhere(units):
    for number, u in units.items():
        for lo in u["learning_outcomes"]:
            assert lo["title"] and "\t" not in lo["title"] and "  " not in lo["title"]
            for ac in lo["criteria"]:
                t = ac["text"]
                assert "\t" not in t and "  " not in t and t == t.strip(), (number, ac["number"])
                assert not t[:4].replace(".", "").strip().isdigit(), (number, ac["number"])
                assert "·" not in t and "•" not in t


def test_learning_outcome_titles(units):
    # titles wrapped over two or three rows of the LO column are joined
    assert _lo(units["Unit 2"], "1")["title"] == (
        "Understand the concepts and practices underpinning customer service delivery")
    assert _lo(units["Unit 6"], "1")["title"] == "Understand Customer Relationship Management (CRM)"
    assert _lo(units["Unit 10"], "2")["title"] == (
        "Be able to plan the collection of customer feedback on customer service issues")
    # a hyphen at the end of a row joins without a space ("real-" / "time online")
    assert _lo(units["Unit 20"], "1")["title"] == (
        "Understand how to support customers through real-time online customer service")
    # stray "o," in the LO cell of line 1873 removed
    assert _lo(units["Unit 26"], "1")["title"] == (
        "Understand the development of a customer service social media strategy")
    assert _lo(units["Unit 35"], "2")["title"] == (
        "Understand how to use tools and methods to analyse sales-related information")
    # LO 3 of unit 35 has only the end of its title printed: kept as printed, said so
    lo3 = _lo(units["Unit 35"], "3")
    assert lo3["title"] == "information about customers, markets and competitors"
    assert lo3["type"] == "performance"
    assert any("LO 3" in m for m in units["Unit 35"]["missing"])
    assert [(lo["number"], lo["type"]) for lo in units["Unit 37"]["learning_outcomes"]] == [
        ("1", "performance"), ("2", "performance"), ("3", "knowledge")]


def test_spot_check_criteria_text(units):
    expect = {
        ("Unit 1", "1.6"): 'Explain how to analyse the "customer journey"',
        ("Unit 3", "2.9"): "Adhere to organisational policies and procedures, legal and ethical "
                           "requirements when dealing with customers' problems",
        ("Unit 12", "2.10"): "Adhere to organisational policies and procedures, legal and "
                             "ethical requirements when communicating verbally with customers",
        ("Unit 22", "3.7"): "Take actions to ensure that customer service delivery meets agreed "
                            "standards",
        ("Unit 37", "2.3"): "identify actions to improve team performance in incident handling "
                            "from a review of incident management results",
        ("Unit 44", "3.3"): "Check all information is stored securely",
        ("Unit 45", "2.3"): "Manage data files effectively, in line with local and/or legal "
                            "guidelines and conventions for the storage and use of data where "
                            "available",
        # unit 43: "2.2<TAB>2.2 Describe ..." prints the number twice
        ("Unit 43", "2.2"): "Describe an employer's expectations for employees' standards of "
                            "personal presentation, punctuality and behaviour",
        # unit 40: words split across tabs with doubled / stray letters, repaired
        ("Unit 40", "1.1"): "Explain the roles, responsibilities and accountabilities of "
                            "individuals involved in the event",
        ("Unit 40", "1.4"): "Describe the different needs attendees may have and how to meet these",
        ("Unit 40", "1.6"): "Describe the types of problems that may occur during events and how "
                            "to deal with them",
        ("Unit 40", "2.5"): "Identify any special requirements of event attendees",
        ("Unit 40", "3.1"): "Set up layout and resources in accordance with the event plan",
        ("Unit 40", "4.2"): "Carry out follow-up actions in accordance with the event plan and "
                            "agreements made at the event",
    }
    for (unit, ac), text in expect.items():
        assert _ac(units[unit], ac)["text"] == text, (unit, ac)


def test_criteria_printed_without_numbers_are_numbered_by_position(units, pack):
    expect = {
        ("Unit 2", "3.3"): (461, "Explain the relationship between customer service and "
                                 "continuous improvement processes"),
        ("Unit 6", "1.1"): (692, 'Explain the concept of the "customer experience"'),
        ("Unit 6", "2.2"): (698, "Explain the benefits of customer retention to an organisation"),
        ("Unit 35", "4.6"): (2353, "Provide sales-related information to the target audience "
                                   "within the agreed timescale and budget"),
        ("Unit 42", "3.6"): (2672, "Offer a buddy hints and tips based on personal experience"),
        ("Unit 45", "1.1"): (2805, "Input relevant information accurately so that it is ready "
                                   "for processing"),
    }
    for (unit, number), (line, text) in expect.items():
        ac = _ac(units[unit], number)
        assert (ac["source_line"], ac["text"]) == (line, text), (unit, number)
        # a reviewer can see the number is ours
        (c,) = [c for c in pack["corrections"] if c["source_line"] == line
                and c["field"].endswith(".number") and c["now"] == number]
        assert c["was"] == "" and "ours" in c["reason"]
    # every criterion and LO the source prints without a number, read off the source
    numbered_by_us = sorted((c["field"].split("]")[0][len("units["):], c["now"])
                            for c in pack["corrections"] if c["field"].endswith("criteria[].number"))
    assert numbered_by_us == sorted([
        ("Unit 2", "3.3"), ("Unit 2", "4.2"),
        ("Unit 6", "1.1"), ("Unit 6", "2.1"), ("Unit 6", "2.2"), ("Unit 6", "2.3"),
        ("Unit 28", "2.5"), ("Unit 29", "1.1"), ("Unit 30", "3.3"),
        ("Unit 33", "2.1"), ("Unit 33", "2.2"), ("Unit 33", "3.1"),
        ("Unit 35", "1.1"), ("Unit 35", "4.5"), ("Unit 35", "4.6"),
        ("Unit 41", "1.1"), ("Unit 42", "1.1"), ("Unit 42", "3.6"),
        ("Unit 45", "1.1"), ("Unit 45", "1.2"), ("Unit 45", "2.1"), ("Unit 45", "2.3"),
        ("Unit 45", "3.1"),
    ])
    lo_numbered_by_us = sorted(c["field"].split("]")[0][len("units["):]
                               for c in pack["corrections"]
                               if c["field"].endswith("learning_outcomes[].number"))
    assert lo_numbered_by_us == sorted(f"Unit {n}" for n in (
        5, 6, 7, 8, 10, 11, 22, 23, 24, 25, 26, 28, 29, 31, 34, 35, 39, 41, 42, 43, 44, 45))


def test_criterion_on_the_wrong_row_is_moved(units, pack):
    u = units["Unit 26"]
    lo2, lo3 = _lo(u, "2"), _lo(u, "3")
    assert [a["number"] for a in lo2["criteria"]] == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
    assert [a["number"] for a in lo3["criteria"]] == ["3.1", "3.2", "3.3", "3.4", "3.5"]
    moved = lo2["criteria"][-1]
    assert moved["text"] == ("Evaluate the extent to which existing organisational structures "
                             "and processes are capable of delivering the strategy")
    assert moved["source_line"] == 1883
    moves = [c for c in pack["corrections"] if c["source_line"] == 1883]
    assert [(c["was"] is None, c["now"] is None) for c in moves] == [(False, True), (True, False)]
    # unit 35: criteria 3.1-3.3 printed under LO 2 (LO 3's heading row is lost)
    u35 = units["Unit 35"]
    assert [a["number"] for a in _lo(u35, "2")["criteria"]] == ["2.1", "2.2"]
    assert _ac(u35, "3.1")["text"] == ("Specify the information needed to develop an "
                                       "understanding of customers, competitors and markets")


def test_indicative_content_is_criterion_guidance(units):
    u = units["Unit 43"]
    assert _ac(u, "1.1")["guidance"] == ("Role of occupation within organisation/ industry: "
                                         "E.g. job description, additional/ ad hoc duties etc.")
    assert _ac(u, "2.2")["guidance"].startswith("Employer's expectations for employees: ")
    assert all(ac["guidance"] for lo in u["learning_outcomes"] for ac in lo["criteria"])
    others = [ac for n, x in units.items() if n != "Unit 43"
              for lo in x["learning_outcomes"] for ac in lo["criteria"] if ac["guidance"]]
    assert others == []


def test_guidance_on_delivery_and_assessment(units):
    u = units["Unit 1"]
    assert u["aim"].startswith("This unit aims to develop the knowledge and skills required to "
                               "organise and deliver customer service.")
    req = u["assessment_requirements"]
    assert req.startswith("Assessment\nAll Assessment Criteria must be met and assessed in line "
                          "with the Skills CFA Assessment Strategy Competence units (S/NVQ)")
    assert "\nSimulation\nSimulation is not allowed for any performance evidence within this unit." in req
    assert req.endswith("\nLinks\nCustomers Service (2013) National Occupational Standards:\n"
                        "- CFACSB2 Deliver reliable customer service\n"
                        "- CFACSB10 Organise the delivery of reliable customer service")
    # heading glued to "Delivery" in unit 42 still yields the aim
    assert units["Unit 42"]["aim"].startswith("This unit aims to develop the knowledge and skills "
                                              "required to buddy a colleague")
    for n, x in units.items():
        assert x["aim"] and x["assessment_requirements"], n
        assert "Guidance on Delivery" not in x["assessment_requirements"]
        assert "- ·" not in x["assessment_requirements"]


# --------------------------------------------------------------------------- assessment strategy


def _rules(unit: dict) -> set[tuple]:
    return {(r["lo"], r["kind"], r["method"], r["source_line"]) for r in unit["assessment_rules"]}


def test_rules_quote_the_source(units, source_lines):
    """Each rule's words are printed from its line on (a sentence may run on to the next
    lines, as Appendix A's on countersigning does)."""
    for n, u in units.items():
        assert u["assessment_rules"], n
        for r in u["assessment_rules"]:
            line = r["source_line"]
            printed = " ".join(source_lines.get(k, "").strip(" -") for k in range(line, line + 3))
            assert r["source_text"] in source_lines[line] or (
                r["source_text"] in printed
                and source_lines[line].strip(" -") in r["source_text"]), (n, r)


def test_appendix_a_bars_simulation_for_its_competence_units(units, source_lines):
    assert source_lines[3004] == "Simulation can only be applied to the following competence units:"
    for n in STRATEGY_A_UNITS:
        u = units[n]
        rules = [r for r in u["assessment_rules"] if r["kind"] != "guidance"]
        assert all(r["kind"] == "barred" and r["method"] == "Sim" and r["lo"] is None
                   for r in rules), n
        # 3.1: a trainee assessor's decisions are countersigned, shown as guidance
        (counter,) = [r for r in u["assessment_rules"] if r["kind"] == "guidance"]
        assert counter["source_line"] == 2900 and "countersigned" in counter["source_text"]
        lines = [r["source_line"] for r in rules]
        assert 3004 in lines, n                       # Appendage B: the only units simulation may use
        own = [r for r in rules if r["source_line"] != 3004]
        assert [r["source_text"] for r in own] == [
            "Simulation is not allowed for any performance evidence within this unit."], n
        assert u["source_lines"][0] < own[0]["source_line"] <= u["source_lines"][1]


def test_other_strategies(units):
    for n in SALES_UNITS:
        assert {(r["kind"], r["method"]) for r in units[n]["assessment_rules"]} == {
            ("allowed", "Sim"), ("guidance", "Sim")}
        assert {3050, 3055} <= {r["source_line"] for r in units[n]["assessment_rules"]}
    # unit 44 names the Sales Standards strategy but places it "in Appendix C" (it is B)
    assert any("Appendix B (line 3033)" in m for m in units["Unit 44"]["missing"])
    for n in CONTACT_CENTRE_UNITS:
        # 4.1 "Only the Level 1 ... can be assessed in a realistic working environment" bars
        # RWE; simulation is barred by the unit's own sentence
        assert _rules(units[n]) >= {(None, "barred", "RWE", 3092)}
        assert {(r["kind"], r["method"]) for r in units[n]["assessment_rules"]} == {
            ("barred", "Sim"), ("barred", "RWE")}
    assert {(r["kind"], r["method"]) for r in units["Unit 45"]["assessment_rules"]} == {
        ("allowed", "Sim"), ("allowed", "Q"), ("allowed", "Wt"), ("allowed", "PD"), ("allowed", "A"),
        ("guidance", "Wt")}
    for n in KNOWLEDGE_UNITS:
        assert {(r["kind"], r["method"]) for r in units[n]["assessment_rules"]} == {
            ("allowed", "Q"), ("allowed", "Ot")}


def test_missing_says_what_the_source_does_not(pack):
    text = " ".join(pack["missing"])
    assert "observation" in text and "witness testimony" in text
    assert "withdrawn" in text
