"""The VTCT Customer Service Suite unit bank (seed 004) as extracted into its pack.

The counts below were established by reading the source text (grep of the AC numbers that
open a criterion, per unit and LO, cross-read against the tables), not from the extractor.
"""

import json
from pathlib import Path

import pytest

from app.catalogue.pack import load_pack, validate_pack
from tools.extract import common
from tools.extract import source_004

PACK_PATH = Path(__file__).resolve().parents[2] / "specs" / "vtct-customer-service-bank.json"

# unit number as printed -> number of ACs in LO 1, 2, 3, ...
AC_COUNTS = {
    "UBU1 / CS 1": [2, 4, 7, 3],
    "UBU2 / CS 2": [8, 6],
    "UBU6 / CS 3": [5, 6, 2],
    "UBU7 / CS 4": [6, 4, 6],
    "UBU24 / CS 5": [6, 10],
    "UBU8 / CS 6": [4, 3, 4],
    "UBU19 / CS 7": [6, 4, 2, 6, 2],
    "UBU20 / CS 8": [4, 5],
    "UBU21 / CS 9": [7, 5, 6, 5],
    "UBU9 / CS 10": [7, 6, 5],
    "UBU10/ CS 11": [8, 4, 9],
    "UBU26 / CS 12": [4, 4],
    "UBU11 / CS 13": [5, 6],
    "UBU27 / CS 14": [4, 6],
    "UBU28 / CS 15": [6, 7],
    "UBU29 / CS 16": [4, 3, 5],
    "UBU30 / CS 17": [6, 8, 2],
    "UBU31 / CS 18": [7, 7],
    "UBU32 / CS 19": [7, 5],
    "UBU33/ CS 20": [3, 3, 3],
    "UBU34 / CS 21": [4, 3, 4],
    "UBU35 / CS 22": [4, 2, 4],
    "UBU36 / CS 23": [7, 4],
    "UBU37 / CS 24": [5, 6],
    "UBU52 / CS 25": [6, 6, 4],
    "UBU53 / CS 26": [5, 3, 6, 2],
    "UBU54 / CS 27": [5, 6, 3],
    "UBU58 / CS 28": [5, 3, 5],
    "UBU59 / CS 29": [3, 4, 5],
    "UBU55 / CS 30": [4, 9],
    "UBU38 / CS 31": [8, 9],
    "UBU39 / CS 32": [9, 3, 3, 4],
    "UBU60/ CS 33": [7, 4, 4],
    "UBU61 / CS 35": [6, 4, 7],
    "UBU62 / CS 38": [7, 3, 6, 5],
    "UBU63 / CS 40": [4, 5, 3],
    "UBU64/ CS 41": [3, 4, 5],
    "UBU65 / CS 42": [6, 6, 5],
    "UBU3 / BA 1": [4, 5, 7],
    "UBU4 / BA 2": [4, 4, 4, 4],
    "UBU5 / BA 3": [8, 5],
    "UBU12 / BA 5": [5, 6],
    "UBU13 / BA 8": [4, 6],
    "UBU22 / BA 38": [3, 3],
    "UBU40 / BA 13": [4, 6],
    "UBU41 / BA 19": [5, 7],
    "UBU42 / BA 27": [6, 5, 3, 2],
    "UBU43 / BA 35": [3, 4, 6],
    "UBU44 / BA 39": [6, 4],
    "UBU50 / BA 42": [4, 6, 4],
    "UBU56 / BA 59": [4, 5, 3, 2, 5],
    "UBU23 / ML 1": [5, 3, 7, 5],
    "UBU45 / ML 2": [5, 4, 4],
    "UBU46 / ML 7": [5, 3],
    "UBU57 / ML 9": [3, 6, 4],
    "UBU66 / ML 10": [4, 3, 3],
    "UBU67 / ML 11": [3, 5, 6],
    "UBU68 / ML 12": [5, 7],
    "UBU69 / ML 21": [5, 3, 2],
}


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK_PATH)


@pytest.fixture(scope="module")
def built():
    corrections = json.loads((Path(__file__).resolve().parents[2] / "tools" / "corrections"
                              / "vtct-customer-service-bank.json").read_text(encoding="utf-8"))
    return source_004.build(common.read_seed(source_004.SOURCE_FILE), corrections)


def unit(pack, number):
    return next(u for u in pack["units"] if u["number"] == number)


def ac(pack, number, ac_number):
    u = unit(pack, number)
    lo = next(lo for lo in u["learning_outcomes"] if lo["number"] == ac_number.split(".")[0])
    return next(c for c in lo["criteria"] if c["number"] == ac_number)


def test_built_pack_is_valid_and_committed(pack, built):
    assert validate_pack(built) == []
    assert common.dump_pack(built) == PACK_PATH.read_text(encoding="utf-8")
    assert built["kind"] == "unit_bank" and built["qualifications"] == []
    assert built["listed_not_specified"] == []


def test_units_in_source_order(pack):
    assert [u["number"] for u in pack["units"]] == list(AC_COUNTS)
    assert len(pack["units"]) == 59


@pytest.mark.parametrize("number", list(AC_COUNTS))
def test_lo_and_ac_counts(pack, number):
    u = unit(pack, number)
    assert [len(lo["criteria"]) for lo in u["learning_outcomes"]] == AC_COUNTS[number]
    assert [lo["number"] for lo in u["learning_outcomes"]] == \
        [str(i) for i in range(1, len(AC_COUNTS[number]) + 1)]
    for lo in u["learning_outcomes"]:
        assert [c["number"] for c in lo["criteria"]] == \
            [f"{lo['number']}.{i}" for i in range(1, len(lo["criteria"]) + 1)]


def test_totals(pack):
    assert sum(len(u["learning_outcomes"]) for u in pack["units"]) == 167
    assert sum(len(lo["criteria"]) for u in pack["units"] for lo in u["learning_outcomes"]) == 805


@pytest.mark.parametrize("number,ref,level,credit,glh,title", [
    ("UBU1 / CS 1", "L/506/2083", 1, 3, 25, "Understand working in a customer service environment"),
    ("UBU19 / CS 7", "A/506/2130", 2, 5, 27, "Deliver customer service"),
    ("UBU10/ CS 11", "K/506/2155", 2, 3, 16, "Make telephone calls to customers"),
    ("UBU58 / CS 28", "Y/506/2166", 3, 5, 21,
     "Develop resources to support consistency of customer service delivery"),
    ("UBU56 / BA 59", "D/506/1942", 3, 10, 74, "Principles of business"),
    ("UBU69 / ML 21", "M/506/1931", 3, 3, 14, "Collaborate with other departments"),
])
def test_unit_headers(pack, number, ref, level, credit, glh, title):
    u = unit(pack, number)
    assert (u["reference"], u["level"], u["credit"], u["glh"], u["title"]) == \
        (ref, level, credit, glh, title)


def test_lo_titles_joined_across_page_breaks(pack):
    assert unit(pack, "UBU6 / CS 3")["learning_outcomes"][2]["title"] == \
        "Be able to refer details of customers' problems to colleagues"
    assert unit(pack, "UBU10/ CS 11")["learning_outcomes"][2]["title"] == \
        "Be able to make telephone calls to customers"
    assert unit(pack, "UBU63 / CS 40")["learning_outcomes"][2]["title"] == \
        "Be able to manage a customer service award programme"
    assert unit(pack, "UBU45 / ML 2")["learning_outcomes"][1]["title"] == \
        "Be able to maintain effective working relationships with colleagues"
    assert unit(pack, "UBU1 / CS 1")["learning_outcomes"][0]["type"] == "knowledge"
    assert unit(pack, "UBU6 / CS 3")["learning_outcomes"][2]["type"] == "performance"


def test_exact_ac_texts(pack):
    assert ac(pack, "UBU10/ CS 11", "3.1")["text"] == \
        "Use telecommunications equipment in accordance with organisational standards"
    assert ac(pack, "UBU39 / CS 32", "2.2")["text"] == \
        "Justify the reasons for selecting different data collection methods"
    assert ac(pack, "UBU39 / CS 32", "2.3")["text"] == (
        "Develop a data collection and analysis plan that specifies the sampling frame, data "
        "collection and recording methods and timeframe")
    assert ac(pack, "UBU27 / CS 14", "1.2")["text"] == \
        "Explain legislation, organisational policies and procedures that can limit or vary the service offer"
    assert ac(pack, "UBU24 / CS 5", "1.3")["text"] == 'Explain why "customer service language" is used'
    assert ac(pack, "UBU24 / CS 5", "2.10")["text"] == (
        "Adhere to organisational policies and procedures, legal and ethical requirements when "
        "communicating verbally with customers")
    assert ac(pack, "UBU4 / BA 2", "3.1")["text"] == 'State the meaning of the terms "equality" and "diversity"'
    assert ac(pack, "UBU69 / ML 21", "3.1")["text"] == \
        "Agree Service Level Agreements (SLAs), objectives and priorities of collaborative arrangements"


def test_guidance_keeps_list_items_on_their_own_lines(pack):
    # the source has no lettered sub-items in its ACs; its lists are in the guidance
    assert ac(pack, "UBU19 / CS 7", "1.6")["guidance"] == (
        "Methods of measuring own effectiveness may include but are not limited to:\n"
        "• Customer feedback\n• Peer feedback\n• Reviewing performance against targets")
    assert ac(pack, "UBU21 / CS 9", "2.2")["guidance"] == (
        "Health, safety and environmental legislation may include, but is not limited to:\n"
        "• Environment and Safety Information Act\n• Health and Safety at Work Act")
    assert ac(pack, "UBU9 / CS 10", "2.1")["guidance"].endswith(
        "• Using body language/facial expressions as if the customer is present")
    assert ac(pack, "UBU9 / CS 10", "2.5")["guidance"] is None


def test_no_html_or_bullets_in_texts(pack):
    for u in pack["units"]:
        for lo in u["learning_outcomes"]:
            assert "<" not in lo["title"] and "\t" not in lo["title"]
            for c in lo["criteria"]:
                assert not any(ch in c["text"] for ch in "<>•\t\n*"), c
                assert c["text"] == c["text"].strip() and "  " not in c["text"]
                assert c["guidance"] is None or "<" not in c["guidance"]


def test_corrections_applied_and_recorded(pack):
    assert "'no problem'" in ac(pack, "UBU19 / CS 7", "2.3")["guidance"]
    assert ac(pack, "UBU57 / ML 9", "3.4")["text"].endswith("received from others")
    assert ac(pack, "UBU61 / CS 35", "3.4")["guidance"] is None
    assert ac(pack, "UBU61 / CS 35", "3.6")["guidance"].startswith("The monitoring should relate")
    assert ac(pack, "UBU27 / CS 14", "1.2")["guidance"].startswith("Legislation could include:")
    assert len(pack["corrections"]) == 7
    assert all(c["reason"] and c["source_line"] > 0 for c in pack["corrections"])


def test_assessment_rules_from_guidance(pack):
    rules = unit(pack, "UBU11 / CS 13")["assessment_rules"]
    assert [(r["lo"], r["kind"], r["method"], r["source_line"]) for r in rules] == \
        [("2", "allowed", "Wt", 507), ("2", "allowed", "Sim", 513)]
    assert "'what if' scenarios" in rules[1]["source_text"]
    assert [r["method"] for r in unit(pack, "UBU37 / CS 24")["assessment_rules"]] == ["Sim"]


def test_source_gaps_recorded(pack):
    assert any("1.2 and 1.3" in m for m in unit(pack, "UBU50 / BA 42")["missing"])
    assert any("ends after AC 3.2" in m for m in unit(pack, "UBU69 / ML 21")["missing"])
    assert any("no qualification" in m for m in pack["missing"])
