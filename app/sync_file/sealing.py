"""Why a sync file (format version 2) is encrypted, and how.

A USB stick is easily lost, and a sync file holds learners' personal data, their evidence
photos and recordings: the laptop keeps all of that encrypted at rest, so the stick must too.
Every entry of the ZIP (the changes, each evidence file, and the list of entries itself) is
sealed in the laptop's at-rest format (`app.safekeeping.sealed`: AES-256-GCM in chunks,
streamed, so a multi-GB video is never in memory, and a changed, moved or cut chunk fails).

The key: HKDF-SHA256 over the laptop's device token hash, with a fresh random salt per sync
file and info naming the format, the direction and the device. The centre stores only that
hash (from enrolment), the laptop computes it from its token (kept in its encrypted
database): the same secret the centre's HMAC seal already uses, so no new secret has to be
exchanged, and a thief with only the stick has nothing to derive it from. The fresh salt gives
each sync file its own key, so the chunks' random nonces never meet another file's under one
key.
"""
from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.safekeeping.sealed import SealDamaged, SealedReader, SealedWriter, open_bytes, seal_bytes

CIPHER = "aes-256-gcm-chunks"   # app.safekeeping.sealed's format
KDF = "hkdf-sha256"
KEYED_BY = "device token hash"
CHUNK = 1024 * 1024             # few, large chunks: the stick is written and read in order


def new_salt() -> bytes:
    return os.urandom(16)


def entry_key(token_hash: str, salt: bytes, direction: str, device_id: str) -> bytes:
    """The 256-bit key sealing one sync file's entries."""
    info = f"fieldfolio-sync-file v2 {direction} {device_id}".encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=info).derive(bytes.fromhex(token_hash))


def sealing_note(salt: bytes) -> dict:
    """What the manifest says about how its entries are sealed (no secret in it)."""
    return {"cipher": CIPHER, "chunk": CHUNK, "kdf": KDF, "keyed_by": KEYED_BY,
            "salt": salt.hex()}


class EntrySealer:
    """Seals plaintext written in any pieces into one ZIP entry; counts what it stores."""

    def __init__(self, out, key: bytes):
        self.stored = 0
        self._out = out
        self._writer = SealedWriter(self._put, key, chunk=CHUNK)

    def _put(self, data: bytes) -> None:
        self._out.write(data)
        self.stored += len(data)

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    def close(self) -> None:
        self._writer.close()


def seal_index(entries: list[dict], key: bytes) -> str:
    """The entries' names, sizes and SHA-256s, sealed, as text for the manifest."""
    plain = json.dumps(entries, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return seal_bytes(plain, key).hex()


def open_index(sealed_hex: str, key: bytes) -> list[dict]:
    """Raises SealDamaged when the key is not the one it was sealed with."""
    try:
        sealed = bytes.fromhex(sealed_hex)
    except (TypeError, ValueError):
        raise SealDamaged("the list of entries is damaged") from None
    return json.loads(open_bytes(sealed, key))


class _Span(io.RawIOBase):
    """A byte range of a file, as a file of its own: a stored (uncompressed) ZIP entry's data,
    which SealedReader reads chunk by chunk without going through the ZIP reader."""

    def __init__(self, fh, start: int, length: int):
        self._fh, self._start, self._length, self._pos = fh, start, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = min(max(0, base + offset), self._length)
        return self._pos

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self._length - self._pos)
        if n <= 0:
            return 0
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()


def _data_start(fh, info: zipfile.ZipInfo) -> int:
    """Where an entry's bytes begin: after its local header (whose name and extra field
    lengths may differ from the central directory's)."""
    fh.seek(info.header_offset)
    header = fh.read(zipfile.sizeFileHeader)
    if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
        raise SealDamaged(f"{info.filename}'s header is damaged")
    fields = struct.unpack(zipfile.structFileHeader, header)
    return (info.header_offset + zipfile.sizeFileHeader
            + fields[zipfile._FH_FILENAME_LENGTH] + fields[zipfile._FH_EXTRA_FIELD_LENGTH])


def open_sealed_entry(path: Path, info: zipfile.ZipInfo, key: bytes) -> io.BufferedReader:
    """The plaintext of one sealed entry, streamed. Reads raise SealDamaged (an OSError) if a
    chunk was changed, cut or sealed with another key."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise SealDamaged(f"{info.filename} is not stored as Fieldfolio writes it")
    fh = open(path, "rb")
    try:
        span = _Span(fh, _data_start(fh, info), info.compress_size)
        raw = SealedReader(span, key, name=info.filename)
    except BaseException:
        fh.close()
        raise
    return io.BufferedReader(raw, buffer_size=CHUNK)
