"""Programs Fieldfolio opens get the user's environment, not the bundle's: a PDF viewer
started with the bundle's LD_LIBRARY_PATH and QT_PLUGIN_PATH loads the bundle's Qt."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.other_programs import user_environment

ROOT = Path(__file__).resolve().parents[2]


def bundle_environment(bundle: Path) -> dict[str, str]:
    """What a PyInstaller bundle's process has once started (bootloader and Qt's hook)."""
    return {"HOME": "/home/alex", "LANG": "en_GB.UTF-8", "DISPLAY": ":0",
            "PATH": f"/usr/local/bin{os.pathsep}/usr/bin",
            "LD_LIBRARY_PATH": f"{bundle}{os.pathsep}/opt/vendor/lib",
            "LD_LIBRARY_PATH_ORIG": "/opt/vendor/lib",
            "QT_PLUGIN_PATH": str(bundle / "PySide6" / "Qt" / "plugins"),
            "QML2_IMPORT_PATH": str(bundle / "PySide6" / "Qt" / "qml"),
            "DYLD_LIBRARY_PATH": str(bundle),
            "_PYI_ARCHIVE_FILE": str(bundle.parent / "Fieldfolio"),
            "_PYI_PARENT_PROCESS_LEVEL": "-1"}


def test_the_bundles_paths_are_taken_out_and_the_users_put_back(tmp_path):
    bundle = tmp_path / "Fieldfolio" / "_internal"
    env = user_environment(bundle_environment(bundle), bundle_dir=bundle)
    assert env == {"HOME": "/home/alex", "LANG": "en_GB.UTF-8", "DISPLAY": ":0",
                   "PATH": f"/usr/local/bin{os.pathsep}/usr/bin",
                   "LD_LIBRARY_PATH": "/opt/vendor/lib"}


def test_a_user_without_library_paths_gets_none(tmp_path):
    bundle = tmp_path / "_internal"
    env = user_environment({"LD_LIBRARY_PATH": str(bundle),
                            "PATH": f"{bundle}{os.pathsep}/usr/bin"}, bundle_dir=bundle)
    assert env == {"PATH": "/usr/bin"}


def test_outside_a_bundle_nothing_changes():
    env = {"QT_PLUGIN_PATH": "/my/plugins", "LD_LIBRARY_PATH": "/my/lib"}
    assert user_environment(env, bundle_dir=None) == env


OPENER = """import os, sys
sys.path.insert(0, {root!r})
from PySide6.QtWidgets import QApplication
app = QApplication([])
sys._MEIPASS = {bundle!r}   # as inside the bundle
os.environ.update({env!r})
from ui.system_viewer import open_in_system
print(open_in_system({pdf!r}))
assert os.environ["QT_PLUGIN_PATH"].startswith({bundle!r})  # Fieldfolio's own, unchanged
"""


@pytest.mark.skipif(not shutil.which("Xvfb"), reason="needs Xvfb: Qt offscreen opens no URLs")
def test_the_pdf_viewer_is_started_with_the_users_environment(tmp_path):
    """Qt's real openUrl on X11 runs xdg-open; a stand-in xdg-open records what it got."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    seen = tmp_path / "viewer-env.txt"
    (bin_dir / "xdg-open").write_text(f"#!/bin/sh\nenv > {seen}.part\nmv {seen}.part {seen}\n")
    (bin_dir / "xdg-open").chmod(0o755)
    display = f":{200 + os.getpid() % 500}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "800x600x24"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        bundle = tmp_path / "Fieldfolio" / "_internal"
        env = {k: v for k, v in bundle_environment(bundle).items()
               if k not in ("HOME", "LANG", "DISPLAY", "PATH")}
        pdf = tmp_path / "claim.pdf"
        pdf.write_bytes(b"%PDF-1.4\n")
        script = OPENER.format(root=str(ROOT), bundle=str(bundle), env=env, pdf=str(pdf))
        run_env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb",
                       PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        out = subprocess.run([sys.executable, "-c", script], env=run_env, capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0 and out.stdout.strip() == "True", out.stderr
        for _ in range(100):
            if seen.exists():
                break
            time.sleep(0.1)
        got = dict(line.split("=", 1) for line in seen.read_text().splitlines() if "=" in line)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    assert got["LD_LIBRARY_PATH"] == "/opt/vendor/lib"
    assert not {"QT_PLUGIN_PATH", "QML2_IMPORT_PATH", "LD_LIBRARY_PATH_ORIG",
                "_PYI_ARCHIVE_FILE", "DYLD_LIBRARY_PATH"} & set(got)
    assert got["PATH"].startswith(str(bin_dir))
