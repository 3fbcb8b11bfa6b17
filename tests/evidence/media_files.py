"""Small but real audio and video files for tests: MP4/MOV box structures written byte by
byte (as a phone writes them), WAV through the standard library, and Sun AU (a format
Fieldfolio does not read itself, but Qt Multimedia plays)."""
from __future__ import annotations

import struct
import wave
from pathlib import Path


def box(kind: bytes, payload: bytes = b"", large: bool = False) -> bytes:
    if large:   # 64-bit size, as files over 4 GB use
        return struct.pack(">I4sQ", 1, kind, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mvhd(duration: int, timescale: int, version: int = 0) -> bytes:
    if version == 1:
        times = struct.pack(">QQIQ", 3_700_000_000, 3_700_000_000, timescale, duration)
    else:
        times = struct.pack(">IIII", 3_700_000_000, 3_700_000_000, timescale, duration)
    # rate, volume, reserved, matrix, pre-defined, next track id: what a real mvhd carries
    rest = struct.pack(">IH10x", 0x00010000, 0x0100) + bytes(36) + bytes(24) + struct.pack(">I", 2)
    return box(b"mvhd", bytes([version, 0, 0, 0]) + times + rest)


def mp4(seconds: float, *, version: int = 0, timescale: int = 600, moov_first: bool = True,
        brand: bytes = b"isom", media: bytes = b"\x00" * 4096, large_mdat: bool = False) -> bytes:
    """An MP4 whose movie header says `seconds`; the media data is filler."""
    ftyp = box(b"ftyp", brand + struct.pack(">I", 512) + brand + b"mp41")
    trak = box(b"trak", box(b"tkhd", bytes(84)))
    moov = box(b"moov", mvhd(round(seconds * timescale), timescale, version) + trak)
    mdat = box(b"mdat", media, large=large_mdat)
    return ftyp + (moov + box(b"free") + mdat if moov_first else mdat + moov)


def write_mp4(path: Path, seconds: float, **kwargs) -> Path:
    path.write_bytes(mp4(seconds, **kwargs))
    return path


def write_wav(path: Path, seconds: float, rate: int = 8000, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * channels * round(rate * seconds))
    return path


def write_au(path: Path, seconds: float, rate: int = 8000) -> Path:
    """Sun/NeXT audio: 16-bit big-endian PCM, mono."""
    samples = round(rate * seconds)
    header = struct.pack(">4sIIIII", b".snd", 24, samples * 2, 3, rate, 1)
    path.write_bytes(header + b"\x00\x00" * samples)
    return path
