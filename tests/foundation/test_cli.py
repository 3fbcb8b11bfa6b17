"""The command line, run as a support person would: a real process, real exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fieldfolio(*args, data_dir=None):
    cmd = [sys.executable, str(ROOT / "main.py")]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_help_lists_subcommands():
    out = fieldfolio("--help")
    assert out.returncode == 0
    for word in ("setup", "demo", "learners", "--data-dir"):
        assert word in out.stdout


def test_demo_then_list_as_json(tmp_path):
    out = fieldfolio("demo", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "12 learners" in out.stdout
    out = fieldfolio("learners", "--json", data_dir=tmp_path)
    learners = json.loads(out.stdout)
    assert len(learners) == 12
    assert all(len(l["uln"]) == 10 for l in learners)
    assert all(l["qualifications"] for l in learners)


def test_a_wrong_uln_exits_non_zero_with_the_reason(tmp_path):
    out = fieldfolio("learner-add", "--given-names", "Amelia", "--family-name", "Hughes",
                     "--uln", "9276308687", data_dir=tmp_path)
    assert out.returncode == 1
    assert "check digit is wrong" in out.stderr
    # The sentence alone: "uln:" is the program's name for the field, not the assessor's.
    assert out.stderr == ("fieldfolio: This ULN's check digit is wrong: please check it "
                          "against the learner's record.\n")


def test_learner_add_says_who_was_added(tmp_path):
    out = fieldfolio("learner-add", "--given-names", "Amelia", "--family-name", "Hughes",
                     "--uln", "9276308686", data_dir=tmp_path)
    assert out.returncode == 0, out.stderr
    said, learner_id = out.stdout.strip().rsplit(": id ", 1)
    assert said == "Added Amelia Hughes (ULN 9276308686)"
    shown = json.loads(fieldfolio("learners", "--json", data_dir=tmp_path).stdout)
    assert [(l["id"], l["uln"]) for l in shown] == [(learner_id, "9276308686")]


def test_a_corrupt_database_exits_non_zero_and_is_untouched(tmp_path):
    db = tmp_path / "fieldfolio.sqlite3"
    db.write_text("not a database")
    out = fieldfolio("learners", data_dir=tmp_path)
    assert out.returncode == 1
    assert "not a Fieldfolio database" in out.stderr
    assert db.read_text() == "not a database"


def test_no_command_and_bad_usage():
    out = fieldfolio("no-such-command")
    assert out.returncode == 2


def test_version_and_no_command_answer_on_the_terminal_without_a_display():
    """With nowhere to draw, no command explains instead of Qt aborting the process (134)."""
    from app import __version__
    from tests.installed.programs import no_display_env
    window, command_line = [sys.executable, str(ROOT / "main.py")], [sys.executable, "-m", "app"]
    for cmd in (window, command_line):
        out = subprocess.run(cmd + ["--version"], capture_output=True, text=True, cwd=ROOT,
                             env=no_display_env(), timeout=60)
        assert (out.returncode, out.stdout.strip()) == (0, f"Fieldfolio {__version__}")
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=no_display_env(),
                             timeout=60)
        assert out.returncode == 2, out.stderr
        assert "usage: fieldfolio" in out.stdout + out.stderr
        if cmd is window:
            assert "no display to open the window on" in out.stderr
