"""What Fieldfolio is and what it is made of: its version, the third-party components with
their versions and licences, and where their notices and licence texts are.

Help -> About shows it (with Qt's own versions, which only ui/ can ask), `fieldfolio about`
prints it for support staff, and the bundle's smoke check reads it to see that ReportLab's C
speed-ups were packed. No Qt here.
"""
from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import __version__, paths


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


# (name shown, module, distribution, licence) of what runs without a screen; ui/ adds Qt's.
LIBRARIES = [
    ("SQLAlchemy", "sqlalchemy", "SQLAlchemy", "MIT"),
    ("Alembic", "alembic", "alembic", "MIT"),
    ("ReportLab", "reportlab", "reportlab", "BSD"),
    ("rl_accel", "_rl_accel", "rl_accel", "BSD"),
    ("Pillow", "PIL", "pillow", "MIT-CMU (HPND)"),
    ("pypdf", "pypdf", "pypdf", "BSD-3-Clause"),
    ("cryptography", "cryptography", "cryptography", "Apache-2.0 or BSD-3-Clause"),
    ("jsonschema", "jsonschema", "jsonschema", "MIT"),
    ("platformdirs", "platformdirs", "platformdirs", "MIT"),
]


def licences_dir() -> Path:
    return paths.resources_dir() / "licenses"


def notices() -> str:
    """The third-party notices shipped with Fieldfolio, as plain text."""
    return (licences_dir() / "NOTICES.txt").read_text(encoding="utf-8")


def components() -> list[Component]:
    found = [Component("Python", platform.python_version(), "PSF"),
             Component("SQLite", sqlite3.sqlite_version, "public domain")]
    for name, module, distribution, licence in LIBRARIES:
        found.append(Component(name, _version(module, distribution), licence))
    return found


def speedups_in_use() -> bool:
    """ReportLab's C speed-ups load (a fifth of a claim pack's time without them)."""
    try:
        from reportlab.lib import rl_accel
    except ImportError:
        return False
    return rl_accel.fp_str.__module__ == "_rl_accel"


def _version(module: str, distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        pass  # a bundle keeps only some packages' metadata
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return "not installed"
    for attribute in ("__version__", "Version", "version"):
        if getattr(loaded, attribute, None):
            return str(getattr(loaded, attribute))
    return ""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("about", help="the version, the components inside and their licences")
    p.set_defaults(run=_about, needs_store=False)


def _about(store, args) -> int:
    print(f"Fieldfolio {__version__}")
    for c in components():
        print(f"  {c.name:14} {c.version:12} {c.licence}")
    print(f"ReportLab C speed-ups: {'in use' if speedups_in_use() else 'NOT in use'}")
    print("Licence: proprietary, all rights reserved (LICENSE)")
    print(f"Third-party notices and licence texts: {licences_dir()}")
    return 0
