"""Running an installed Fieldfolio program as a user would: a real process, from a working
directory of its own, on a machine with no display."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path


def no_display_env(**extra: str) -> dict[str, str]:
    """The user's environment over SSH or in CI. QT_QPA_PLATFORM goes too: the test run sets
    it for itself, and a user would not have it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(extra)
    return env


class Installed:
    """The programs in one installed folder (the bundle's, or a virtual environment's bin)."""

    def __init__(self, folder: Path, cwd: Path):
        self.folder, self.cwd = Path(folder), Path(cwd)

    def path(self, program: str) -> Path:
        return self.folder / (program + ".exe" if os.name == "nt" else program)

    def run(self, program: str, *args: str, env: dict | None = None, timeout: int = 180):
        return subprocess.run([str(self.path(program)), *map(str, args)], cwd=self.cwd,
                              env=no_display_env() if env is None else env,
                              capture_output=True, text=True, timeout=timeout)


def add_claim_ready_learner(data_dir: Path) -> str:
    """A learner with three units signed off and a claim made, written by the checkout's own
    operations into a data folder an installed Fieldfolio made (the demo has no claim, and a
    claim pack needs one). Returns the learner's ULN."""
    from app.claims.sample_portfolio import build_claim_ready_learner
    from app.db.store import Store
    with Store(data_dir) as store:
        ids = store.write_now(lambda s: build_claim_ready_learner(s, units=3, records=6))
    return ids["uln"]
