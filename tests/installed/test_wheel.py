"""The centre's side as a Python package: a wheel built from the checkout, installed (not
editable) into a fresh virtual environment, works from any directory with the qualification
packs, resources and migrations it carries inside the package."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import __version__
from tests.installed.programs import Installed, add_claim_ready_learner, no_display_env

ROOT = Path(__file__).resolve().parents[2]


def run(*cmd, cwd, timeout=600):
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                         timeout=timeout, env=no_display_env())
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    return out


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory) -> Path:
    """Build the wheel as a release would, install it into a new venv; returns its bin/."""
    work = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", work / "dist", ROOT,
        cwd=work)
    wheel = next((work / "dist").glob("fieldfolio-*.whl"))
    run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    bin_dir = work / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
    # As the README's centre section installs it: with the server's extras.
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", f"{wheel}[server]", cwd=work)
    return bin_dir


def test_installed_wheel_runs_demo_verify_and_pdf_from_anywhere(installed_wheel, elsewhere):
    fieldfolio = Installed(installed_wheel, elsewhere)
    out = fieldfolio.run("fieldfolio", "--version")
    assert (out.returncode, out.stdout.strip()) == (0, f"Fieldfolio {__version__}"), out.stderr
    data = elsewhere / "data"
    out = fieldfolio.run("fieldfolio", "--data-dir", data, "demo")
    assert out.returncode == 0, out.stderr
    assert "12 learners" in out.stdout
    out = fieldfolio.run("fieldfolio", "--data-dir", data, "verify")
    assert out.returncode == 0, out.stdout + out.stderr
    out = fieldfolio.run("fieldfolio", "--data-dir", data, "catalogue", "list")
    assert out.returncode == 0 and "2794" in out.stdout, out.stderr
    uln = add_claim_ready_learner(data)
    out = fieldfolio.run("fieldfolio", "--data-dir", data, "pdf", uln, "--out", "pack.pdf")
    assert out.returncode == 0, out.stderr
    said = int(re.search(r"\((\d+) pages?\)", out.stdout).group(1))
    reader = PdfReader(elsewhere / "pack.pdf")
    assert len(reader.pages) == said > 5
    assert "Claim to competence" in " ".join(" ".join(p.extract_text().split())
                                             for p in reader.pages)


def test_the_shipped_folders_are_inside_the_installed_package(installed_wheel, elsewhere):
    out = run(installed_wheel / "python", "-c",
              "from app import paths; print(paths.specs_dir()); print(paths.migrations_dir()); "
              "print(paths.resources_dir())", cwd=elsewhere)
    specs, migrations, resources = (Path(line) for line in out.stdout.split())
    site_packages = installed_wheel.parent / "lib"
    for folder in (specs, migrations, resources):
        assert folder.is_dir() and site_packages in folder.parents, folder
    assert (specs / "pack.schema.json").exists()
    assert sorted(p.name for p in (migrations / "versions").glob("*.py")) == \
        sorted(p.name for p in (ROOT / "db" / "migrations" / "versions").glob("*.py"))
    assert (resources / "fonts" / "DejaVuSans.ttf").exists()


def test_the_server_command_if_there_is_one(installed_wheel, elsewhere):
    out = Installed(installed_wheel, elsewhere).run("fieldfolio", "--help")
    if not re.search(r"^\s+server\s", out.stdout, re.M):
        pytest.skip("no `fieldfolio server` command yet (issue 13)")
    out = Installed(installed_wheel, elsewhere).run("fieldfolio", "server", "--help")
    assert out.returncode == 0, out.stderr
