"""Where Fieldfolio finds its own files (specs, migrations, resources) and the user's data."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "FIELDFOLIO_DATA_DIR"
DATABASE_NAME = "fieldfolio.sqlite3"


def install_root() -> Path:
    """The folder holding specs/, resources/ and db/migrations/.

    A PyInstaller bundle unpacks them under sys._MEIPASS; an installed wheel carries them
    inside this package as app/shipped/ (setup.py puts them there); a source checkout or an
    editable install keeps them at the top of the repository, beside this package.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    here = Path(__file__).resolve().parent
    shipped = here / "shipped"
    return shipped if (shipped / "specs").is_dir() else here.parent


def specs_dir() -> Path:
    return install_root() / "specs"


def migrations_dir() -> Path:
    return install_root() / "db" / "migrations"


def resources_dir() -> Path:
    return install_root() / "resources"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("Fieldfolio", "Fieldfolio", roaming=True))


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """--data-dir wins, then FIELDFOLIO_DATA_DIR, then the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()
