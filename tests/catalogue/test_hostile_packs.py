"""Pack files made to hurt: each is refused with the line and what is wrong, nothing in the
catalogue changes, and nothing hangs (a FIFO once waited for ever)."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from app.catalogue.importer import PackImportError, import_pack_file
from app.catalogue.pack_file import MAX_TEXT
from app.cli import run
from app.paths import specs_dir

VTCT = specs_dir() / "vtct-customer-service-bank.json"


def good_text() -> str:
    return VTCT.read_text(encoding="utf-8")


def title_line() -> int:
    return next(n for n, line in enumerate(good_text().splitlines(), 1) if '"title": "' in line)


def counts(session) -> tuple:
    from app.models import AssessmentCriterion, SpecPack
    return (session.query(SpecPack).count(), session.query(AssessmentCriterion).count())


CASES = {
    # name: (file text, words expected, line expected or None)
    "lone surrogate": (lambda t: t.replace('"title": "', '"title": "\\ud800', 1),
                       "broken character", "title"),
    "deep nesting": (lambda t: "[" * 200_000 + "]" * 200_000, "nested more than", 1),
    "huge integer": (lambda t: t.replace('"format_version": 1', '"format_version": 1' + "0" * 100, 1),
                     "101 digits", 3),
    "huge float": (lambda t: t.replace('"format_version": 1', '"format_version": 1e999', 1),
                   "too large", 3),
    "NaN": (lambda t: t.replace('"format_version": 1', '"format_version": NaN', 1),
            "NaN is not a number", 3),
    "duplicate keys": (lambda t: t.replace('"pack_id"', '"pack_id": "other", "pack_id"', 1),
                       'the key "pack_id" appears 2 times', None),
    "bidi control": (lambda t: t.replace('"title": "', '"title": "\u202e', 1),
                     "U+202E", "title"),
    "text too long": (lambda t: t.replace('"title": "', '"title": "' + "x" * (MAX_TEXT + 1), 1),
                      "characters long", "title"),
    "not UTF-8": (lambda t: t.encode("utf-8").replace(b'"title": "', b'"title": "\xff', 1),
                  "not UTF-8", "title"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_pack_is_refused_naming_the_line(catalogue_store, tmp_path, case):
    make, words, line = CASES[case]
    body = make(good_text())
    path = tmp_path / "pack.json"
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))
    before = catalogue_store.read(counts)
    with pytest.raises(PackImportError) as refused:
        import_pack_file(catalogue_store, path)
    problem = " ".join(refused.value.problems)
    assert words in problem
    if line == "title":
        line = title_line()
    if line is not None:
        assert problem.startswith(f"line {line}, column "), problem
    else:
        assert problem.startswith("line "), problem
    assert catalogue_store.read(counts) == before


def test_not_a_file_is_refused_without_reading_it(catalogue_store, tmp_path):
    folder = tmp_path / "folder.json"
    folder.mkdir()
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    before = catalogue_store.read(counts)
    for path, words in ((folder, "this is a folder"), (Path("/dev/zero"), "not an ordinary file"),
                        (fifo, "not an ordinary file"), (tmp_path / "gone.json", "cannot be read")):
        result: list = []
        worker = threading.Thread(target=lambda: result.append(_refusal(catalogue_store, path)),
                                  daemon=True)
        worker.start()
        worker.join(timeout=20)
        assert result, f"{path} hung"
        assert words in result[0], result[0]
    assert catalogue_store.read(counts) == before


def _refusal(store, path) -> str:
    try:
        import_pack_file(store, path)
    except PackImportError as exc:
        return " ".join(exc.problems)
    return "imported"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_an_unreadable_file_is_refused(catalogue_store, tmp_path):
    path = tmp_path / "locked.json"
    path.write_text(good_text(), encoding="utf-8")
    path.chmod(0)
    try:
        assert "cannot be read" in _refusal(catalogue_store, path)
    finally:
        path.chmod(0o600)


def test_same_id_and_version_with_changed_text_is_refused(catalogue_store, tmp_path):
    data = json.loads(good_text())
    data["units"][0]["learning_outcomes"][0]["criteria"][0]["text"] += " (quietly changed)"
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    before = catalogue_store.read(counts)
    refusal = _refusal(catalogue_store, path)
    assert "already in the catalogue" in refusal
    # named where the editor can find it: json.dumps(indent=2) puts pack_id on line 2 or 3
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if '"pack_id"' in text)
    assert f"line {line}, column " in refusal and ": pack_id: a different pack" in refusal, refusal
    assert catalogue_store.read(counts) == before
    data["source"]["document_version"] = "Issue 2"           # a real new version goes in
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert import_pack_file(catalogue_store, path).new


def test_the_command_line_says_it_in_sentences(catalogue_store, tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("{" * 5000, encoding="utf-8")
    catalogue_store.close()
    assert run(["--data-dir", str(catalogue_store.data_dir), "catalogue", "import",
                str(path)]) == 1
    err = capsys.readouterr().err
    assert "nested more than" in err and "Traceback" not in err
