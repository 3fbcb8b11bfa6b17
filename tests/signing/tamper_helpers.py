"""A signed data folder to tamper with, built once per module and copied per test: a demo
learner with a unit signed off and claimed, and an observation signed with a photo and a
short recording attached. Edits go in as an attacker would make them: plain sqlite3 with
the triggers dropped first, or straight onto the files."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.catalogue.loader import load_bundled_packs
from app.caseload.demo import load_demo_caseload
from app.claims.sample_portfolio import build_claim_ready_learner, sign_fully
from app.db.store import Store
from app.evidence.attachment_store import AttachmentStore
from app.evidence.attachments import attach_file
from app.models import Attachment, EvidenceRecord, Learner
from app.signing.integrity import verify_integrity
from tests.signing.signing_helpers import make_record, raw

ROOT = Path(__file__).resolve().parents[2]
EV = "evidence_record"


def jpeg_bytes() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x01\x00" * int(rate * seconds))
    return out.getvalue()


@dataclass(frozen=True)
class SignedFolder:
    data_dir: Path
    record_id: str          # the observation with a photo and a recording
    learner_id: str
    photo_sha: str
    recording_sha: str
    claim: dict             # ids from build_claim_ready_learner

    @property
    def db(self) -> Path:
        return self.data_dir / "fieldfolio.sqlite3"

    def sql(self, *statements: str) -> None:
        raw(self.db, *statements, drop_triggers=True)

    def report(self):
        with Store(self.data_dir) as store:
            return store.read(verify_integrity)

    def verify_cli(self) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir",
                               str(self.data_dir), "verify"], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)

    def blob(self, sha256: str) -> Path:
        return AttachmentStore.of_data_folder(self.data_dir).stored_path(sha256)


def build_signed_folder(path: Path) -> SignedFolder:
    with Store(path) as store:
        store.write_now(load_bundled_packs)
        store.write_now(load_demo_caseload)
        claim = store.write_now(lambda s: build_claim_ready_learner(s, units=1, records=2))
        record_id = store.write_now(make_record, "Obs", "Handling a refund at the till")
        files = path.parent / "incoming"
        files.mkdir(exist_ok=True)
        (files / "till.jpg").write_bytes(jpeg_bytes())
        (files / "discussion.wav").write_bytes(wav_bytes())
        attach_file(store, record_id, files / "till.jpg", caption="The refund on the till")
        attach_file(store, record_id, files / "discussion.wav", caption="Talking it through")

        def sign(session):
            learner = session.get(Learner, session.get(EvidenceRecord, record_id).learner_id)
            sign_fully(session, EV, record_id, learner.full_name, "Alex Morgan")
            shas = {a.kind: a.sha256 for a in session.scalars(
                select(Attachment).where(Attachment.record_id == record_id))}
            return learner.id, shas
        learner_id, shas = store.write_now(sign)
        assert store.read(verify_integrity).ok, store.read(verify_integrity).summary()
    return SignedFolder(path, record_id, learner_id, shas["photo"], shas["audio"], claim)


def copy_of(original: SignedFolder, target: Path) -> SignedFolder:
    shutil.copytree(original.data_dir, target)
    return SignedFolder(target, original.record_id, original.learner_id, original.photo_sha,
                        original.recording_sha, original.claim)
