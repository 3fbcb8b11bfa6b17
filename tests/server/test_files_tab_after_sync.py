"""The open record's files tab follows the sync: once the centre has taken a record and its
files, every file line says "at the centre" without the assessor clicking anything (they
said "waiting to go to the centre" until another record was clicked)."""
from __future__ import annotations

from app.caseload.demo import load_demo_caseload
from app.evidence.attachments import attach_file
from app.evidence.records import create_record
from app.transfer.file_states import AT_CENTRE, WAITING
from tests.server.sync_helpers import enrolled
from tests.server.test_files_over_sync import amelia
from ui.main_window import MainWindow


def _file_lines(window) -> list[str]:
    files = window.page.evidence.editor.files.list
    return [files.item(i).text().splitlines()[1] for i in range(files.count())]


def test_the_open_files_tab_says_at_the_centre_after_a_sync(qtbot, centre, laptops, tmp_path):
    laptop = laptops("assessor")
    laptop.write_now(load_demo_caseload)
    learner, enrolment_id = laptop.read(amelia)
    record_id = laptop.write_now(create_record, enrolment_id, "Obs", title="Till work")
    for name in ("till-photo-1.jpg", "till-notes.txt"):
        (tmp_path / name).write_bytes(name.encode() * 400)
        attach_file(laptop, record_id, tmp_path / name)
    enrolled(laptop, centre, "Sam Patel")

    window = MainWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "Connected to" in window.sync_area.headline.text(), timeout=10_000)
    window.open_learner(learner.id)
    evidence = window.page.evidence
    window.page.tabs.setCurrentWidget(evidence)
    evidence.select_record(record_id)
    evidence.editor.tabs.setCurrentWidget(evidence.editor.files)
    qtbot.waitUntil(lambda: len(_file_lines(window)) == 2, timeout=10_000)
    assert all(line.endswith(WAITING) for line in _file_lines(window)), _file_lines(window)

    window.sync_area.sync_now()
    qtbot.waitUntil(lambda: window.sync_area.last_result.startswith("Synced:"), timeout=90_000)
    qtbot.waitUntil(lambda: all(line.endswith(AT_CENTRE) for line in _file_lines(window)),
                    timeout=10_000)
    assert evidence.current_record_id() == record_id      # still the same record, unclicked
    assert evidence.editor.tabs.currentWidget() is evidence.editor.files
