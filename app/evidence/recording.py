"""A recording from the laptop's microphone, written so that a crash loses at most the last
second or two of a professional discussion.

While recording, the sound goes straight into a WAV file in the attachment store's
`.recordings` folder (same disk, so finishing is a rename, not a copy of 100 MB), beside a
small manifest saying which record it belongs to. A writer thread appends and fsyncs once a
second, so neither the microphone nor the GUI waits on the disk. The WAV header's sizes are
placeholders until the recording finishes; a file left behind by a crash has them worked out
from its length when Fieldfolio next starts (`recover_interrupted`), and is attached to its
record as if it had been stopped.

In an encrypted data folder the journal is sealed in one-second chunks as it is written
(`app/safekeeping/sealed.py`): no plain sound ever reaches the disk, and a crash still keeps
every whole second already written. Finishing then re-reads it once, writing the real sizes
into the header on the way, straight into the store.

Finishing, in an order that a crash at any step can resume:
1. close the file and write the real sizes into its header;
2. hash it and write the hash into the manifest;
3. rename it into the store under its hash;
4. link it to the record (database);
5. delete the manifest.
"""
from __future__ import annotations

import json
import os
import queue
import struct
import threading
import time
import uuid
from array import array
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence.attachment_store import AttachmentStore, StoredFile, file_sha256, fsync_dir
from app.evidence.attachments import add_attachment
from app.evidence.processes import still_running
from app.safekeeping.sealed import SealedWriter, is_sealed, open_sealed
from app.models.evidence import Attachment, EvidenceRecord

HEADER_BYTES = 44
FSYNC_EVERY_S = 1.0
MEDIA_TYPE = "audio/wav"


@dataclass(frozen=True)
class PcmFormat:
    """What the microphone delivers: 16-bit integer or 32-bit float samples, interleaved."""
    sample_rate: int
    channels: int
    sample_width: int = 2          # bytes per sample: 2 (int16) or 4 (float32)
    is_float: bool = False

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.sample_width

    @property
    def byte_rate(self) -> int:
        return self.sample_rate * self.frame_bytes

    def ms_of(self, data_bytes: int) -> int:
        return data_bytes * 1000 // self.byte_rate


def wav_header(fmt: PcmFormat, data_bytes: int) -> bytes:
    """A canonical 44-byte RIFF/WAVE header (format 1 = PCM, 3 = IEEE float)."""
    tag = 3 if fmt.is_float else 1
    return (b"RIFF" + struct.pack("<I", min(36 + data_bytes, 0xFFFFFFFF)) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, tag, fmt.channels, fmt.sample_rate,
                                    fmt.byte_rate, fmt.frame_bytes, fmt.sample_width * 8)
            + b"data" + struct.pack("<I", min(data_bytes, 0xFFFFFFFF)))


def peak_level(data: bytes, fmt: PcmFormat) -> float:
    """Loudest sample in a block, 0.0 to 1.0: what the level meter shows."""
    usable = len(data) - len(data) % fmt.sample_width
    if usable <= 0:
        return 0.0
    if fmt.is_float:
        samples = array("f", data[:usable])
        return min(1.0, max((abs(s) for s in samples), default=0.0))
    samples = array("h", data[:usable])
    return max((abs(s) for s in samples), default=0) / 32768.0


def recording_name(started: datetime) -> str:
    """The file name assessors see, and bookmarks refer to: one per minute is plenty."""
    return f"discussion-{started:%Y-%m-%d-%H%M%S}.wav"


class RecordingFailed(Exception):
    """The recording could not go on (disk full, folder gone); what was written is kept."""


class RecordingJournal:
    """One recording in progress. `append` is cheap and never blocks on the disk."""

    def __init__(self, attachments: AttachmentStore, record_id: str, fmt: PcmFormat,
                 started: datetime | None = None):
        self.fmt = fmt
        self.record_id = record_id
        self.started = started or datetime.now()
        self.name = recording_name(self.started)
        folder = attachments.journal_dir
        folder.mkdir(parents=True, exist_ok=True)
        key = uuid.uuid4().hex
        self.wav_path = folder / f"{key}.wav"
        self.manifest_path = folder / f"{key}.json"
        self.data_bytes = 0             # queued so far: the recording's length
        self.error: str | None = None   # set by the writer thread; the UI polls it
        _write_json(self.manifest_path, {
            "record_id": record_id, "name": self.name, "pid": os.getpid(),
            "started": self.started.isoformat(timespec="seconds"),
            "format": [fmt.sample_rate, fmt.channels, fmt.sample_width, fmt.is_float]})
        self._file = _JournalFile(self.wav_path, attachments.key, fmt.byte_rate)
        self._file.write(wav_header(fmt, 0))
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._thread = threading.Thread(target=self._drain, name="recording-writer", daemon=True)
        self._thread.start()

    @property
    def recorded_ms(self) -> int:
        return self.fmt.ms_of(self.data_bytes)

    def append(self, data: bytes) -> None:
        if data and self.error is None:
            self.data_bytes += len(data)
            self._queue.put(bytes(data))

    def _drain(self) -> None:
        last_sync = 0.0
        while True:
            try:
                item = self._queue.get(timeout=FSYNC_EVERY_S)
            except queue.Empty:
                item = b""
            try:
                if item:
                    self._file.write(item)
                now = time.monotonic()
                if item is None or now - last_sync >= FSYNC_EVERY_S:
                    self._file.sync()
                    last_sync = now
            except OSError as exc:
                self.error = _disk_words(exc)
            if item is None:
                return

    def close(self) -> Path:
        """Stop writing, put the real sizes in the header. The manifest stays until the
        recording is linked to its record (`finish`)."""
        self._queue.put(None)
        self._thread.join()
        self._file.close()
        if not self._file.sealed:
            fix_header(self.wav_path, self.fmt)   # a sealed journal's header is fixed in `_adopt`
        return self.wav_path


class _JournalFile:
    """Where the journal's bytes go: a plain WAV file, or sealed chunks of one second of
    sound each (so what a crash can lose is what it always could)."""

    def __init__(self, path: Path, key: bytes | None, chunk: int):
        self._file = open(path, "wb")
        self.sealed = key is not None
        self._sealer = SealedWriter(self._file.write, key, chunk) if key is not None else None

    def write(self, data: bytes) -> None:
        (self._sealer or self._file).write(data)

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._sealer is not None:
            self._sealer.close()
        self.sync()
        self._file.close()


class _FixedWav:
    """A sealed journal's sound read back with the true sizes in its header and a torn last
    frame dropped: what `fix_header` does to a plain journal, without writing plaintext."""

    def __init__(self, plain, fmt: PcmFormat):
        total = plain.seek(0, os.SEEK_END)
        data = max(0, total - HEADER_BYTES)
        data -= data % fmt.frame_bytes
        plain.seek(HEADER_BYTES)
        self._plain, self._head, self._left = plain, wav_header(fmt, data), data

    def read(self, n: int) -> bytes:
        if self._head:
            out, self._head = self._head[:n], self._head[n:]
            return out
        if self._left <= 0:
            return b""
        chunk = self._plain.read(min(n, self._left))
        self._left -= len(chunk)
        return chunk


def _disk_words(exc: OSError) -> str:
    import errno
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ("The disk is full: recording stopped. Everything recorded until now is kept; "
                "free some space before recording again.")
    return f"The recording could not be written ({exc.strerror or exc}); what was recorded is kept."


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fix_header(wav_path: Path, fmt: PcmFormat) -> int:
    """Write the true data size into the header, dropping a torn last frame. Returns the
    audio's length in bytes."""
    size = wav_path.stat().st_size
    data = max(0, size - HEADER_BYTES)
    data -= data % fmt.frame_bytes
    with open(wav_path, "r+b") as fh:
        fh.truncate(HEADER_BYTES + data)
        fh.seek(0)
        fh.write(wav_header(fmt, data))
        fh.flush()
        os.fsync(fh.fileno())
    return data


def _adopt(attachments: AttachmentStore, manifest_path: Path, manifest: dict,
           wav_path: Path) -> StoredFile:
    """Steps 2 and 3: hash the finished file, note the hash, move it into the store."""
    sha = manifest.get("sha256")
    if wav_path.exists() and is_sealed(wav_path):
        with open_sealed(wav_path, attachments.key, tolerant=True) as plain:
            sha, size = attachments.take(_FixedWav(plain, PcmFormat(*manifest["format"])),
                                         manifest["name"])
        manifest = {**manifest, "sha256": sha, "size": size}
        _write_json(manifest_path, manifest)
        wav_path.unlink()
    elif wav_path.exists():
        sha = file_sha256(wav_path)
        manifest = {**manifest, "sha256": sha, "size": wav_path.stat().st_size}
        _write_json(manifest_path, manifest)
        attachments.adopt(wav_path, sha)
    return StoredFile(sha, int(manifest["size"]), manifest["name"], MEDIA_TYPE, "audio",
                      attachments.playing_time_ms(sha))


def link_recording(session: Session, record_id: str, stored: StoredFile) -> str:
    """Step 4, on the writer thread: link unless a crash came after an earlier link."""
    existing = session.scalars(select(Attachment.id).where(
        Attachment.record_id == record_id, Attachment.sha256 == stored.sha256,
        Attachment.deleted_at.is_(None))).first()
    return existing or add_attachment(session, record_id, stored, caption="Recorded in Fieldfolio")


def finish(store, journal: RecordingJournal) -> str:
    """Close and attach a recording that was stopped. Blocks (hashing ~100 MB): run it off
    the GUI thread. Returns the attachment id."""
    journal.close()
    manifest = json.loads(journal.manifest_path.read_text(encoding="utf-8"))
    return _complete(store, journal.manifest_path, manifest)


def _complete(store, manifest_path: Path, manifest: dict) -> str:
    wav_path = manifest_path.with_suffix(".wav")
    stored = _adopt(store.attachments, manifest_path, manifest, wav_path)
    attachment_id = store.write_now(link_recording, manifest["record_id"], stored)
    manifest_path.unlink()
    fsync_dir(manifest_path.parent)
    return attachment_id


@dataclass(frozen=True)
class Interrupted:
    manifest_path: Path
    record_id: str
    name: str
    recorded_ms: int


def interrupted_recordings(attachments: AttachmentStore) -> list[Interrupted]:
    """Recordings left unfinished by a crash (their process has gone)."""
    folder = attachments.journal_dir
    found = []
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue   # a manifest is written atomically; an unreadable one is not ours
        if still_running(int(manifest.get("pid", 0))):
            continue
        fmt = PcmFormat(*manifest["format"])
        wav = path.with_suffix(".wav")
        size = (_sound_bytes(attachments, wav) if wav.exists()
                else int(manifest.get("size", 0)))
        found.append(Interrupted(path, manifest["record_id"], manifest["name"],
                                 fmt.ms_of(max(0, size))))
    return found


def _sound_bytes(attachments: AttachmentStore, wav: Path) -> int:
    if is_sealed(wav):
        if attachments.key is None:
            return 0
        with open_sealed(wav, attachments.key, tolerant=True) as plain:
            return plain.seek(0, os.SEEK_END) - HEADER_BYTES
    return wav.stat().st_size - HEADER_BYTES


def recover(store, interrupted: Interrupted) -> str:
    """Finish a recording a crash interrupted: fix its header and attach it to its record.
    Raises (InvalidInput, RecordLocked, OSError) with the file left in place if it cannot."""
    manifest = json.loads(interrupted.manifest_path.read_text(encoding="utf-8"))
    wav = interrupted.manifest_path.with_suffix(".wav")
    if wav.exists() and not is_sealed(wav):
        fix_header(wav, PcmFormat(*manifest["format"]))
    return _complete(store, interrupted.manifest_path, manifest)


def record_label(session: Session, record_id: str) -> str:
    """'PD-002' for messages about a recovered recording."""
    record = session.get(EvidenceRecord, record_id)
    return record.portfolio_ref if record else "a deleted record"
