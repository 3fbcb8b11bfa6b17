"""The files tab on the IQA's laptop, with a real centre behind it: a discussion recorded on
the assessor's laptop shows as at the centre, not on this laptop; choosing it downloads it
(progress in the tab), after which it is on this laptop and loaded in the player."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer

from app.caseload.demo import load_demo_caseload
from app.evidence.attachments import attach_file
from app.evidence.records import create_record, get_record
from app.sync.engine import run_sync
from server import staff
from tests.server.sync_helpers import enrolled
from tests.server.test_files_over_sync import amelia, discussion_recording
from ui.bridge import Bridge
from ui.evidence.files_panel import FilesPanel


def test_the_iqa_opens_a_recording_made_on_another_laptop(qtbot, centre, laptops, tmp_path):
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    learner, enrolment_id = assessor.read(amelia)
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Complaints")
    attach_file(assessor, record_id, discussion_recording(tmp_path / "discussion.wav", 30))
    enrolled(assessor, centre, "Sam Patel")
    run_sync(assessor)

    iqa = laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, learner.uln, None, iris)
    run_sync(iqa)
    files = FilesPanel(Bridge(iqa))
    qtbot.addWidget(files)
    files.show()
    files.load(iqa.read(get_record, record_id))
    row = next(i for i in range(files.list.count())
               if "discussion.wav" in files.list.item(i).text())
    assert "at the centre, not on this laptop" in files.list.item(row).text()
    assert files.loaded_sha is None   # nothing fetched just by opening the record
    seen = []
    files.fetch.progress.connect(lambda name, percent: seen.append(files.message.text()))
    files.list.setCurrentRow(row)     # choosing it fetches it
    qtbot.waitUntil(lambda: files.loaded_sha is not None, timeout=60_000)
    assert seen and seen[-1] == "Downloading discussion.wav from the centre… 100%"
    row = next(i for i in range(files.list.count())
               if "discussion.wav" in files.list.item(i).text())
    assert files.list.item(row).text().split(" · ")[1].startswith("at the centre")
    qtbot.waitUntil(lambda: files.player.duration() > 29_000, timeout=20_000)
    qtbot.mouseClick(files.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: files.player.playbackState() == QMediaPlayer.PlayingState,
                    timeout=10_000)
    # Paused, not stopped: QMediaPlayer.stop() from Python can deadlock in Qt's FFmpeg
    # backend (caught with py-spy: the main thread, holding the GIL, waits in stop() for a
    # connection lock that a player thread holds while it waits for the GIL to ask PySide's
    # QAudioOutput wrapper about disconnectNotify). It hung CI once; see the stop's note.
    qtbot.mouseClick(files.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: files.player.playbackState() == QMediaPlayer.PausedState,
                    timeout=10_000)
