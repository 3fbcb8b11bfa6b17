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
