"""The built bundle does what the checkout does: the bundled command line loads the demo,
verifies, prints every kind of PDF and upgrades an old database; the window stays up; and
nothing the bundle needs at run time (modules imported by name, Qt plugins, C speed-ups) is
missing, nor anything it must not ship."""
from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import __version__
from app.db.migrate import SCHEMA_HEAD
from tests.foundation.test_migrations import make_first_schema_database
from tests.installed.programs import add_claim_ready_learner, no_display_env

ROOT = Path(__file__).resolve().parents[2]
CLI, WINDOW = "fieldfolio-cli", "Fieldfolio"


def test_the_command_line_answers_on_the_terminal_without_a_display(bundle):
    out = bundle.run(CLI)
    assert out.returncode == 2, out.stderr
    assert "usage: fieldfolio" in out.stdout and "catalogue" in out.stdout
    for program in (CLI, WINDOW):
        out = bundle.run(program, "--version")
        assert (out.returncode, out.stdout.strip()) == (0, f"Fieldfolio {__version__}"), out.stderr
    # The window's program with nothing to do and nowhere to draw explains, not aborts (134).
    out = bundle.run(WINDOW)
    assert out.returncode == 2
    assert "no display" in out.stderr


def test_demo_verify_and_every_pdf_the_checkout_makes(bundle, tmp_path):
    data = tmp_path / "data"
    out = bundle.run(CLI, "--data-dir", data, "demo")
    assert out.returncode == 0, out.stderr
    assert "12 learners" in out.stdout
    out = bundle.run(CLI, "--data-dir", data, "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Everything matches what was signed" in out.stdout
    uln = add_claim_ready_learner(data)
    for what in ("records", "matrix", "claim-pack"):
        pdf = tmp_path / f"{what}.pdf"
        out = bundle.run(CLI, "--data-dir", data, "pdf", uln, "--what", what, "--out", pdf)
        assert out.returncode == 0, out.stderr
        reader = PdfReader(pdf)
        said = int(re.search(r"\((\d+) pages?\)", out.stdout).group(1))
        assert len(reader.pages) == said > 0
        assert uln in reader.pages[0].extract_text()
        # The same document from the checkout has the same pages.
        checkout = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "pdf", uln,
             "--what", what, "--out", str(tmp_path / f"checkout-{what}.pdf")],
            capture_output=True, text=True, timeout=180, env=no_display_env())
        assert checkout.returncode == 0, checkout.stderr
        assert len(PdfReader(tmp_path / f"checkout-{what}.pdf").pages) == len(reader.pages), what
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(tmp_path / "claim-pack.pdf").pages)
    for part in ("Claim to competence", "Contents", "Unit achievement summary",
                 "Evidence matrix", "Assessor's judgement"):
        assert part in text, part


def test_the_bundle_upgrades_a_database_from_the_first_schema(bundle, tmp_path):
    data = tmp_path / "old"
    make_first_schema_database(data)
    out = bundle.run(CLI, "--data-dir", data, "learners", "--json")
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 25  # the first schema's live learners, all kept
    con = sqlite3.connect(data / "fieldfolio.sqlite3")
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    assert list((data / "backups").glob("fieldfolio-before-*.sqlite3"))


def test_the_window_stays_up_offscreen(bundle, tmp_path):
    data = tmp_path / "data"
    assert bundle.run(CLI, "--data-dir", data, "setup", "--name", "Alex Morgan", "--role",
                      "assessor", "--centre", "Riverside Training").returncode == 0
    assert bundle.run(CLI, "--data-dir", data, "demo").returncode == 0
    log = tmp_path / "window.log"
    with open(log, "w") as sink:
        window = subprocess.Popen([str(bundle.path(WINDOW)), "--data-dir", str(data)],
                                  cwd=bundle.cwd, stdout=sink, stderr=subprocess.STDOUT,
                                  env=no_display_env(QT_QPA_PLATFORM="offscreen"))
        try:
            time.sleep(10)
            assert window.poll() is None, log.read_text()
        finally:
            window.send_signal(signal.SIGTERM)
            window.wait(timeout=30)
    assert "Traceback" not in log.read_text()


def bundled_modules(executable: Path) -> set[str]:
    from PyInstaller.archive.readers import CArchiveReader
    return set(CArchiveReader(str(executable)).open_embedded_archive("PYZ.pyz").toc)


def test_modules_loaded_by_name_are_inside_and_test_tools_are_not(bundle):
    internal = bundle.folder / "_internal"
    window, cli = bundled_modules(bundle.path(WINDOW)), bundled_modules(bundle.path(CLI))
    for modules in (window, cli):
        assert {"reportlab.graphics.barcode.code128", "reportlab.graphics.barcode.qr",
                "alembic.runtime.migration", "alembic.ddl.sqlite", "alembic.op",
                "app.signing.commands", "app.catalogue.commands", "pypdf"} <= modules
        unwanted = {m for m in modules if m.split(".")[0] in
                    ("pytest", "_pytest", "pygments", "pkg_resources", "setuptools", "readline")}
        assert not unwanted
    assert not any(m.startswith(("PySide6", "ui.")) for m in cli), "the command line loads no Qt"
    assert {"ui.signing.verify_dialog", "ui.catalogue.browser"} <= window
    # C speed-ups and the Qt plugins the window needs to draw, record and print.
    assert list(internal.glob("_rl_accel*"))
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/*qoffscreen*", "platforms/*qxcb*", "multimedia/*ffmpeg*",
                   "printsupport/*", "imageformats/*qjpeg*"):
        assert list(plugins.glob(plugin)), plugin
    assert not list(internal.rglob("libreadline*")), "GPL-3 libreadline must not ship"
    assert (internal / "db" / "migrations" / "versions").is_dir()


def test_about_names_the_version_the_speedups_and_the_licences(bundle):
    out = bundle.run(CLI, "about")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Fieldfolio {__version__}\n")
    assert "ReportLab C speed-ups: in use" in out.stdout
    import reportlab
    assert re.search(rf"ReportLab\s+{re.escape(reportlab.Version)}\s+BSD", out.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="checks the Linux bundle's files")
def test_licences_ship_with_the_bundle(bundle):
    internal = bundle.folder / "_internal"
    assert "All rights reserved" in (internal / "LICENSE").read_text()
    assert (internal / "resources" / "fonts" / "DejaVu-LICENSE.txt").exists()
    licences = internal / "resources" / "licenses"
    assert "GNU LGPL version 3" in (licences / "NOTICES.txt").read_text()
    for text in ("LGPL-3.0.txt", "GPL-3.0.txt", "LGPL-2.1.txt", "Python-PSF.txt"):
        assert (licences / text).stat().st_size > 1000, text
