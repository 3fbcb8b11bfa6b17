"""Help -> About Fieldfolio: the version, what is inside with versions and licences, and the
third-party notices; `fieldfolio about` prints the same for support staff."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import PySide6
from PySide6.QtWidgets import QLabel

from app import __version__
from tests.ui.test_caseload_window import close_window, open_window

ROOT = Path(__file__).resolve().parents[2]


def test_help_about_shows_version_components_and_notices(qtbot, data_dir):
    store, window = open_window(qtbot, data_dir)
    try:
        help_menu = window.menus["help"]
        about = next(a for a in help_menu.actions() if a.objectName() == "act_about")
        about.trigger()
        dialog = window.about_dialog
        qtbot.waitExposed(dialog)
        assert dialog.windowTitle() == "About Fieldfolio"
        assert dialog.findChild(QLabel, "about_version").text() == f"Fieldfolio {__version__}"
        rows = {dialog.table.item(r, 0).text(): (dialog.table.item(r, 1).text(),
                                                  dialog.table.item(r, 2).text())
                for r in range(dialog.table.rowCount())}
        assert rows["PySide6"] == (PySide6.__version__, "LGPL-3.0")
        assert rows["Qt"][1] == "LGPL-3.0" and rows["FFmpeg"][1].startswith("LGPL-2.1")
        import reportlab
        assert rows["ReportLab"][0] == reportlab.Version
        assert {"Python", "SQLite", "SQLAlchemy", "cryptography", "DejaVu fonts"} <= set(rows)
        notices = dialog.notices.toPlainText()
        assert "GNU LGPL version 3" in notices and "DejaVu" in notices
        dialog.close()
    finally:
        close_window(store, window)


def test_about_on_the_command_line_needs_no_data_folder(tmp_path):
    data = tmp_path / "never-made"
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), "about"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Fieldfolio {__version__}\n")
    assert "ReportLab C speed-ups: in use" in out.stdout
    assert "LICENSE" in out.stdout and "licenses" in out.stdout
    assert not data.exists()
