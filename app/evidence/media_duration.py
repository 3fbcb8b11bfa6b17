"""How long an audio or video file plays, read from its header without decoding it.

C&G 2794 caps the video clips in a portfolio at ten minutes in total, so the playing time of
each clip is recorded when it is attached. Phones and cameras write MP4, MOV, M4A or 3GP
(all ISO base media files: the length is in the 'mvhd' box inside 'moov'); voice recorders
and Fieldfolio's own recorder write WAV (the data size over the byte rate). Only the few
headers on the way are read: boxes are skipped by seeking, so a 2 GB video whose 'moov'
sits after its media data costs a handful of small reads.

Anything else, or a file whose header does not add up (a copy cut short, a camera that
stopped before writing its index), gives None: the length is then unknown, never guessed,
and the window may measure it when the file is played.
"""
from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

# Boxes a QuickTime or MP4 file may start with (old QuickTime files have no 'ftyp').
_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_UNKNOWN_32 = 0xFFFFFFFF
_UNKNOWN_64 = 0xFFFFFFFFFFFFFFFF


class _Damaged(Exception):
    """The header contradicts itself or the file ends too soon."""


def playing_time_ms(path: Path | str) -> int | None:
    """Milliseconds of playing time, or None if this is not a file whose length can be read
    here (or it is damaged). Never raises."""
    try:
        with open(path, "rb") as fh:
            return playing_time_of(fh)
    except OSError:
        return None


def playing_time_of(fh: BinaryIO) -> int | None:
    """As `playing_time_ms`, for a seekable binary file already open (the attachment store
    hands out its plaintext this way)."""
    try:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(0)
        head = fh.read(12)
        if len(head) < 12:
            return None
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            return _wav(fh, size)
        if head[4:8] in _FIRST_BOXES:
            return _iso_media(fh, size)
    except (OSError, ValueError, OverflowError, struct.error, _Damaged):
        return None
    return None


def _read(fh: BinaryIO, n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise _Damaged
    return data


def _ms(duration: int, per_second: int) -> int:
    return (duration * 1000 + per_second // 2) // per_second


# -- ISO base media (MP4, MOV, M4A, 3GP) ---------------------------------------------------

def _boxes(fh: BinaryIO, start: int, end: int):
    """(type, payload start, box end) of each box between start and end, seeking past the
    payloads; a box that claims to run past its parent means the file is damaged."""
    at = start
    while at + 8 <= end:
        fh.seek(at)
        size, kind = struct.unpack(">I4s", _read(fh, 8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", _read(fh, 8))[0]
            header = 16
        elif size == 0:          # "to the end of the file": only the last box may say so
            size = end - at
        if size < header or at + size > end:
            raise _Damaged
        yield kind, at + header, at + size
        at += size


def _child(fh: BinaryIO, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, payload, box_end in _boxes(fh, start, end):
        if found == kind:
            return payload, box_end
    return None


def _iso_media(fh: BinaryIO, size: int) -> int | None:
    # Every top-level box is walked, not just up to 'moov': a copy cut short then shows
    # as a box running past the end, even when the index itself came through whole.
    moov = None
    for kind, payload, box_end in _boxes(fh, 0, size):
        if kind == b"moov" and moov is None:
            moov = (payload, box_end)
    if moov is None:
        return None
    mvhd = _child(fh, *moov, b"mvhd")
    if mvhd is None:
        raise _Damaged
    fh.seek(mvhd[0])
    version = _read(fh, 4)[0]
    if version == 1:
        _, _, timescale, duration = struct.unpack(">QQIQ", _read(fh, 28))
        unknown = _UNKNOWN_64
    elif version == 0:
        _, _, timescale, duration = struct.unpack(">IIII", _read(fh, 16))
        unknown = _UNKNOWN_32
    else:
        return None
    if timescale == 0:
        raise _Damaged
    if duration in (0, unknown):
        # A fragmented file (some cameras stream to disk this way) gives its length in
        # 'mvex'/'mehd' instead, in the same timescale.
        duration = _fragmented_duration(fh, *moov)
        if duration is None:
            return None
    return _ms(duration, timescale)


def _fragmented_duration(fh: BinaryIO, start: int, end: int) -> int | None:
    mvex = _child(fh, start, end, b"mvex")
    mehd = _child(fh, *mvex, b"mehd") if mvex else None
    if mehd is None:
        return None
    fh.seek(mehd[0])
    version = _read(fh, 4)[0]
    duration = struct.unpack(">Q" if version == 1 else ">I", _read(fh, 8 if version == 1 else 4))[0]
    return duration or None


# -- WAV ----------------------------------------------------------------------------------

def _wav(fh: BinaryIO, size: int) -> int | None:
    byte_rate = None
    at = 12
    while at + 8 <= size:
        fh.seek(at)
        kind, length = struct.unpack("<4sI", _read(fh, 8))
        if kind == b"fmt ":
            if length < 16:
                raise _Damaged
            _, _, _, byte_rate = struct.unpack("<HHII", _read(fh, 12))
        elif kind == b"data":
            if byte_rate is None or byte_rate == 0:
                raise _Damaged
            present = size - (at + 8)
            # A header still holding a recorder's placeholder (0 or "unknown") while sound
            # follows, or a size past the end of the file, is not the length of this file.
            if length == _UNKNOWN_32 or length > present or (length == 0 and present > 0):
                raise _Damaged
            return _ms(length, byte_rate)
        at += 8 + length + (length & 1)   # chunks are padded to an even size
    return None
