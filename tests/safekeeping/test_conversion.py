"""A plain data folder from before encryption is converted in place; killed (SIGKILL) after
every step of the conversion, the folder still opens: as the old plain one (and converts
when tried again) or as the new encrypted one, with every learner, file and signature."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.store import Store
from app.evidence.attachments import attach_file, attachments_of
from app.models import Learner, Signature
from app.safekeeping import convert
from app.safekeeping.keys import is_encrypted
from app.signing.sign import sign_record
from tests.safekeeping.safekeeping_helpers import ROOT, TEST_PASSPHRASE
from tests.signing.signing_helpers import drawn, make_record

MARKER = b"PHOTO-OF-A-TILL-RECEIPT-7731"
CHILD = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from app.safekeeping.convert import encrypt_data_folder
stop_at, seen = int(sys.argv[2]), []
def step(name):
    seen.append(name)
    print(name, flush=True)
    if len(seen) == stop_at:
        os.kill(os.getpid(), signal.SIGKILL)
encrypt_data_folder(Path(sys.argv[1]), {passphrase!r}, on_step=step)
"""


@pytest.fixture
def plain_folder(demo_store, tmp_path) -> tuple[Path, dict]:
    """A plain folder with a photo, a signed record (so a plain signing key) and a backup."""
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(b"\xff\xd8" + MARKER * 300)
    record = demo_store.write_now(make_record)
    attach_file(demo_store, record, photo)
    demo_store.write_now(sign_record, "evidence_record", record, **drawn("Amelia Hughes", "learner"))
    from app.db import migrate
    migrate.backup(demo_store.db_path, demo_store.backups_dir, "0006")
    facts = what_it_holds(demo_store, record)
    demo_store.close()
    return demo_store.data_dir, {"record": record, **facts}


def what_it_holds(store: Store, record: str) -> dict:
    views = store.read(attachments_of, record)
    return {"learners": store.read(lambda s: s.scalar(select(func.count()).select_from(Learner))),
            "signatures": store.read(lambda s: s.scalar(select(func.count()).select_from(Signature))),
            "files": sorted(v.sha256 for v in views),
            "verified": all(store.attachments.verify(v.sha256) for v in views)}


def run_child(folder: Path, stop_at: int) -> list[str]:
    script = CHILD.format(root=str(ROOT), passphrase=TEST_PASSPHRASE)
    env = {k: v for k, v in os.environ.items() if k != "FIELDFOLIO_PASSPHRASE"}
    done = subprocess.run([sys.executable, "-c", script, str(folder), str(stop_at)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, -9), done.stderr
    return done.stdout.split("\n")[:-1]


def no_plain_marker(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert MARKER not in data and b"Amelia Hughes" not in data, path


def test_kill_after_any_step_leaves_the_old_or_the_new_folder_working(plain_folder, tmp_path):
    template, facts = plain_folder
    record = facts.pop("record")
    whole = tmp_path / "whole"
    shutil.copytree(template, whole)
    steps = run_child(whole, 0)          # 0: never killed; lists the steps there are
    assert steps[0] == "start" and steps[-1] == "finished" and "committed" in steps
    assert len(steps) >= 12
    outcomes = set()
    for stop_at in range(1, len(steps) + 1):
        folder = tmp_path / f"killed-{stop_at}"
        shutil.copytree(template, folder)
        seen = run_child(folder, stop_at)
        assert seen == steps[:stop_at]
        if is_encrypted(folder):
            outcomes.add("new")
            with Store(folder, passphrase=TEST_PASSPHRASE) as store:   # finishes the job
                assert what_it_holds(store, record) == facts, f"killed after {seen[-1]}"
        else:
            outcomes.add("old")
            with Store(folder) as store:
                assert not store.encrypted
                assert what_it_holds(store, record) == facts, f"killed after {seen[-1]}"
            convert.encrypt_data_folder(folder, TEST_PASSPHRASE)   # and tried again, works
        no_plain_marker(folder)
        assert not (folder / "backups" / convert.PLAIN_BACKUP).exists()
        with Store(folder, passphrase=TEST_PASSPHRASE) as store:
            assert what_it_holds(store, record) == facts
            assert store.read(lambda s: s.scalar(select(Learner.family_name).where(
                Learner.family_name == "Hughes"))) == "Hughes"
        shutil.rmtree(folder)
    assert outcomes == {"old", "new"}


def test_a_converted_folder_keeps_searching_and_signing(plain_folder):
    folder, facts = plain_folder
    convert.encrypt_data_folder(folder, TEST_PASSPHRASE)
    with Store(folder, passphrase=TEST_PASSPHRASE) as store:
        from app.catalogue.search import search_criteria   # FTS5 inside SQLCipher
        assert store.read(search_criteria, "complaint")
        record = store.write_now(make_record)
        store.write_now(sign_record, "evidence_record", record, **drawn("Amelia Hughes", "learner"))
        assert what_it_holds(store, facts["record"])["verified"]
    key_file = folder / "keys" / "device-signing-key.pem"
    assert key_file.read_bytes().startswith(b"FFSEAL1")
