"""The laptop's bundle ships without the centre's `server` package: its command line must
still run every laptop command and simply not offer the server's (the bundle smoke check in
tests/installed caught `fieldfolio-cli` failing on every command instead)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# As in the bundle: the package itself cannot be found ("No module named 'server'").
WITHOUT_SERVER = """
import sys

class NoServer:
    def find_spec(self, name, path=None, target=None):
        if name == "server":
            raise ModuleNotFoundError("No module named 'server'", name="server")
        return None

sys.meta_path.insert(0, NoServer())
from app.cli import run
sys.exit(run(sys.argv[1:]))
"""


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_SERVER, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_runs_without_the_server_package(tmp_path):
    helped = _cli("--help")
    assert helped.returncode == 0, helped.stderr
    assert "verify" in helped.stdout and "server-admin" not in helped.stdout
    listed = _cli("--data-dir", str(tmp_path / "data"), "learners")
    assert listed.returncode == 0, listed.stderr


def test_a_dependency_missing_inside_a_command_module_is_still_a_fault():
    broken = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['httpx'] = None\n"
         "from app.cli import build_parser\nbuild_parser()"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert broken.returncode != 0 and "httpx" in broken.stderr
