"""The files step of a sync from a real laptop store: only the files the centre lacks go up,
the same file on two records goes once, progress counts files waiting and bytes to go."""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select

from app.evidence.attachments import attach_file
from app.models.evidence import EvidenceRecord
from app.transfer.outgoing import files_in_use, send_files

sys.path.insert(0, str(Path(__file__).parent))
from transfer_helpers import client, make_file, on_disk, stored_sha  # noqa: E402

MB = 1024 * 1024


def draft_records(store, n):
    return store.read(lambda s: s.scalars(select(EvidenceRecord.id).where(
        EvidenceRecord.state != "signed", EvidenceRecord.deleted_at.is_(None))
        .order_by(EvidenceRecord.portfolio_ref).limit(n)).all())


def test_only_what_the_centre_lacks_goes_up_once(demo_store, tmp_path, centre):
    first, second = draft_records(demo_store, 2)
    video, video_sha = make_file(tmp_path / "camera", 3 * MB, seed=1)
    photo, photo_sha = make_file(tmp_path / "camera", 200_000, seed=2)
    attach_file(demo_store, first, video)
    attach_file(demo_store, second, video)   # the same clip on two records
    attach_file(demo_store, second, photo)
    in_use = {f.sha256 for f in demo_store.read(files_in_use)}
    assert {video_sha, photo_sha} <= in_use
    seen = []
    with client(centre.url) as http:
        report = send_files(http, demo_store, progress=seen.append, chunk_size=MB)
    assert sorted(report.sent) == sorted(in_use)  # the demo's own photos too, each once
    assert len(report.sent) == len(set(report.sent))
    for sha in (video_sha, photo_sha):
        assert stored_sha(on_disk(centre.root, sha)) == sha
    assert seen[0].files_waiting == len(in_use)
    assert seen[0].bytes_to_go == sum(f.size for f in demo_store.read(files_in_use))
    assert any(p.sending == video_sha and 0 < p.percent < 100 for p in seen)
    assert (seen[-1].files_waiting, seen[-1].bytes_to_go) == (0, 0)
    with client(centre.url) as http:
        again = send_files(http, demo_store)
    assert again.sent == [] and again.already_there == len(in_use)


def test_a_centre_gone_mid_file_stops_the_files_step_not_file_by_file(demo_store, tmp_path,
                                                                      centre):
    """Each file retries a dying connection for half a minute; once one has given up and the
    centre does not answer at all, the others wait for the next sync instead of each
    spending their own half minute (twenty files hung a sync for ten minutes)."""
    first, second = draft_records(demo_store, 2)
    video, video_sha = make_file(tmp_path / "camera", 4 * MB, seed=3)
    photo, photo_sha = make_file(tmp_path / "camera", 300_000, seed=4)
    attach_file(demo_store, first, video)
    attach_file(demo_store, second, photo)    # attached after: queued after the video

    def kill_mid_video(p):
        seen.append(p)
        if p.sending == video_sha and p.sending_done > 0:
            centre.kill()
    seen = []
    with client(centre.url) as http:
        report = send_files(http, demo_store, progress=kill_mid_video, chunk_size=MB,
                            pause=0.01)
    assert video_sha not in report.sent and photo_sha not in report.sent
    assert not any(p.sending == photo_sha for p in seen)   # never started
    assert report.failed[-1] == ("The centre stopped answering, so 1 more file waits on this "
                                 "laptop for the next sync.")
    assert demo_store.read(lambda s: {f.sha256 for f in files_in_use(s)}) >= {video_sha,
                                                                               photo_sha}
