"""A hand-edited attachment row whose hash names a path ('../../..') never reaches outside
the data folder: viewing refuses it in words and no folder is created outside."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.evidence.attachment_store import AttachmentFailed, AttachmentStore
from app.evidence.attachments import attach_file, attachments_of
from app.evidence.records import create_record
from evidence_helpers import enrolment_with_rules

HOSTILE = ["../../../../../../tmp/fieldfolio-escape", "/etc/passwd", "ab", "A" * 64,
           "../" + "0" * 61]


@pytest.mark.parametrize("sha", HOSTILE)
def test_a_hash_that_is_not_a_sha256_names_no_path(tmp_path, sha):
    files = AttachmentStore(tmp_path / "attachments")
    with pytest.raises(AttachmentFailed) as refused:
        files.viewable_copy(sha, "report.pdf")
    assert "damaged" in str(refused.value)
    with pytest.raises(AttachmentFailed):
        files.open(sha)
    assert not files.exists(sha) and not files.verify(sha)
    assert not (tmp_path / "attachments").exists()


def test_a_name_of_dots_is_not_the_view_folder(tmp_path):
    source = tmp_path / "evidence.txt"
    source.write_bytes(b"evidence")
    files = AttachmentStore(tmp_path / "attachments")
    stored = files.import_file(source)
    path = files.viewable_copy(stored.sha256, "..")
    assert path.is_file() and path.read_bytes() == b"evidence"


def test_the_files_tab_says_so_and_keeps_the_entry(qtbot, demo_store, tmp_path):
    from tests.evidence.window_helpers import evidence_window
    enrolment_id, learner_id, *_ = demo_store.read(enrolment_with_rules)
    record_id = demo_store.write_now(create_record, enrolment_id, "P")
    source = tmp_path / "rota.txt"
    source.write_text("Saturday rota, signed by the duty manager")
    attachment_id = attach_file(demo_store, record_id, source)
    con = sqlite3.connect(demo_store.db_path)
    con.execute("UPDATE attachment SET sha256 = ? WHERE id = ?",
                ("../../../../../../../tmp/fieldfolio-escape", attachment_id))
    con.commit()
    con.close()
    window = evidence_window(qtbot, demo_store, learner_id)
    panel = window.page.evidence
    panel._open_record(record_id)
    files = panel.editor.files
    files.load(panel.editor.record)
    assert files.list.count() == 1
    files.list.setCurrentRow(0)
    files.open_selected()
    assert "damaged" in files.message.text()
    assert not Path("/tmp/fieldfolio-escape").exists()
    assert [v.id for v in demo_store.read(attachments_of, record_id)] == [attachment_id]
    window.close()
