"""The catalogue inside the app: every shipped pack in the database exactly as written,
import of a pack file (refused whole when malformed, a newer version beside the old),
immutability, full-text search over AC texts, and the `fieldfolio catalogue` commands."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app import cli
from app.catalogue.browse import list_catalogue, qualification_detail, qualification_json
from app.catalogue.combination import UnitFacts, check_combination
from app.catalogue.importer import PackImportError, import_pack_file, prepare_pack
from app.catalogue.loader import load_bundled_packs, load_pack_data, pack_files
from app.catalogue.search import fts_query, refill_if_stale, search_criteria
from app.db import migrate
from app.db.engine import sqlite_engine
from app.models import (
    AssessmentCriterion, LearningOutcome, Qualification, SpecPack, Unit,
)

from packs_as_shipped import before_0009  # noqa: E402

PACKS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in pack_files()}


def counts(session) -> dict:
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (SpecPack, Qualification, Unit, LearningOutcome, AssessmentCriterion)}


def qualification_ids(store, pack_id: str) -> list[str]:
    return [q.id for q in store.read(list_catalogue) if q.pack_id == pack_id]


def test_five_packs_ship_and_all_load(catalogue_store):
    assert len(PACKS) == 5
    loaded = {q.pack_id for q in catalogue_store.read(list_catalogue)}
    assert loaded == {d["pack_id"] for d in PACKS.values()}
    kinds = {q.pack_id: q.kind for q in catalogue_store.read(list_catalogue)}
    assert kinds["vtct-customer-service-bank"] == "unit_bank"
    assert kinds["cg-customer-service-units"] == "unit_bank"
    assert kinds["edi-l2-nvq-customer-service"] == "qualification"


@pytest.mark.parametrize("stem", sorted(PACKS))
def test_database_holds_each_unit_lo_and_ac_as_the_pack_in_order(catalogue_store, stem):
    pack = PACKS[stem]
    by_number = {u["number"]: u for u in pack["units"]}
    for qid in qualification_ids(catalogue_store, pack["pack_id"]):
        shown = catalogue_store.read(qualification_json, qid)
        assert shown["awarding_body"] == pack["awarding_body"]
        for unit in shown["units"]:
            source = by_number[unit["number"]]
            assert (unit["title"], unit["reference"], unit["level"], unit["credit"],
                    unit["glh"]) == (source["title"], source.get("reference"),
                                     source.get("level"), source.get("credit"),
                                     source.get("glh"))
            assert [(lo["number"], lo["title"],
                     [(c["number"], c["text"]) for c in lo["criteria"]])
                    for lo in unit["learning_outcomes"]] == [
                (lo["number"], lo.get("title") or "",
                 [(c["number"], c["text"]) for c in lo["criteria"]])
                for lo in source["learning_outcomes"]]
    # every unit of the pack is reachable through one of its qualifications / the bank
    reachable = {u["number"] for qid in qualification_ids(catalogue_store, pack["pack_id"])
                 for u in catalogue_store.read(qualification_json, qid)["units"]}
    assert reachable == set(by_number)


def test_loading_again_changes_nothing(catalogue_store):
    before = catalogue_store.read(counts)
    assert catalogue_store.write_now(load_bundled_packs) == []
    assert catalogue_store.read(counts) == before


def test_edi_rules_name_units_the_source_lists_but_never_specifies(catalogue_store):
    qid, = qualification_ids(catalogue_store, "edi-l2-nvq-customer-service")
    detail = catalogue_store.read(qualification_detail, qid)
    assert len(detail.listed_not_specified) == 25
    words = " ".join(detail.rules_in_words)
    assert "not yet choosable: CU825" in words
    rules = detail.rules
    facts = {u.number: UnitFacts(u.number, u.credit, u.level) for u in detail.units}
    check = check_combination(rules, facts, set(facts))
    assert not check.ok
    assert any("Handling Problems: none of its units" in p for p in check.problems)
    assert any("CU811" in n and "cannot be chosen yet" in n for n in check.notes)
    assert not any("Delivery" in p for p in check.problems)  # CU805-810 are there to choose


def test_a_shared_national_unit_is_recognised_as_one(catalogue_store):
    qid, = qualification_ids(catalogue_store, "cg-customer-service-units")
    unit = next(u for u in catalogue_store.read(qualification_detail, qid).units
                if u.reference == "A/506/2130")
    assert unit.also_in == ("vtct-customer-service-bank (unit UBU19 / CS 7)",)


def test_no_rules_of_combination_is_said_not_invented(catalogue_store):
    qid, = qualification_ids(catalogue_store, "vtct-customer-service-bank")
    detail = catalogue_store.read(qualification_detail, qid)
    assert detail.rules is None
    assert detail.rules_in_words == ["The source gives no rules of combination."]
    assert any("no rules of combination" in m for m in detail.missing)


# -- immutability ------------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE assessment_criterion SET text = 'changed'",
    "DELETE FROM assessment_criterion",
    "UPDATE unit SET title = 'changed'",
    "DELETE FROM learning_outcome",
    "UPDATE qualification SET rules_json = NULL",
    "UPDATE spec_pack SET awarding_body = 'x'",
    "DELETE FROM assessment_rule",
])
def test_a_loaded_qualification_version_cannot_be_changed(catalogue_store, statement):
    before = catalogue_store.read(counts)
    first_ac = catalogue_store.read(lambda s: s.scalars(
        select(AssessmentCriterion.text).order_by(AssessmentCriterion.id)).first())
    with pytest.raises(Exception, match="immutable"):
        catalogue_store.write_now(lambda s: s.execute(text(statement)))
    assert catalogue_store.read(counts) == before
    assert catalogue_store.read(lambda s: s.scalars(
        select(AssessmentCriterion.text).order_by(AssessmentCriterion.id)).first()) == first_ac


# -- import ------------------------------------------------------------------------------------

EDI = Path("specs/edi-l2-nvq-customer-service.json")


def test_malformed_json_is_refused_naming_line_and_column_and_nothing_is_written(
        catalogue_store, tmp_path):
    raw = EDI.read_text(encoding="utf-8").splitlines()
    raw[40] = raw[40].rstrip(",") + ",,"   # a doubled comma on line 41
    bad = tmp_path / "broken.json"
    bad.write_text("\n".join(raw), encoding="utf-8")
    before = catalogue_store.read(counts)
    with pytest.raises(PackImportError) as caught:
        import_pack_file(catalogue_store, bad)
    assert caught.value.problems[0].startswith("line 41, column ")
    assert "not valid JSON" in caught.value.problems[0]
    assert catalogue_store.read(counts) == before


def test_a_pack_that_breaks_the_rules_is_refused_at_the_line_of_the_problem(
        catalogue_store, tmp_path):
    data = json.loads(EDI.read_text(encoding="utf-8"))
    data["units"][2]["learning_outcomes"][0]["criteria"][1]["text"] = "   "
    data["pack_id"] = "edi-test-broken"  # would be a new pack if it were accepted
    bad = tmp_path / "empty-ac.json"
    body = json.dumps(data, indent=2, ensure_ascii=False)
    bad.write_text(body, encoding="utf-8")
    expected_line = body[: body.index('"text": "   "')].count("\n") + 1
    before = catalogue_store.read(counts)
    with pytest.raises(PackImportError) as caught:
        import_pack_file(catalogue_store, bad)
    problem = next(p for p in caught.value.problems if "is empty" in p)
    assert problem.startswith(f"line {expected_line}, column ")
    assert "units[CU793].learning_outcomes[1].criteria[1.2].text" in problem
    assert catalogue_store.read(counts) == before
    assert not qualification_ids(catalogue_store, "edi-test-broken")


def test_a_newer_version_is_added_beside_the_old_one(catalogue_store, tmp_path):
    old_id, = qualification_ids(catalogue_store, "edi-l2-nvq-customer-service")
    data = json.loads(EDI.read_text(encoding="utf-8"))
    data["source"]["document_version"] = "Issue 2"
    data["units"][0]["learning_outcomes"][0]["criteria"][0]["text"] += " (revised)"
    newer = tmp_path / "edi-issue-2.json"
    newer.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")

    result = import_pack_file(catalogue_store, newer)
    assert result.new and result.older_versions
    ids = qualification_ids(catalogue_store, "edi-l2-nvq-customer-service")
    assert old_id in ids and len(ids) == 2
    new_id = next(i for i in ids if i != old_id)
    old_ac = catalogue_store.read(qualification_json, old_id)["units"][0]["learning_outcomes"][0]
    new_ac = catalogue_store.read(qualification_json, new_id)["units"][0]["learning_outcomes"][0]
    assert not old_ac["criteria"][0]["text"].endswith("(revised)")
    assert new_ac["criteria"][0]["text"].endswith("(revised)")
    # the same file again: nothing changes
    before = catalogue_store.read(counts)
    assert import_pack_file(catalogue_store, newer).new is False
    assert catalogue_store.read(counts) == before


def test_an_enrolment_keeps_the_version_it_was_made_on(demo_store, tmp_path):
    from app.models import Enrolment
    enrolment = demo_store.read(lambda s: s.scalars(select(Enrolment)).first())
    pinned = enrolment.qualification_id
    pack_id = demo_store.read(lambda s: s.get(SpecPack, s.get(Qualification, pinned).pack_row_id).pack_id)
    source = next(p for p in pack_files() if PACKS[p.stem]["pack_id"] == pack_id)
    data = json.loads(source.read_text(encoding="utf-8"))
    data["source"]["document_version"] = "a later issue"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    import_pack_file(demo_store, newer)
    assert demo_store.read(lambda s: s.get(Enrolment, enrolment.id).qualification_id) == pinned


def test_prepare_touches_no_database_and_reports_unreadable_files(tmp_path):
    with pytest.raises(PackImportError, match="cannot be read"):
        prepare_pack(tmp_path / "nowhere.json")
    (tmp_path / "latin1.json").write_bytes(b'{"pack_id": "caf\xe9"}')
    with pytest.raises(PackImportError) as caught:
        prepare_pack(tmp_path / "latin1.json")
    assert caught.value.problems[0].startswith("line 1, column 17")


# -- search ------------------------------------------------------------------------------------

def test_search_finds_an_ac_in_any_qualification(catalogue_store):
    hits = catalogue_store.read(search_criteria, "pass on positive feedback")
    edi = [h for h in hits if h.pack_id == "edi-l2-nvq-customer-service"]
    assert [(h.unit_number, h.number) for h in edi] == [("CU801", "3.4")]
    assert edi[0].text.startswith("Note and pass on positive feedback")
    assert "\x02positive\x03" in edi[0].highlighted
    packs = {h.pack_id for h in catalogue_store.read(search_criteria, "feedback")}
    assert len(packs) == 5


def test_search_takes_any_typing_without_error(catalogue_store):
    for typed in ['"', "AND OR NOT", "customer's (needs", "*", "NEAR(", ""]:
        catalogue_store.read(search_criteria, typed)
    assert fts_query("feedb") == '"feedb"*'
    assert catalogue_store.read(search_criteria, "feedb")  # prefix of feedback


def test_search_index_refills_when_lost(catalogue_store):
    catalogue_store.write_now(lambda s: s.execute(text("DELETE FROM fts_criterion")))
    assert catalogue_store.read(search_criteria, "feedback") == []
    assert catalogue_store.write_now(refill_if_stale) is True
    assert catalogue_store.read(search_criteria, "feedback")
    assert catalogue_store.write_now(refill_if_stale) is False


def test_migration_builds_the_index_from_catalogue_rows_already_there(tmp_path):
    db = tmp_path / "fieldfolio.sqlite3"
    engine = sqlite_engine(db, writer=True)
    from alembic import command  # a database from before the index existed
    command.upgrade(migrate.alembic_config(engine), "0002")
    # SFJ's rules all named a method, as every rule had to before schema 0007, until 0009
    # carried its guidance: load it as it was then
    data = json.loads(before_0009("sfj-l3-diploma-customer-service"))
    with Session(engine) as session, session.begin():
        load_pack_data(session, data, "a" * 64)
    migrate.upgrade(engine, db, tmp_path / "backups")
    with engine.connect() as conn:
        indexed = conn.exec_driver_sql("SELECT count(*) FROM fts_criterion").scalar()
        criteria = conn.exec_driver_sql("SELECT count(*) FROM assessment_criterion").scalar()
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM fts_criterion WHERE fts_criterion MATCH 'customer journey'").scalar()
    engine.dispose()
    assert indexed == criteria > 0 and found > 0


# -- command line ------------------------------------------------------------------------------

def run_cli(capsys, data_dir, *args) -> tuple[int, str, str]:
    code = cli.run(["--data-dir", str(data_dir), "catalogue", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_list_show_json_search_and_import(catalogue_db, tmp_path, capsys):
    import shutil
    data_dir = tmp_path / "data"
    shutil.copytree(catalogue_db, data_dir)
    code, out, _ = run_cli(capsys, data_dir, "list")
    assert code == 0 and len(out.strip().splitlines()) == 5
    edi_id = next(line.split()[0] for line in out.splitlines() if "EDI Level 2" in line)

    code, out, _ = run_cli(capsys, data_dir, "show", edi_id, "--json")
    shown = json.loads(out)
    assert code == 0
    assert {"id", "title", "awarding_body", "units"} <= set(shown)
    assert shown["id"] == edi_id and shown["awarding_body"] == "EDI"
    unit = shown["units"][0]
    assert {"number", "reference", "title", "level", "credit", "glh",
            "learning_outcomes"} <= set(unit)
    lo = unit["learning_outcomes"][0]
    assert {"number", "title", "criteria"} <= set(lo)
    assert set(lo["criteria"][0]) >= {"number", "text"}
    assert [u["number"] for u in shown["units"]] == \
        PACKS["edi-l2-nvq-customer-service"]["qualifications"][0]["units"]

    code, _, err = run_cli(capsys, data_dir, "show", "no-such-id", "--json")
    assert code == 1 and "no qualification" in err

    code, out, _ = run_cli(capsys, data_dir, "search", "extra", "mile")
    assert code == 0 and "unit CU801" in out and "[extra] [mile]" in out

    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "pack_id": "x",\n  oops\n}\n', encoding="utf-8")
    code, _, err = run_cli(capsys, data_dir, "import", str(broken))
    assert code == 1 and "line 3, column 3" in err
