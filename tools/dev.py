#!/usr/bin/env python3
"""One command for each thing a developer or a new user does (the README's quick start).

    python3 tools/dev.py run     # install into .venv if needed, then open Fieldfolio
    python3 tools/dev.py test    # the whole test suite (what CI runs)
    python3 tools/dev.py bench   # the benchmarks table
    python3 tools/dev.py build   # the PyInstaller bundle in dist/Fieldfolio
    python3 tools/dev.py smoke   # run the built bundle and an installed wheel as users would

Uses only the standard library, so it runs on a fresh machine with nothing but Python 3.10+.
The virtual environment is reinstalled only when pyproject.toml changes.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".fieldfolio-installed"


def ensure_venv(extras: str = "test") -> None:
    # The stamp names pyproject.toml's hash and the extras installed, so `test` after
    # `build` (a superset) does not reinstall, as CI runs both.
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists():
        stamped_digest, _, stamped_extras = STAMP.read_text().partition(" ")
        if stamped_digest == digest and set(extras.split(",")) <= set(stamped_extras.split(",")):
            return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing Fieldfolio and what it needs (first run only) …", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"],
                   cwd=ROOT, check=True)
    STAMP.write_text(f"{digest} {extras}")


def run(args: list[str]) -> int:
    ensure_venv()
    return subprocess.call([str(PYTHON), str(ROOT / "main.py"), *args], cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_venv()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(PYTHON), "-m", "pytest", "-q", *workers(args), *args],
                           cwd=ROOT, env=env)


def workers(args: list[str]) -> list[str]:
    """One test process per core, up to four (pytest-xdist): run one after another the
    suite took 17 of CI's 20 minutes on two cores, most of it one core busy while the other
    waited on a server or a child process. `-n 0` (or any -n given) chooses otherwise."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args):
        return []
    cores = min(4, os.cpu_count() or 1)
    return ["-n", str(cores), "--dist", "worksteal"] if cores > 1 else []


def bench(args: list[str]) -> int:
    ensure_venv()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(PYTHON), str(ROOT / "bench" / "run.py"), *args], cwd=ROOT, env=env)


def build(args: list[str]) -> int:
    ensure_venv("test,build")
    return subprocess.call([str(PYTHON), "-m", "PyInstaller", "--noconfirm", "build.spec", *args],
                           cwd=ROOT)


def smoke(args: list[str]) -> int:
    """Run what `build` made (and a freshly built wheel) from elsewhere, with no display:
    tests/installed/, which the ordinary test run leaves out."""
    ensure_venv("test,build")
    bundle = ROOT / "dist" / "Fieldfolio"
    if not bundle.is_dir():
        print(f"No bundle in {bundle}: run `python3 tools/dev.py build` first.", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["FIELDFOLIO_BUNDLE"] = str(bundle)
    return subprocess.call([str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/installed", *args], cwd=ROOT, env=env)


COMMANDS = {"run": run, "test": test, "bench": bench, "build": build, "smoke": smoke}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
