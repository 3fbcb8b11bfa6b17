"""After a cut upload the status bar counts what is still to go: the resume book keeps how
much the centre acknowledged, and a 4 MB recording of which 2 MB already went counts 2 MB to
go, not 4 MB (a tester saw 96.1 MB to send with 40 MB of it at the centre)."""
from __future__ import annotations

import pytest

from app.evidence.attachments import attach_file
from app.evidence.records import create_record
from app.models import Enrolment
from app.models.evidence import Attachment
from app.sync import state
from app.transfer.laptop_files import attachments_of_store
from app.transfer.outgoing import resume_book
from app.transfer.upload import TransferCancelled, upload_file
from tests.transfer.transfer_helpers import client

MB = 1024 * 1024


def test_a_cut_upload_counts_only_the_bytes_still_to_go(demo_store, centre, tmp_path):
    store = demo_store
    enrolment_id = store.read(lambda s: s.query(Enrolment).first().id)
    record_id = store.write_now(create_record, enrolment_id, "PD", title="Complaints")

    def connected(session):
        for key, value in dict(url=centre.url, token="t", centre_name="Riverside").items():
            state.put(session, key, value)
    store.write_now(connected)
    demo = store.read(state.status)          # the demo's own small photos wait too
    recording = tmp_path / "discussion.wav"
    recording.write_bytes(bytes(range(256)) * (4 * MB // 256))
    attach_file(store, record_id, recording)
    before = store.read(state.status)
    assert before.files_waiting == demo.files_waiting + 1
    assert before.file_bytes_to_go == demo.file_bytes_to_go + 4 * MB

    sha = store.read(lambda s: s.query(Attachment).filter_by(record_id=record_id).one().sha256)
    sent = []
    with client(centre.url) as http, pytest.raises(TransferCancelled):
        upload_file(http, sha, attachments_of_store(store), resume_book(store.data_dir),
                    chunk_size=MB, progress=lambda done, _total: sent.append(done),
                    cancelled=lambda: bool(sent) and sent[-1] >= 2 * MB)

    after = store.read(state.status)
    assert after.file_bytes_waiting == before.file_bytes_waiting
    assert after.file_bytes_at_centre == 2 * MB
    assert after.file_bytes_to_go == before.file_bytes_to_go - 2 * MB
    files = f"{after.files_waiting} files"
    assert f"{files} ({state.amount(after.file_bytes_to_go)} to go) waiting" in after.bar_words()
    assert (f"({state.amount(after.file_bytes_waiting)}, 2.0 MB of it already at the centre) "
            f"to send") in after.headline()
