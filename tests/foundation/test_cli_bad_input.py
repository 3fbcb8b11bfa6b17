"""The command line given bad input, bad places and bad luck: one sentence on stderr, exit 1
(2 for bad usage), never a traceback, and the data folder byte-for-byte as it was."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.caseload.enrolments import enrol
from app.caseload.learners import save_learner
from app.claims.sample_portfolio import build_claim_ready_learner
from app.cli import run
from app.models import Qualification
from data_folder import demo_folder, snapshot
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, catalogue_db):
    """Demo caseload, a learner with a signed claim, and one enrolled on nothing chosen."""
    data = tmp_path_factory.mktemp("cli-bad") / "data"

    def more(store):
        ids = store.write_now(lambda s: build_claim_ready_learner(s, units=2, records=4))
        bare = store.write_now(save_learner, None, {"given_names": "Nia", "family_name": "Bare"})

        def enrol_bare(session):
            q = session.query(Qualification).filter(Qualification.kind != "unit_bank").first()
            return enrol(session, bare, q.id)
        ids["bare_enrolment"] = store.write_now(enrol_bare)
        ids["bare"] = bare
        ids["other"] = store.read(lambda s: s.execute(
            text("select id from learner where id not in (:a, :b) limit 1"),
            {"a": ids["learner_id"], "b": bare}).scalar())
        return ids
    return data, demo_folder(data, catalogue_db, more)


@pytest.fixture
def data(prepared, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(prepared[0], folder)
    return folder


def refused(capsys, data: Path, *args, code: int = 1) -> str:
    """Run, expect `code`, one sentence, no traceback, nothing in the folder changed."""
    before = snapshot(data)
    assert run(["--data-dir", str(data), *args]) == code
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    assert out.err.strip(), "the reason must be said"
    assert snapshot(data) == before
    return out.err


def test_unknown_or_another_learners_claim_is_named(capsys, data, prepared, tmp_path):
    ids = prepared[1]
    err = refused(capsys, data, "pdf", ids["uln"], "--claim", "NO-SUCH-ID",
                  "--out", str(tmp_path / "a.pdf"))
    assert "No claim has the id 'NO-SUCH-ID'" in err
    err = refused(capsys, data, "pdf", ids["other"], "--claim", ids["claim_id"],
                  "--out", str(tmp_path / "b.pdf"))
    assert f"Claim {ids['claim_id']} is not" in err
    err = refused(capsys, data, "pdf", ids["other"], "--enrolment", ids["enrolment_id"],
                  "--out", str(tmp_path / "c.pdf"))
    assert "is not" in err
    assert not list(tmp_path.glob("*.pdf"))


def test_out_must_be_a_file_outside_the_data_folder(capsys, data, prepared, tmp_path):
    uln = prepared[1]["uln"]
    assert "is a folder" in refused(capsys, data, "pdf", uln, "--out", str(tmp_path))
    assert "No file name" in refused(capsys, data, "pdf", uln, "--out", "")
    for inside in ("fieldfolio.sqlite3", "keys", "attachments/x.pdf", "new.pdf"):
        err = refused(capsys, data, "pdf", uln, "--out", str(data / inside))
        assert "inside Fieldfolio's data folder" in err
    err = refused(capsys, data, "pdf", uln, "--out", str(tmp_path / "missing" / "x.pdf"))
    assert "does not exist" in err


def test_an_existing_file_is_replaced_only_with_force(capsys, data, prepared, tmp_path):
    uln = prepared[1]["uln"]
    mine = tmp_path / "mine.pdf"
    mine.write_bytes(b"the assessor's own letter")
    err = refused(capsys, data, "pdf", uln, "--out", str(mine))
    assert "already exists" in err and "--force" in err
    assert mine.read_bytes() == b"the assessor's own letter"
    assert run(["--data-dir", str(data), "pdf", uln, "--out", str(mine), "--force"]) == 0
    assert mine.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".fieldfolio-")]


def test_a_matrix_with_no_units_chosen_is_refused_not_a_zero_page_file(capsys, data, prepared,
                                                                         tmp_path):
    err = refused(capsys, data, "pdf", prepared[1]["bare"], "--what", "matrix",
                  "--out", str(tmp_path / "m.pdf"))
    assert "no units chosen" in err
    assert not (tmp_path / "m.pdf").exists()


def test_learner_show_lists_enrolments_sign_offs_and_claims_with_ids(capsys, data, prepared,
                                                                      tmp_path):
    ids = prepared[1]
    assert run(["--data-dir", str(data), "learner-show", ids["uln"]]) == 0
    out = capsys.readouterr().out
    assert f"enrolment {ids['enrolment_id']}" in out
    assert f"claim {ids['claim_id']}" in out and out.count("sign-off ") == 2
    # ...and the enrolment printed is the one asked for
    assert run(["--data-dir", str(data), "pdf", ids["uln"], "--enrolment", ids["enrolment_id"],
                "--what", "matrix", "--out", str(tmp_path / "e.pdf")]) == 0
    refused(capsys, data, "learner-show", "0000000000")


def test_bad_numbers_long_text_and_empty_data_dir_are_usage_errors(capsys, data):
    err = refused(capsys, data, "catalogue", "search", "care", "--limit",
                  "100000000000000000000", code=2)
    assert "--limit" in err
    err = refused(capsys, data, "learners", "--search", "a" * 100_000, code=2)
    assert "100,000 characters" in err
    assert run(["--data-dir", "", "learners"]) == 2
    assert "--data-dir is empty" in capsys.readouterr().err


def test_audit_of_an_unknown_id_says_so(capsys, data):
    assert "No learner has the id 'nobody'" in refused(capsys, data, "audit", "--learner", "nobody")
    assert "No record has the id 'nothing'" in refused(capsys, data, "audit", "--record", "nothing")


def test_an_unexpected_exception_is_one_sentence_and_a_log(capsys, data, monkeypatch):
    from app.caseload import commands

    def broken(store, args):
        raise RuntimeError("a bug nobody foresaw")
    monkeypatch.setattr(commands, "caseload_rows", lambda *a, **k: broken(None, None))
    assert run(["--data-dir", str(data), "learners"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "a bug nobody foresaw" in err and str(data / "fieldfolio.log") in err
    logged = (data / "fieldfolio.log").read_text()
    assert "Traceback" in logged and "RuntimeError: a bug nobody foresaw" in logged
    if os.name == "posix":
        assert (data / "fieldfolio.log").stat().st_mode & 0o077 == 0


def test_a_pdf_the_audit_trail_does_not_know_is_not_left(capsys, data, prepared, tmp_path,
                                                         monkeypatch):
    from app.claims import export

    def audit_fails(*args, **kwargs):
        raise RuntimeError("audit trail refused")
    monkeypatch.setattr(export, "note_export", audit_fails)
    out = tmp_path / "claim.pdf"
    assert run(["--data-dir", str(data), "pdf", prepared[1]["uln"], "--out", str(out)]) == 1
    assert "audit trail refused" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [data]


# -- real processes: bytes that are not UTF-8, a closed pipe ------------------------------
def test_arguments_that_are_not_utf8_are_refused(data):
    before = snapshot(data)
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data),
                          "learners", "--search", b"\xff\xfeAmelia"], capture_output=True,
                         timeout=120)
    assert out.returncode == 2
    assert b"not valid UTF-8" in out.stderr and b"Traceback" not in out.stderr
    assert snapshot(data) == before


def test_output_into_a_closed_pipe_is_quiet(data):
    cmd = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "catalogue", "list"]
    ids = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout.split()
    # `catalogue show ID --json | head -c 10`: the reader leaves after ten bytes
    proc = subprocess.Popen(cmd[:-1] + ["show", ids[0], "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err


# -- places that refuse: read-only, full -------------------------------------------------
def _mounted(folder: Path, options: str) -> bool:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_read_only_place_and_a_full_disk_are_said_plainly(capsys, data, prepared, tmp_path):
    uln = prepared[1]["uln"]
    read_only, full = tmp_path / "ro", tmp_path / "full"
    if not _mounted(read_only, "size=1m,ro"):
        pytest.skip("cannot mount a tmpfs here (needs root): read-only and full disks untested")
    try:
        assert _mounted(full, "size=64k")
        err = refused(capsys, data, "pdf", uln, "--out", str(read_only / "claim.pdf"))
        assert "read-only or forbidden" in err and "Nothing was written" in err
        err = refused(capsys, data, "pdf", uln, "--out", str(full / "claim.pdf"))
        assert "The disk is full" in err
        assert list(full.iterdir()) == []          # no half-written temporary left
    finally:
        _unmount(read_only)
        _unmount(full)
