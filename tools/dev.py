#!/usr/bin/env python3
"""One command for each thing a developer or a new user does (the README's quick start).

    python3 tools/dev.py run     # install into .venv if needed, then open Fieldfolio
    python3 tools/dev.py test    # the whole test suite (what CI runs)
    python3 tools/dev.py bench   # the benchmarks table
    python3 tools/dev.py build   # the PyInstaller bundle in dist/Fieldfolio

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
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing Fieldfolio and what it needs (first run only) …", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"],
                   cwd=ROOT, check=True)
    STAMP.write_text(wanted)


def run(args: list[str]) -> int:
    ensure_venv()
    return subprocess.call([str(PYTHON), str(ROOT / "main.py"), *args], cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_venv()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(PYTHON), "-m", "pytest", "-q", *args], cwd=ROOT, env=env)


def bench(args: list[str]) -> int:
    ensure_venv()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call([str(PYTHON), str(ROOT / "bench" / "run.py"), *args], cwd=ROOT, env=env)


def build(args: list[str]) -> int:
    ensure_venv("test,build")
    return subprocess.call([str(PYTHON), "-m", "PyInstaller", "--noconfirm", "build.spec", *args],
                           cwd=ROOT)


COMMANDS = {"run": run, "test": test, "bench": bench, "build": build}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
