"""Files sealed in chunks with AES-256-GCM, so a 2 GB video is encrypted and read back
streamed, and a player can seek in it without decrypting what it skips.

Layout: a 20-byte header (magic, a random 7-byte nonce prefix, chunk size), then chunks of
`chunk size` plaintext bytes, each stored as ciphertext plus a 16-byte tag. A chunk's nonce
is the file's prefix, its index and a flag marking the last chunk; the header is bound to
every chunk as associated data. So a chunk cannot be changed, moved, dropped or taken from
another file, and a file cut short is caught (its last chunk is not marked last), without
a separate checksum. Nonces never repeat under one key: each file has a fresh random prefix
and is written once.

A file still being written (the recording journal) has no last chunk yet; opened with
`tolerant=True` it reads every chunk that checks out, which is what a crash leaves (a chunk
torn by the crash is dropped, as the plain journal drops a torn frame).
"""
from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import BinaryIO, Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"FFSEAL1\n"
HEADER = 20
TAG = 16
CHUNK = 64 * 1024


class SealDamaged(OSError):
    """The file was changed, cut short or is not sealed with this key."""


def starts_with(path: Path, magic: bytes) -> bool:
    """Whether the file at `path` begins with `magic` (False if it cannot be read)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(magic)) == magic
    except OSError:
        return False


def is_sealed(path: Path) -> bool:
    return starts_with(path, MAGIC)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class SealedWriter:
    """Writes plaintext given in any pieces as sealed chunks to `raw` (a file opened for
    binary writing, or a writer function). `close()` seals the last chunk; without it the
    file is an unfinished journal."""

    def __init__(self, write: Callable[[bytes], object], key: bytes, chunk: int = CHUNK):
        self._write = write
        self._aead = AESGCM(key)
        self._prefix = os.urandom(7)
        self.header = MAGIC + self._prefix + b"\0" + struct.pack(">I", chunk)
        self._chunk = chunk
        self._buffer = bytearray()
        self._index = 0
        self.closed = False
        self._write(self.header)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._chunk + 1:   # keep one byte back: the last chunk is sealed at close
            self._seal(bytes(self._buffer[:self._chunk]), last=False)
            del self._buffer[:self._chunk]

    def close(self) -> None:
        if not self.closed:
            if len(self._buffer) > self._chunk:
                self._seal(bytes(self._buffer[:self._chunk]), last=False)
                del self._buffer[:self._chunk]
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self.closed = True

    def _seal(self, plain: bytes, last: bool) -> None:
        self._write(self._aead.encrypt(_nonce(self._prefix, self._index, last), plain,
                                       self.header))
        self._index += 1


class SealedReader(io.RawIOBase):
    """The plaintext of a sealed file, seekable. Reads raise SealDamaged if a chunk does not
    check out."""

    def __init__(self, fh: BinaryIO, key: bytes, *, tolerant: bool = False, name: str = ""):
        self._fh = fh
        self._name = name or getattr(fh, "name", "file")
        header = fh.read(HEADER)
        if len(header) != HEADER or header[:len(MAGIC)] != MAGIC:
            raise SealDamaged(f"{self._name} is not an encrypted Fieldfolio file")
        self._header = header
        self._prefix = header[8:15]
        self._chunk = struct.unpack(">I", header[16:20])[0]
        self._aead = AESGCM(key)
        body = fh.seek(0, os.SEEK_END) - HEADER
        stored = self._chunk + TAG
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None
        self._chunks = max(1, -(-body // stored))
        self._last_flag = True
        if tolerant:
            self._find_end()
        else:
            self._size = body - self._chunks * TAG
            if self._size < 0:
                raise SealDamaged(f"{self._name} has been cut short")

    def _find_end(self) -> None:
        """The last chunk that checks out, sealed as last (a finished file) or not (a journal
        a crash interrupted); a torn chunk after it is ignored."""
        while self._chunks > 0:
            index = self._chunks - 1
            for flag in (True, False):
                self._last_flag = flag
                try:
                    plain = self._open_chunk(index)
                except SealDamaged:
                    continue
                self._size = index * self._chunk + len(plain)
                return
            self._chunks -= 1
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        index, start = divmod(self._pos, self._chunk)
        plain = self._open_chunk(index)
        n = min(len(buffer), len(plain) - start)
        buffer[:n] = plain[start:start + n]
        self._pos += n
        return n

    def _open_chunk(self, index: int) -> bytes:
        if self._cached and self._cached[0] == index:
            return self._cached[1]
        stored = self._chunk + TAG
        self._fh.seek(HEADER + index * stored)
        data = self._fh.read(stored)
        last = index == self._chunks - 1 and self._last_flag
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, last), data, self._header)
        except InvalidTag:
            raise SealDamaged(f"{self._name} has been changed or damaged (part {index + 1}), or "
                              f"it was not sealed with this data folder's key") from None
        self._cached = (index, plain)
        return plain

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()


def open_sealed(path: Path, key: bytes, *, tolerant: bool = False) -> io.BufferedReader:
    """The plaintext of the sealed file at `path`, as a buffered, seekable binary file."""
    fh = open(path, "rb")
    try:
        raw = SealedReader(fh, key, tolerant=tolerant, name=Path(path).name)
    except BaseException:
        fh.close()
        raise
    return io.BufferedReader(raw, buffer_size=raw._chunk)


def seal_bytes(plain: bytes, key: bytes) -> bytes:
    """A small secret (the signing key) sealed whole, in the same format."""
    out = bytearray()
    writer = SealedWriter(out.extend, key)
    writer.write(plain)
    writer.close()
    return bytes(out)


def open_bytes(data: bytes, key: bytes) -> bytes:
    raw = SealedReader(io.BytesIO(data), key, name="key file")
    return raw.readall()
