"""Reading how long a clip plays from its header, and saying "unknown" rather than guessing."""
from __future__ import annotations

import os
import struct
import tracemalloc

import pytest

from app.evidence.media_duration import playing_time_ms
from media_files import box, mp4, mvhd, write_au, write_mp4, write_wav


@pytest.mark.parametrize("version", [0, 1])
def test_mp4_movie_header_gives_the_length(tmp_path, version):
    clip = write_mp4(tmp_path / "greeting-customer.mp4", 150.5, version=version, timescale=600)
    assert playing_time_ms(clip) == 150_500


def test_quicktime_with_index_after_the_media_and_odd_timescale(tmp_path):
    # iPhones write .mov with brand "qt  "; many cameras put 'moov' after 'mdat'
    clip = write_mp4(tmp_path / "till.MOV", 62.0, brand=b"qt  ", timescale=90_000,
                     moov_first=False)
    assert playing_time_ms(clip) == 62_000


def test_voice_memo_m4a_and_64_bit_media_box(tmp_path):
    memo = write_mp4(tmp_path / "memo.m4a", 9.25, brand=b"M4A ", timescale=44_100,
                     large_mdat=True, version=1)
    assert playing_time_ms(memo) == 9_250


def test_fragmented_mp4_takes_the_length_from_mehd(tmp_path):
    ftyp = box(b"ftyp", b"iso6" + bytes(4) + b"iso6")
    mehd = box(b"mehd", bytes(4) + (45 * 1000).to_bytes(4, "big"))
    moov = box(b"moov", mvhd(0, 1000) + box(b"mvex", mehd))
    path = tmp_path / "stream.mp4"
    path.write_bytes(ftyp + moov + box(b"moof", bytes(16)) + box(b"mdat", bytes(64)))
    assert playing_time_ms(path) == 45_000


def test_wav_length_is_data_size_over_byte_rate(tmp_path):
    assert playing_time_ms(write_wav(tmp_path / "discussion.wav", 3.5)) == 3_500
    assert playing_time_ms(write_wav(tmp_path / "stereo.wav", 1.0, rate=44_100, channels=2)) == 1_000


def test_big_video_is_not_read_whole(tmp_path):
    path = tmp_path / "long.mp4"
    size = 300 * 1024 * 1024
    with open(path, "wb") as fh:         # 300 MB of media data before the index (sparse)
        fh.write(box(b"ftyp", b"isom" + bytes(8)))
        fh.write(struct.pack(">I4s", 8 + size, b"mdat"))
        fh.seek(size, os.SEEK_CUR)
        fh.write(box(b"moov", mvhd(600 * 600, 600)))
    tracemalloc.start()
    try:
        assert playing_time_ms(path) == 600_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024


@pytest.mark.parametrize("cut", [20, 60, 150, -100])
def test_mp4_cut_short_is_unknown_not_guessed(tmp_path, cut):
    whole = mp4(30.0)
    path = tmp_path / "copy-interrupted.mp4"
    path.write_bytes(whole[:cut])
    assert playing_time_ms(path) is None


def test_wav_cut_short_or_never_finished_is_unknown(tmp_path):
    whole = write_wav(tmp_path / "whole.wav", 2.0).read_bytes()
    short = tmp_path / "short.wav"
    short.write_bytes(whole[:-1000])
    assert playing_time_ms(short) is None
    placeholder = tmp_path / "placeholder.wav"   # a recorder's header before it is finished
    placeholder.write_bytes(whole[:40] + (0).to_bytes(4, "little") + whole[44:])
    assert playing_time_ms(placeholder) is None


def test_other_files_are_unknown(tmp_path):
    assert playing_time_ms(write_au(tmp_path / "old-dictaphone.au", 2.0)) is None
    (tmp_path / "notes.txt").write_text("Greeted the customer by name")
    assert playing_time_ms(tmp_path / "notes.txt") is None
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert playing_time_ms(tmp_path / "empty.mp4") is None
    (tmp_path / "noise.mp4").write_bytes(os.urandom(5000))
    assert playing_time_ms(tmp_path / "noise.mp4") is None
    assert playing_time_ms(tmp_path / "not-there.mp4") is None
    assert playing_time_ms(tmp_path) is None


def test_header_with_nonsense_values_is_unknown(tmp_path):
    ftyp = box(b"ftyp", b"isom" + bytes(8))
    no_timescale = tmp_path / "zero.mp4"
    no_timescale.write_bytes(ftyp + box(b"moov", mvhd(5000, 0)))
    assert playing_time_ms(no_timescale) is None
    unknown = tmp_path / "unknown.mp4"
    unknown.write_bytes(ftyp + box(b"moov", mvhd(0xFFFFFFFF, 600)))
    assert playing_time_ms(unknown) is None
    no_header = tmp_path / "nomvhd.mp4"
    no_header.write_bytes(ftyp + box(b"moov", box(b"trak")))
    assert playing_time_ms(no_header) is None
    loop = tmp_path / "zero-size-box.mp4"    # a box of size 4 would never advance
    loop.write_bytes(ftyp + (4).to_bytes(4, "big") + b"moov" + bytes(100))
    assert playing_time_ms(loop) is None
