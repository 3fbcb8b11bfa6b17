"""The checksums a chunk of an upload may carry (tus checksum extension), worked out the same
way on the laptop and at the centre.

A chunk's checksum only has to catch bytes damaged on the way; the whole file's SHA-256 (its
name in the store, checked by the centre before the file is stored) is the guarantee. So the
cheapest one both ends know is used, in this order of preference:

- `xxh3-64`: XXH3, 64 bits, at tens of GB/s (a few milliseconds per GB on either side).
- `crc32`: zlib's CRC-32, about 4 GB/s here: a centre or laptop from before xxh3-64.
- `sha256`, `sha1`, `md5`: what the first centres took; hashlib's.

Each has hashlib's update/digest and a `name`; a digest is sent base64 in Upload-Checksum
(XXH3's and the CRC's as their big-endian bytes).
"""
from __future__ import annotations

import hashlib
import zlib

import xxhash


class Crc32:
    name = "crc32"

    def __init__(self):
        self._value = 0

    def update(self, data) -> None:
        self._value = zlib.crc32(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(4, "big")


class Xxh3:
    name = "xxh3-64"

    def __init__(self):
        self._hash = xxhash.xxh3_64()

    def update(self, data) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.digest()  # XXH3's canonical form: big-endian


def chunk_checksum(algorithm: str):
    """A running checksum named as in Upload-Checksum (lower case)."""
    if algorithm == "xxh3-64":
        return Xxh3()
    if algorithm == "crc32":
        return Crc32()
    return hashlib.new(algorithm)
