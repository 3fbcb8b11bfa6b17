"""Property tests of what comes from outside: command-line arguments and pack files.

Hypothesis makes arguments and files no one thought to write by hand; whatever they are,
Fieldfolio answers with an exit code and sentences, never a traceback, and a refusal leaves
the data folder (or the catalogue) exactly as it was. Examples are few and bounded so each
test takes seconds; the hand-written cases in tests/foundation/test_cli_bad_input.py and
tests/catalogue/test_hostile_packs.py cover the known ones.
"""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from app.catalogue.importer import PackImportError, prepare_pack
from app.cli import run
from app.paths import specs_dir
from data_folder import demo_folder, snapshot as folder_snapshot

QUICK = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@pytest.fixture(scope="module")
def caseload(tmp_path_factory, catalogue_db):
    data = tmp_path_factory.mktemp("fuzz") / "data"
    demo_folder(data, catalogue_db)
    return data


def snapshot(folder: Path) -> dict[str, str]:
    return folder_snapshot(folder, skip=("fieldfolio.log",))


# Commands that read, and ways of asking for paper that must be refused (--out inside the
# data folder): none of them may change anything, whatever else is typed.
def _argv(data: Path):
    # Text with lone surrogates too: that is how Python hands over bytes that are not UTF-8.
    typed = st.text(st.one_of(st.characters(), st.sampled_from("\udcff\ud800\u202e\x00")),
                    max_size=30)
    words = st.one_of(typed, st.sampled_from(
        ["--json", "--limit", "-1", "0", "99999999999999999999", "--search", "--learner",
         "--record", "--what", "matrix", "records", "--claim", "--enrolment", "1927383659",
         "", " ", "\x00", "\udcff", "--", "-h", "☃", "١٢٣"]))
    commands = st.sampled_from([
        ["learners"], ["learners", "--search"], ["learner-show"], ["audit", "--learner"],
        ["audit", "--record"], ["catalogue", "list"], ["catalogue", "show"],
        ["catalogue", "search"], ["pdf", "--out", str(data / "fieldfolio.sqlite3")],
        ["pdf", "--out", str(data / "keys")], ["pdf", "--out", ""]])
    # The command's own argument first (where most checks are), then anything.
    return st.tuples(commands, words, st.lists(words, max_size=3)).map(
        lambda t: t[0] + [t[1]] + t[2])


def test_no_command_line_gives_a_traceback_or_changes_anything(caseload):
    before = snapshot(caseload)

    @settings(QUICK, max_examples=60)
    @given(_argv(caseload))
    @example(["learners", "--search", "\udcff"])         # bytes that were not UTF-8
    @example(["catalogue", "search", "care", "--limit", "99999999999999999999"])
    @example(["learner-show", "١٩٢٧٣٨٣٦٥٩"])
    def check(argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = run(["--data-dir", str(caseload), *argv])
            except SystemExit as exc:       # argparse's --help
                code = exc.code
        assert code in (0, 1, 2), (argv, code)
        assert "Traceback" not in err.getvalue() + out.getvalue(), argv
        if code == 1:
            assert err.getvalue().strip(), f"{argv}: failed without saying why"
        assert "Something unexpected" not in err.getvalue(), (argv, err.getvalue())
        assert snapshot(caseload) == before, argv
    check()


PACK = (specs_dir() / "vtct-customer-service-bank.json").read_text(encoding="utf-8")


@st.composite
def damaged_packs(draw) -> bytes:
    """The shipped pack with a few bytes inserted, replaced or cut, or something else."""
    kind = draw(st.sampled_from(["insert", "replace", "cut", "text", "bytes"]))
    if kind == "text":
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    at = draw(st.integers(0, len(PACK)))
    if kind == "cut":
        return PACK[:at].encode("utf-8")
    piece = draw(st.text(min_size=1, max_size=8))
    end = at + (draw(st.integers(1, 20)) if kind == "replace" else 0)
    return (PACK[:at] + piece + PACK[end:]).encode("utf-8", "surrogatepass")


def test_no_pack_file_gives_a_traceback(tmp_path):
    path = tmp_path / "pack.json"

    @QUICK
    @given(damaged_packs())
    def check(raw):
        path.write_bytes(raw)
        try:
            prepared = prepare_pack(path)
        except PackImportError as exc:
            assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
            str(exc).encode("utf-8")      # printable: no lone surrogates reach a terminal
        else:
            assert prepared.pack_id and len(prepared.sha256) == 64
    check()


def test_a_refused_pack_changes_nothing(catalogue_store, tmp_path):
    from app.catalogue.importer import import_pack_file
    from app.models import AssessmentCriterion, SpecPack

    def counts(session):
        return session.query(SpecPack).count(), session.query(AssessmentCriterion).count()
    path = tmp_path / "pack.json"

    @settings(max_examples=10, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(damaged_packs())
    def check(raw):
        path.write_bytes(raw)
        before = catalogue_store.read(counts)
        try:
            import_pack_file(catalogue_store, path)
        except PackImportError:
            assert catalogue_store.read(counts) == before
    check()
