"""Each semantic check of app/catalogue/pack.py fails on a crafted bad pack."""

import json

import pytest

from app.catalogue.pack import PackError, ac_sort_key, load_pack, validate_pack


def good_pack() -> dict:
    def ac(n, text):
        return {"number": n, "text": text, "guidance": None, "source_line": 12}

    unit = lambda number, credit, level=2: {  # noqa: E731
        "number": number, "reference": None, "title": f"Unit {number}", "level": level,
        "credit": credit, "glh": 10, "type": "mixed", "group": None, "aim": None,
        "assessment_requirements": None, "source_lines": [10, 40],
        "learning_outcomes": [
            {"number": "1", "title": "Understand customer service", "type": "knowledge",
             "guidance": None,
             "criteria": [ac(f"1.{i}", f"Explain point {i}") for i in range(1, 11)]},
            {"number": "2", "title": "Be able to deliver customer service",
             "type": "performance", "guidance": "Observation is required",
             "criteria": [ac("2.1", "Greet customers\na. in person\nb. by telephone"),
                          ac("2.2", "Record details")]},
        ],
        "assessment_rules": [{"lo": "2", "kind": "barred", "method": "Sim", "count": None,
                              "count_of": None, "source_line": 20,
                              "source_text": "Simulation is not permitted"}],
        "missing": [],
    }
    return {
        "format": "fieldfolio-spec-pack", "format_version": 1, "pack_id": "test-pack",
        "kind": "qualification", "awarding_body": "Test AB",
        "source": {"file": "x.txt", "sha256": "0" * 64, "document_title": "Test",
                   "document_version": None, "document_date": None},
        "qualifications": [{
            "title": "Test qualification", "ab_number": "1234", "regulator_number": "601/5051/8",
            "level": 2, "glh": 100, "tqt": 200, "credits": 15,
            "units": ["201", "202", "203"],
            "rules_of_combination": {
                "min_credits": 15, "min_credits_at_or_above_level": {"level": 2, "credits": 10},
                "groups": [
                    {"id": "M", "title": "Mandatory", "mandatory": True, "units": ["201"],
                     "min_credits": None, "max_credits": None, "min_units": None,
                     "max_units": None},
                    {"id": "B", "title": "Optional", "mandatory": False, "units": ["202", "203"],
                     "min_credits": 5, "max_credits": 10, "min_units": 1, "max_units": 2},
                ],
                "barred": [["202", "203"]],
                "order": [{"unit": "201", "rule": "last", "source_line": 5, "source_text": "x"}],
                "source_lines": [1, 9], "notes": None},
            "missing": []}],
        "units": [unit("201", 5), unit("202", 5), unit("203", 5)],
        "missing": [], "listed_not_specified": [], "corrections": [],
    }


def messages(pack):
    return [p.message for p in validate_pack(pack)]


def test_good_pack_passes():
    assert validate_pack(good_pack()) == []


def test_ac_sort_key_is_numeric():
    assert sorted(["1.10", "1.9", "1.2", "2.1", "1. 8"], key=ac_sort_key) == \
        ["1.2", "1. 8", "1.9", "1.10", "2.1"]
    assert ac_sort_key("2.10") > ac_sort_key("2.9")


def criteria(pack, unit=0, lo=0):
    return pack["units"][unit]["learning_outcomes"][lo]["criteria"]


def test_gap_in_ac_numbers_fails_unless_a_correction_records_it():
    p = good_pack()
    del criteria(p)[2]  # remove 1.3
    msgs = messages(p)
    assert any("not continuous" in m and "1.3" in m and "units[201]" in m for m in msgs), msgs
    p["corrections"].append({"source_line": 14, "field": "units[201].learning_outcomes[1].criteria[1.3]",
                             "was": {"number": "1.3"}, "now": None, "reason": "guidance, not an AC"})
    assert validate_pack(p) == []


def test_ac_order_is_numeric():
    p = good_pack()
    crit = criteria(p)
    crit[8], crit[9] = crit[9], crit[8]  # 1.10 before 1.9
    assert any("not in numeric order" in m for m in messages(p))


def test_duplicate_numbers_fail():
    p = good_pack()
    criteria(p)[1]["number"] = "1.1"
    assert any("1.1 appears more than once" in m for m in messages(p))
    p = good_pack()
    p["units"][1]["number"] = "201"
    assert any("used by more than one unit" in m for m in messages(p))
    p = good_pack()
    p["units"][0]["learning_outcomes"][1]["number"] = "1"
    assert any("appears more than once in this unit" in m for m in messages(p))


def test_ac_under_wrong_lo_fails():
    p = good_pack()
    criteria(p, lo=1)[1]["number"] = "3.2"
    assert any("filed under learning outcome 2" in m for m in messages(p))


def test_empty_texts_fail():
    p = good_pack()
    criteria(p)[0]["text"] = "   "
    assert any("criteria[1.1].text: is empty" in m for m in messages(p))
    p = good_pack()
    p["units"][0]["title"] = ""
    assert any("units[201].title" in m and "empty" in m for m in messages(p))
    p = good_pack()
    p["units"][0]["learning_outcomes"][0]["title"] = ""
    assert any("learning_outcomes[1].title" in m for m in messages(p))
    p["units"][0]["missing"].append("the source prints no title for LO 1")
    assert validate_pack(p) == []


@pytest.mark.parametrize("text", [
    "e.g. greeting the customer by name",
    "Examples: letters, emails",
    "Range: internal and external customers",
    "Evidence may be supplied by witness testimony",
    "Guidance: learners should consider",
    ("Customer service is the provision of service to customers before, during and after a "
     "purchase. It matters because customers who are well served come back. Good service "
     "builds loyalty and reputation over time. Poor service drives customers to competitors, "
     "who are always ready to take them. An organisation therefore trains its staff, sets "
     "standards and measures performance against those standards so that every customer "
     "receives the same high level of service whichever member of staff they deal with."),
])
def test_guidance_or_model_answer_as_ac_fails(text):
    p = good_pack()
    criteria(p)[3]["text"] = text
    assert any("criteria[1.4].text" in m and ("guidance" in m or "model answer" in m)
               for m in messages(p)), messages(p)


@pytest.mark.parametrize("text", [
    "Explain the policy Page 12",
    "Explain the policy © City & Guilds 2015",
    "Explain the policy Version 1.3",
    "Explain the policy Qualification Handbook",
    "Explain the policy\fnext page",
])
def test_page_furniture_fails(text):
    p = good_pack()
    criteria(p)[4]["text"] = text
    assert any("criteria[1.5].text" in m and "page header or footer" in m for m in messages(p))


def test_unknown_units_fail():
    p = good_pack()
    p["qualifications"][0]["units"].append("999")
    assert any("names unit '999'" in m for m in messages(p))
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["groups"][1]["units"].append("998")
    assert any("'998'" in m for m in messages(p))
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["barred"] = [["201", "997"]]
    assert any("'997'" in m for m in messages(p))
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["order"][0]["unit"] = "996"
    assert any("'996'" in m for m in messages(p))
    p = good_pack()
    p["units"][0]["assessment_rules"][0]["lo"] = "7"
    assert any("learning outcome 7" in m for m in messages(p))


def test_rules_of_combination_must_be_achievable():
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["min_credits"] = 16  # at most 5 + 10
    assert any("groups allow at most 15" in m for m in messages(p))
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["groups"][1]["min_credits"] = 11
    assert any("only carry 10" in m for m in messages(p))
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["groups"][1]["min_units"] = 3
    assert any("needs at least 3 units" in m for m in messages(p))
    p = good_pack()
    p["qualifications"][0]["rules_of_combination"]["min_credits_at_or_above_level"] = \
        {"level": 3, "credits": 5}
    assert any("at level 3 or above" in m for m in messages(p))


def test_schema_enums_and_nullable_fields():
    p = good_pack()
    p["units"][0]["assessment_rules"][0]["method"] = "Video"
    assert any("method" in m and "is not one of" in m for m in messages(p))
    p = good_pack()
    p["kind"] = "bank"
    assert any(m.startswith("kind:") for m in messages(p))
    p = good_pack()
    p["units"][0]["reference"] = None
    p["source"]["document_date"] = None
    assert validate_pack(p) == []
    p = good_pack()
    del p["units"][0]["glh"]
    assert any("required field missing: 'glh'" in m for m in messages(p))



SUFFICIENCY = {"lo": None, "kind": "sufficiency", "method": None, "count": None,
               "count_of": "occasions", "source_line": 30,
               "source_text": "You must provide evidence that shows you have done this over a "
                              "sufficient period of time with different customers on different "
                              "occasions for your assessor to be confident that you are competent."}


def test_a_sufficiency_rule_names_no_method_and_says_what_must_differ():
    p = good_pack()
    p["units"][0]["assessment_rules"].append(dict(SUFFICIENCY))
    assert validate_pack(p) == []
    p["units"][0]["assessment_rules"][1]["method"] = "Ot"
    assert messages(p) == [
        "units[201].assessment_rules[1].method: a sufficiency rule is about how much evidence, "
        "not which method: method must be null, found 'Ot'"]
    p["units"][0]["assessment_rules"][1].update(method=None, count_of=None)
    assert messages(p) == [
        "units[201].assessment_rules[1].count_of: a sufficiency rule must say what the evidence "
        "must come from different ones of (e.g. \"occasions\")"]


@pytest.mark.parametrize("kind", ["barred", "required", "allowed"])
def test_every_other_rule_names_its_method(kind):
    p = good_pack()
    p["units"][0]["assessment_rules"][0].update(kind=kind, method=None)
    assert messages(p) == [
        f"units[201].assessment_rules[0].method: a {kind} rule must name the method it is about"]
    p["units"][0]["assessment_rules"][0]["kind"] = "sufficient"
    assert any("kind" in m and "is not one of" in m for m in messages(p))

def test_unit_bank_has_no_qualifications():
    p = good_pack()
    p["kind"] = "unit_bank"
    assert any("unit bank" in m for m in messages(p))
    p["qualifications"] = []
    assert validate_pack(p) == []


def test_load_pack_malformed_json_names_line_and_column(tmp_path):
    text = json.dumps(good_pack(), indent=2).splitlines()
    text[5] = text[5] + ","  # a trailing comma on line 6
    bad = tmp_path / "bad.json"
    bad.write_text("\n".join(text), encoding="utf-8")
    with pytest.raises(PackError) as e:
        load_pack(bad)
    prob = e.value.problems[0]
    assert prob.line is not None and prob.column is not None
    assert f"line {prob.line}, column {prob.column}" in prob.message
    assert prob.line in (6, 7)
    assert "not valid JSON" in str(e.value)


def test_load_pack_reports_all_problems(tmp_path):
    p = good_pack()
    criteria(p)[0]["text"] = ""
    criteria(p)[1]["number"] = "1.1"
    f = tmp_path / "p.json"
    f.write_text(json.dumps(p), encoding="utf-8")
    with pytest.raises(PackError) as e:
        load_pack(f)
    assert len(e.value.problems) >= 2
    good = tmp_path / "good.json"
    good.write_text(json.dumps(good_pack()), encoding="utf-8")
    assert load_pack(good)["pack_id"] == "test-pack"


def test_pack_module_does_not_import_qt():
    import pathlib
    import re
    src = (pathlib.Path(__file__).resolve().parents[2] / "app" / "catalogue" / "pack.py").read_text(
        encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+(PySide|PyQt|shiboken)", src, re.MULTILINE)


def test_units_listed_but_not_specified_may_be_named():
    p = good_pack()
    p["qualifications"][0]["units"].append("999")
    p["qualifications"][0]["rules_of_combination"]["groups"][1]["units"].append("999")
    p["listed_not_specified"].append({"number": "999", "reference": None, "title": "Later unit",
                                      "source_line": 3})
    assert validate_pack(p) == []


def test_a_criterion_starting_with_the_verb_note_is_not_guidance():
    p = good_pack()
    criteria(p)[0]["text"] = "Note and pass on positive feedback from customers"
    assert validate_pack(p) == []
    criteria(p)[0]["text"] = "Note: learners may use examples from their workplace"
    assert any("guidance" in m for m in messages(p))
