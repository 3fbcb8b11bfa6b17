"""Source 000 (C&G customer service units 201-236, 302, 303, 311) -> cg-customer-service-units.

The tables below were established by reading the seed itself (grep / awk over
``000_1461ff37435fe4db.txt`` and reading every unit), independently of the extractor.
They are asserted against a fresh build, so the tests fail if the extraction breaks.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from app.catalogue.pack import validate_pack  # noqa: E402
from tools.extract import common  # noqa: E402
from tools.extract import source_000  # noqa: E402

SPEC_PATH = REPO_ROOT / "specs" / "cg-customer-service-units.json"
CORRECTIONS_PATH = REPO_ROOT / "tools" / "corrections" / "cg-customer-service-units.json"

# unit -> ACs per LO, in LO order (LO numbers are 1..n in every unit)
EXPECTED_COUNTS = {
    "201": [6, 4, 2, 6, 2],
    "202": [4, 5],
    "203": [7, 5, 6, 5],
    "204": [3, 3],
    "205": [5, 3, 7, 5],
    "206": [6, 10],
    "207": [4, 3, 4],
    "208": [7, 6, 5],
    "209": [8, 4, 9],
    "210": [4, 4],
    "211": [5, 6],
    "212": [4, 6],
    "213": [6, 7],
    "214": [4, 3, 5],
    "215": [6, 8, 2],
    "216": [7, 7],
    "217": [7, 5],
    "218": [3, 3, 3],
    "219": [4, 3, 4],
    "220": [4, 2, 4],
    "221": [7, 4],
    "222": [5, 6],
    "223": [4, 4],
    "224": [4, 6],
    "225": [5, 7],
    "226": [6, 5, 3, 2],
    "227": [3, 4, 6],
    "228": [6, 4],
    "229": [5, 4, 4],
    "230": [5, 3],
    "231": [7, 9, 3],
    "232": [2, 5, 3],
    "233": [10, 5, 6, 3],
    "234": [7, 3, 8],
    "235": [4, 7, 2, 2, 8],
    "236": [3, 3, 3],
    "302": [9, 3, 3, 4],
    "303": [4, 6, 4],
    "311": [8, 9],
}

# unit -> (UAN, level, credit value, GLH) as printed in the unit header
EXPECTED_HEADER = {
    "201": ("A/506/2130", 2, 5, 27),
    "202": ("F/506/2131", 2, 2, 17),
    "203": ("J/506/2132", 2, 4, 34),
    "204": ("A/506/1964", 2, 4, 40),
    "205": ("L/506/1788", 2, 4, 18),
    "206": ("D/506/2119", 2, 3, 14),
    "207": ("T/506/2126", 2, 3, 20),
    "208": ("H/506/2154", 2, 3, 16),
    "209": ("K/506/2155", 2, 3, 16),
    "210": ("L/506/2133", 2, 2, 14),
    "211": ("R/506/2134", 2, 3, 14),
    "212": ("Y/506/2135", 2, 3, 15),
    "213": ("T/506/2143", 2, 4, 20),
    "214": ("T/506/2157", 2, 3, 15),
    "215": ("A/506/2158", 2, 5, 22),
    "216": ("F/506/2159", 2, 3, 16),
    "217": ("Y/506/2149", 2, 3, 18),
    "218": ("T/506/2160", 2, 3, 12),
    "219": ("A/506/2161", 2, 3, 15),
    "220": ("H/506/2977", 2, 3, 18),
    "221": ("J/506/2163", 2, 3, 18),
    "222": ("K/506/2978", 2, 5, 22),
    "223": ("T/505/4673", 2, 2, 16),
    "224": ("L/506/1807", 2, 2, 12),
    "225": ("H/506/1814", 2, 3, 15),
    "226": ("L/506/1869", 2, 3, 23),
    "227": ("M/506/1895", 2, 3, 19),
    "228": ("L/506/1905", 2, 2, 16),
    "229": ("R/506/1789", 2, 3, 19),
    "230": ("J/506/1806", 2, 2, 10),
    "231": ("M/502/8587", 2, 2, 17),
    "232": ("R/502/8601", 2, 3, 14),
    "233": ("M/502/8606", 2, 3, 22),
    "234": ("K/503/0421", 2, 7, 40),
    "235": ("L/503/0394", 2, 5, 15),
    "236": ("F/502/4396", 2, 3, 20),
    "302": ("D/506/2170", 3, 5, 22),
    "303": ("H/506/1912", 3, 4, 18),
    "311": ("R/506/2151", 3, 4, 22),
}

# unit -> type, from its LOs ("understand"/"know" vs "be able to")
EXPECTED_TYPE = {
    "202": "knowledge", "203": "knowledge", "204": "knowledge", "228": "knowledge",
    "230": "knowledge",
    "205": "competence", "232": "competence", "236": "competence",
}


@pytest.fixture(scope="module")
def pack() -> dict:
    corrections = json.loads(CORRECTIONS_PATH.read_text(encoding="utf-8"))
    return source_000.build(common.read_seed(source_000.SOURCE_FILE), corrections)


@pytest.fixture(scope="module")
def units(pack) -> dict:
    return {u["number"]: u for u in pack["units"]}


def _lo(unit: dict, number: str) -> dict:
    return next(lo for lo in unit["learning_outcomes"] if lo["number"] == number)


def _ac(unit: dict, number: str) -> dict:
    lo = _lo(unit, number.split(".")[0])
    return next(ac for ac in lo["criteria"] if ac["number"] == number)


# ---------------------------------------------------------------------------


def test_pack_is_valid_and_reproducible(pack):
    assert validate_pack(pack) == []
    assert SPEC_PATH.read_text(encoding="utf-8") == common.dump_pack(pack), \
        "specs/cg-customer-service-units.json differs from a rebuild: run tools/build_specs.py"


def test_unit_bank_without_invented_qualifications(pack):
    assert pack["kind"] == "unit_bank"
    assert pack["qualifications"] == []
    assert pack["awarding_body"] == "City & Guilds"
    assert any("No qualification is named" in m for m in pack["missing"])
    assert pack["source"]["document_version"] is None
    assert pack["source"]["document_date"] is None


def test_units_in_source_order_each_once(pack):
    # 228 and 303 have continuation pages whose repeated heading must not add a unit
    assert [u["number"] for u in pack["units"]] == list(EXPECTED_COUNTS)


@pytest.mark.parametrize("number", list(EXPECTED_COUNTS))
def test_lo_and_ac_counts(units, number):
    unit = units[number]
    los = unit["learning_outcomes"]
    assert [lo["number"] for lo in los] == [str(i) for i in range(1, len(EXPECTED_COUNTS[number]) + 1)]
    assert [len(lo["criteria"]) for lo in los] == EXPECTED_COUNTS[number]
    for lo in los:
        assert [ac["number"] for ac in lo["criteria"]] == \
            [f"{lo['number']}.{i}" for i in range(1, len(lo["criteria"]) + 1)]


@pytest.mark.parametrize("number", list(EXPECTED_HEADER))
def test_unit_header(units, number):
    u = units[number]
    assert (u["reference"], u["level"], u["credit"], u["glh"]) == EXPECTED_HEADER[number]
    assert u["type"] == EXPECTED_TYPE.get(number, "mixed")


def test_titles(units):
    assert units["201"]["title"] == "Deliver customer service"
    assert units["204"]["title"] == "Understand employer organisations"
    assert units["213"]["title"] == "Deliver customer service whilst working on customer’s premises"
    assert units["220"]["title"] == "Support customers using self-service equipment"
    assert units["311"]["title"] == "Resolve customers’ complaints"
    assert _lo(units["208"], "1")["title"] == "understand how to deal with incoming customer calls"
    assert _lo(units["230"], "2")["title"] == (
        "understand organisational standards and expectations for equality and diversity "
        "and context in the workplace")
    assert _lo(units["223"], "2")["title"] == (
        "Be able to carry out tasks with regard to health and safety in the workplace.")
    assert [lo["type"] for lo in units["201"]["learning_outcomes"]] == \
        ["knowledge", "knowledge", "performance", "performance", "performance"]


def test_criterion_text_spot_checks(units):
    assert _ac(units["201"], "1.1")["text"] == (
        "explain the relationship between customers’ needs and expectations and customer "
        "satisfaction")
    assert _ac(units["206"], "2.10")["text"] == (
        "adhere to organisational policies and procedures, legal and ethical requirements "
        "when communicating verbally with customers.")
    # wrapped over blank lines in the layout
    assert _ac(units["208"], "1.1")["text"] == (
        "explain why an organisation should have guidance on dealing with telephone calls")
    assert _ac(units["207"], "1.3")["text"] == (
        "describe the potential benefits and limitations associated with communicating with "
        "customers in writing")
    # a line-end hyphen is a real hyphen in this source
    assert _ac(units["219"], "3.4")["text"] == (
        "adhere to organisational policies and procedures, legal and ethical requirements "
        "when supporting customers through on-line customer service.")
    assert _ac(units["222"], "1.1")["text"] == (
        "explain organisational policies and procedures for post-transaction customer service")
    # double spaces in the source collapse
    assert _ac(units["303"], "2.4")["text"] == (
        "prepare fall-back stances and compromises that align with the negotiating strategy "
        "and priorities")
    # 226 2.3 starts a new page with a stray leading space
    assert _ac(units["226"], "2.3")["text"] == (
        "distribute pre-event documentation to delegates in accordance with the event plan")
    assert _ac(units["233"], "1.10")["text"] == (
        "state who to go to when in need of support to overcome objections.")


def test_sub_items_stay_inside_their_criterion(units):
    assert _ac(units["204"], "1.1")["text"] == (
        "explain the differences between the:\na. private sector\nb. public sector\n"
        "c. voluntary sector")
    assert _ac(units["225"], "1.4")["text"] == (
        "explain the:\na. health\nb. safety\nc. security\nimplications of visitors to a building")
    assert _ac(units["227"], "2.4")["text"] == (
        "agree:\na. specific\nb. measurable\nc. achievable\nd. realistic\ne. time-bound\n"
        "(SMART) buddying objectives.")
    assert _ac(units["303"], "3.4")["text"] == (
        "adhere to:\na. organisational policies and procedures\nb. legal and ethical "
        "requirements\nwhen carrying out business negotiations.")


def test_criteria_spanning_a_page_break(units):
    # source lines 7591/7592: the page breaks between sub-items a. and b.
    assert _ac(units["228"], "1.6")["text"] == (
        "describe the:\na. types\nb. roles\nc. responsibilities\n"
        "of representative bodies and their relevance to their own role.")
    # source lines 7112/7113: the closing words start the next page
    assert _ac(units["226"], "1.5")["text"] == (
        "explain the requirements of:\na. health\nb. safety\nc. security\nwhen organising events")


FURNITURE = [
    re.compile(r"^\s*\d{1,3}\s*$", re.M),                  # bare page numbers
    re.compile(r"[\[\]]"),                                  # layout debris (line 333)
    re.compile(r"\bUnit \d{3}\b"),
    re.compile(r"Learning outcome|The learner (?:will|can)|Assessment criteria"),
    re.compile(r"Assessment [Gg]uidance|^Range$|Evidence may be supplied", re.M),
    re.compile(r"City\s*&\s*Guilds|Page \d"),
    re.compile(r"  |\t|^ | $", re.M),                       # unclean whitespace
    re.compile(r"[\uf000-\uf8ff\f]"),                       # private-use bullet glyphs, form feeds
]


def test_no_page_furniture_in_criteria_or_titles(pack):
    for u in pack["units"]:
        texts = [("title", u["title"])]
        for lo in u["learning_outcomes"]:
            texts.append((f"LO {lo['number']} title", lo["title"]))
            texts += [(f"AC {ac['number']}", ac["text"]) for ac in lo["criteria"]]
        for where, text in texts:
            assert text and all(line for line in text.split("\n")), (u["number"], where, text)
            for rx in FURNITURE:
                assert not rx.search(text), (u["number"], where, text)


def test_no_page_numbers_in_guidance(pack):
    for u in pack["units"]:
        for lo in u["learning_outcomes"]:
            for g in [lo["guidance"]] + [ac["guidance"] for ac in lo["criteria"]]:
                for line in (g or "").split("\n"):
                    assert not re.fullmatch(r"\s*\d{1,3}\s*", line), (u["number"], lo["number"], g)


def test_guidance_lines_that_look_like_criteria_are_guidance(units):
    # unit 229 keys its guidance by AC number: "1.1 Benefits of effective team working include:"
    assert _ac(units["229"], "1.1")["text"] == "outline the benefits of effective team working"
    assert _ac(units["229"], "1.1")["guidance"].startswith(
        "Benefits of effective team working include:\n• greater flexibility within the team")
    assert _ac(units["229"], "1.2")["guidance"] is None
    assert _ac(units["205"], "3.4")["guidance"].startswith(
        "Individuals differ in how they learn")
    assert _ac(units["230"], "1.5")["guidance"].startswith(
        "The Legal Enforcement Powers available to the EHRC")
    # the report requirements after the keyed guidance stay with the LO
    assert _lo(units["230"], "2")["guidance"].startswith(
        "Additional Guidance if delivered as Portfolio based")


def test_lost_bullets_restored_in_guidance(units):
    g = _lo(units["201"], "3")["guidance"]
    assert "Evidence may be supplied by:\n• observation\n• witness testimony\n" in g
    g = _lo(units["203"], "3")["guidance"]
    assert "• check understanding\n• show respect\n" in g          # correction, line 1058
    assert "observe non-verbal cues eg body language" in g          # correction, line 1029
    g = _lo(units["201"], "4")["guidance"]
    assert "• Sale of Goods Act (Sale and Supply of Goods to Consumers Regulations)" in g


def test_continuation_pages_join_their_unit(units):
    g = _lo(units["228"], "2")["guidance"]
    assert "must be assessed by one of the versions of the short answer question assignments" in g
    assert units["228"]["source_lines"] == [7518, 7642]
    g = _lo(units["303"], "3")["guidance"]
    assert "any report at this level would need to be in excess of 500 words" in g
    assert units["303"]["source_lines"] == [9798, 10003]


def test_aims_and_requirements(units):
    assert units["201"]["assessment_requirements"] == (
        "All Assessment Criteria must be met and assessed in line with Skills CFA Assessment "
        "Strategy.")
    assert units["206"]["assessment_requirements"] == (
        "This unit is endorsed by Skills CFA Assessment Strategy Competence units (S/NVQ)")
    assert units["204"]["assessment_requirements"] == "N/A"
    assert units["223"]["assessment_requirements"] is None
    assert any("Assessment requirements" in m for m in units["223"]["missing"])
    assert units["236"]["assessment_requirements"] == (
        "This unit will be assessed as specified in the e-Skills IT User Assessment Strategy.")
    assert units["201"]["aim"].startswith("This unit aims to develop the knowledge and skills "
                                          "required to deliver customer service. Upon")
    assert "• the user will take some responsibility for inputting, manipulating and " \
           "outputting the information." in units["236"]["aim"]


def _rules(unit, **kw):
    return [r for r in unit["assessment_rules"] if all(r[k] == v for k, v in kw.items())]


def test_assessment_rules(units):
    r = _rules(units["216"], kind="required", method="Obs")
    assert len(r) == 1 and (r[0]["lo"], r[0]["count"], r[0]["count_of"]) == ("2", 3, "customers")
    assert r[0]["source_line"] == 5076
    r = _rules(units["222"], kind="required", method="Obs")
    assert len(r) == 1 and (r[0]["count"], r[0]["count_of"]) == (3, "customers")
    r = _rules(units["213"], kind="required", method="Obs")
    assert len(r) == 1 and (r[0]["count"], r[0]["count_of"]) == (2, "occasions")
    assert "more than one occasion" in r[0]["source_text"]
    assert [r["lo"] for r in _rules(units["201"], kind="required", method="Obs")] == ["3", "4", "5"]
    assert _rules(units["201"], lo="1", method="Obs") == []
    assert {r["method"] for r in _rules(units["201"], lo="1", kind="allowed")} == {"PD", "Q", "RA", "P"}
    # unit 228: City & Guilds' own short answer question assignments (line 7639) or the
    # on-line workbook (line 7535), not "any questioning record"
    assert _rules(units["228"], kind="required") == []
    r = _rules(units["228"], kind="guidance", method="Q")
    assert len(r) == 1 and r[0]["lo"] is None and r[0]["source_line"] == 7639
    assert "short answer question assignments provided by City & Guilds" in r[0]["source_text"]
    r = _rules(units["228"], kind="guidance", method=None)
    assert [x["source_line"] for x in r] == [7535] and "on-line ERR workbook" in r[0]["source_text"]
    # every "Assessment type" line is carried, as guidance of its unit
    types = {n: [x["source_text"] for x in _rules(u, kind="guidance")
                 if x["source_text"].startswith("Assessment type:")] for n, u in units.items()}
    assert {n for n, t in types.items() if t} == {"202", "203", "204", "228", "230"}
    assert types["202"] == ["Assessment type: E-volve or Portfolio of evidence"]
    # no rule is invented where the source states none
    assert units["205"]["assessment_rules"] == []
    assert units["236"]["assessment_rules"] == []
    source = common.read_seed(source_000.SOURCE_FILE).split("\n")
    for u in units.values():
        for rule in u["assessment_rules"]:
            first = re.sub(r"\s+", " ", source[rule["source_line"] - 1]).strip()
            assert first and (first in rule["source_text"] or rule["source_text"][:20] in first
                              or first[-20:] in rule["source_text"]), (u["number"], rule)


def test_corrections_recorded(pack, units):
    fields = [c["field"] for c in pack["corrections"]]
    assert "units[201].learning_outcomes[4].criteria[4.6].text" in fields
    assert _ac(units["201"], "4.6")["text"] == (
        "adhere to organisational policies and procedures, legal and ethical requirements "
        "when providing customer service.")
    assert pack["corrections"] == json.loads(CORRECTIONS_PATH.read_text(encoding="utf-8"))


def test_criteria_source_lines_point_at_the_criterion(pack):
    source = common.read_seed(source_000.SOURCE_FILE).split("\n")
    for u in pack["units"]:
        for lo in u["learning_outcomes"]:
            for ac in lo["criteria"]:
                line = source[ac["source_line"] - 1].strip()
                assert line.startswith(ac["number"] + " "), (u["number"], ac["number"], line)
