"""A lost laptop's data folder reveals nothing: the database, its backups, every attachment
and the signing key, read as plain files, hold no learner's name, ULN, photo or recorded
tone; the right passphrase gets everything back and a wrong one changes nothing."""
from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import migrate
from app.db.store import Store
from app.evidence.attachments import attach_file, attachments_of
from app.evidence.recording import PcmFormat, RecordingJournal, finish
from app.models import Learner
from app.safekeeping.keys import PassphraseNeeded, WrongPassphrase
from app.signing.sign import sign_record
from tests.safekeeping.safekeeping_helpers import ROOT, TEST_PASSPHRASE
from tests.signing.signing_helpers import drawn, make_record

SPEECH = PcmFormat(16000, 1)
PHOTO_MARKER = b"TILL-RECEIPT-PHOTO-MARKER-0451"


def tone() -> bytes:
    # A distinctive sample pattern: found verbatim in any plain copy of the recording.
    return struct.pack("<8h", 1234, -4321, 2345, -5432, 3456, -6543, 4567, -7654) * 4000


def every_file(data_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}


def fill_with_evidence(store: Store, photo: Path) -> tuple[str, str, str]:
    learner = store.read(lambda s: s.scalars(select(Learner).order_by(Learner.family_name)).first())
    name, uln = f"{learner.given_names} {learner.family_name}", learner.uln
    record = store.write_now(make_record)
    photo.write_bytes(b"\xff\xd8\xff\xe0" + PHOTO_MARKER * 500)
    attach_file(store, record, photo)
    journal = RecordingJournal(store.attachments, record, SPEECH)
    journal.append(tone())
    finish(store, journal)
    store.write_now(sign_record, "evidence_record", record, **drawn(name, "learner"))
    migrate.backup(store.db_path, store.backups_dir, "test", store.keys.sqlcipher_pragma())
    return record, name, uln


def test_the_data_folder_reveals_nothing_and_opens_again_with_the_passphrase(
        encrypted_store, tmp_path):
    store = encrypted_store
    record, name, uln = fill_with_evidence(store, tmp_path / "receipt.jpg")
    data_dir = store.data_dir
    store.close()
    files = every_file(data_dir)
    kinds = {p.relative_to(data_dir).parts[0] for p in files}
    assert {"fieldfolio.sqlite3", "attachments", "backups", "keys"} <= kinds
    markers = [name.encode(), name.encode("utf-16-le"), uln.encode(), PHOTO_MARKER,
               tone()[:64], b"PRIVATE KEY-----\nMC4"]
    for path, data in files.items():
        for marker in markers:
            assert marker not in data, f"{marker!r} readable in {path.relative_to(data_dir)}"
    key_pem = (data_dir / "keys" / "device-signing-key.pem").read_bytes()
    assert key_pem.startswith(b"FFSEAL1")

    with Store(data_dir, passphrase=TEST_PASSPHRASE) as again:
        views = again.read(attachments_of, record)
        assert sorted(v.kind for v in views) == ["audio", "photo"]
        for v in views:
            assert again.attachments.verify(v.sha256)
        photo = next(v for v in views if v.kind == "photo")
        with again.attachments.open(photo.sha256) as fh:
            assert fh.read() == (tmp_path / "receipt.jpg").read_bytes()
        audio = next(v for v in views if v.kind == "audio")
        assert audio.duration_ms == 2000      # 64,000 bytes at 32,000 a second
        copy = again.attachments.viewable_copy(audio.sha256, audio.original_name)
        assert tone()[:64] in copy.read_bytes()
        assert again.read(lambda s: s.scalar(select(Learner.uln).where(Learner.uln == uln))) == uln
    assert not copy.exists()     # the plaintext copy went when the store closed


def test_a_wrong_or_missing_passphrase_is_clear_and_changes_nothing(encrypted_store, monkeypatch):
    data_dir = encrypted_store.data_dir
    encrypted_store.close()
    before = {p: hashlib.sha256(b).hexdigest() for p, b in every_file(data_dir).items()}
    with pytest.raises(WrongPassphrase, match="does not open the data folder.*Nothing has been changed"):
        Store(data_dir, passphrase="tea at the till 5 customers").open()
    with pytest.raises(PassphraseNeeded, match="encrypted.*FIELDFOLIO_PASSPHRASE"):
        Store(data_dir).open()
    after = {p: hashlib.sha256(b).hexdigest() for p, b in every_file(data_dir).items()}
    assert after == before
    monkeypatch.setenv("FIELDFOLIO_PASSPHRASE", TEST_PASSPHRASE)
    with Store(data_dir) as store:
        assert store.encrypted


def test_a_changed_or_cut_short_attachment_fails_verify(encrypted_store, tmp_path):
    source = tmp_path / "rota.pdf"
    source.write_bytes(os.urandom(200_000))
    sha = encrypted_store.attachments.import_file(source).sha256
    path = encrypted_store.attachments.stored_path(sha)
    sealed = path.read_bytes()
    assert encrypted_store.attachments.verify(sha)
    path.chmod(0o644)
    path.write_bytes(sealed[:-5000])                     # cut short mid-chunk
    assert not encrypted_store.attachments.verify(sha)
    path.write_bytes(sealed[:20 + 2 * (64 * 1024 + 16)])  # cut at a chunk boundary
    assert not encrypted_store.attachments.verify(sha)
    flipped = bytearray(sealed)
    flipped[70_000] ^= 1
    path.write_bytes(bytes(flipped))
    assert not encrypted_store.attachments.verify(sha)
    path.write_bytes(sealed)
    assert encrypted_store.attachments.verify(sha)


def run_cli(*args, env_passphrase=None):
    env = {k: v for k, v in os.environ.items() if k != "FIELDFOLIO_PASSPHRASE"}
    if env_passphrase is not None:
        env["FIELDFOLIO_PASSPHRASE"] = env_passphrase
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_the_command_line_takes_the_passphrase_from_the_environment(tmp_path):
    folder = tmp_path / "new"
    made = run_cli("--data-dir", str(folder), "setup", "--name", "Alex Morgan", "--role",
                   "assessor", "--centre", "Northgate Training", env_passphrase=TEST_PASSPHRASE)
    assert made.returncode == 0, made.stderr
    assert (folder / "fieldfolio.keys").exists()
    assert b"Alex Morgan" not in (folder / "fieldfolio.sqlite3").read_bytes()
    wrong = run_cli("--data-dir", str(folder), "learners", env_passphrase="not the passphrase")
    assert wrong.returncode == 1 and "does not open the data folder" in wrong.stderr
    none = run_cli("--data-dir", str(folder), "learners")   # no terminal: no waiting for one
    assert none.returncode == 1 and "FIELDFOLIO_PASSPHRASE" in none.stderr
    right = run_cli("--data-dir", str(folder), "learners", env_passphrase=TEST_PASSPHRASE)
    assert right.returncode == 0, right.stderr


def test_a_recording_in_progress_is_sealed_and_a_crash_keeps_every_whole_second(encrypted_store):
    import json
    import wave
    from app.evidence.recording import interrupted_recordings, recover
    record = encrypted_store.write_now(make_record)
    journal = RecordingJournal(encrypted_store.attachments, record, SPEECH)
    sound = tone() * 2                       # 4 s
    for at in range(0, len(sound), 3200):
        journal.append(sound[at:at + 3200])
    # What kill -9 leaves: the writer's last whole chunks on disk, no final chunk, a manifest
    # naming a process that has gone.
    journal._queue.put(None)
    journal._thread.join()
    journal._file.sync()
    journal._file._file.close()
    manifest = json.loads(journal.manifest_path.read_text())
    manifest["pid"] = 2 ** 22 + 1
    journal.manifest_path.write_text(json.dumps(manifest))
    on_disk = journal.wav_path.read_bytes()
    assert tone()[:64] not in on_disk and on_disk.startswith(b"FFSEAL1")
    [found] = interrupted_recordings(encrypted_store.attachments)
    assert 3000 <= found.recorded_ms <= 4000      # whole seconds; the last may be held back
    recover(encrypted_store, found)
    [stored] = encrypted_store.read(attachments_of, record)
    with encrypted_store.attachments.open(stored.sha256) as fh, wave.open(fh) as wav:
        frames = wav.getnframes()
        assert frames * 1000 // 16000 == found.recorded_ms and frames > 3 * 16000
        assert wav.readframes(frames) == sound[:frames * 2]
    assert encrypted_store.attachments.verify(stored.sha256)
    assert not journal.wav_path.exists() and interrupted_recordings(encrypted_store.attachments) == []


def test_verify_checks_an_encrypted_folder_and_catches_a_changed_file(encrypted_store, tmp_path):
    record, name, uln = fill_with_evidence(encrypted_store, tmp_path / "receipt.jpg")
    encrypted_store.write_now(sign_record, "evidence_record", record,
                              **drawn("Alex Morgan", "assessor"))
    data_dir = encrypted_store.data_dir
    encrypted_store.close()
    good = run_cli("--data-dir", str(data_dir), "verify", env_passphrase=TEST_PASSPHRASE)
    assert good.returncode == 0, good.stdout + good.stderr
    with Store(data_dir, passphrase=TEST_PASSPHRASE) as store:
        photo = next(v for v in store.read(attachments_of, record) if v.kind == "photo")
        path = store.attachments.stored_path(photo.sha256)
    sealed = bytearray(path.read_bytes())
    sealed[200] ^= 1
    path.chmod(0o644)
    path.write_bytes(bytes(sealed))
    bad = run_cli("--data-dir", str(data_dir), "verify", env_passphrase=TEST_PASSPHRASE)
    assert bad.returncode != 0 and "receipt.jpg" in bad.stdout + bad.stderr
