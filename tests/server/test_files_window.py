"""The files tab on the IQA's laptop, with a real centre behind it: a discussion recorded on
the assessor's laptop shows as at the centre, not on this laptop; choosing it downloads it
(progress in the tab), after which it is on this laptop and loaded in the player."""
from __future__ import annotations

import pytest
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


def recorded_then_at_the_iqa(centre, laptops, recordings):
    """Amelia's professional discussion with these recordings, made on Sam Patel's laptop and
    synced; Iris Khan's IQA laptop enrolled, assigned Amelia and synced (files not fetched).
    Returns (the IQA's store, Amelia, the record's id)."""
    assessor = laptops("assessor")
    assessor.write_now(load_demo_caseload)
    learner, enrolment_id = assessor.read(amelia)
    record_id = assessor.write_now(create_record, enrolment_id, "PD", title="Complaints")
    for recording in recordings:
        attach_file(assessor, record_id, recording)
    enrolled(assessor, centre, "Sam Patel")
    run_sync(assessor)
    iqa = laptops("iqa")
    iris = enrolled(iqa, centre, "Iris Khan", "iqa")
    centre.admin(staff.assign, learner.uln, None, iris)
    run_sync(iqa)
    return iqa, learner, record_id


def test_the_iqa_opens_a_recording_made_on_another_laptop(qtbot, centre, laptops, tmp_path):
    iqa, _learner, record_id = recorded_then_at_the_iqa(
        centre, laptops, [discussion_recording(tmp_path / "discussion.wav", 30)])
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
    assert files.list.item(row).text().splitlines()[1].strip().startswith("at the centre")
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


@pytest.fixture
def app_style(qapp):
    """The application's style sheet, as the real window has it: under it the player sits
    below the file list at 1280×720."""
    from app import paths
    before = qapp.styleSheet()
    qapp.setStyleSheet((paths.resources_dir() / "style.qss").read_text(encoding="utf-8"))
    yield
    qapp.setStyleSheet(before)


def test_opening_one_of_two_recordings_brings_the_player_into_view_and_names_it(
        qtbot, centre, laptops, tmp_path, app_style):
    """At 1280×720 the player is below the file list: Open downloaded the recording and
    nothing seemed to happen; with two visits recorded the player did not say which."""
    from tests.ui.test_fits_a_laptop import WINDOW
    from ui.main_window import MainWindow
    iqa, learner, record_id = recorded_then_at_the_iqa(centre, laptops, [
        discussion_recording(tmp_path / name, seconds) for seconds, name in enumerate(
            ("discussion-first-visit.wav", "discussion-second-visit.wav"), start=3)])

    window = MainWindow(iqa)
    qtbot.addWidget(window)
    window.show()
    window.resize(WINDOW)
    window.open_learner(learner.id)
    evidence = window.page.evidence
    window.page.tabs.setCurrentWidget(evidence)
    evidence.select_record(record_id)
    files = evidence.editor.files
    evidence.editor.tabs.setCurrentWidget(files)
    qtbot.waitUntil(lambda: files.list.count() == 2, timeout=10_000)
    qtbot.wait(50)
    assert files.play_button.visibleRegion().isEmpty()      # below the fold at first

    second = next(i for i in range(files.list.count())
                  if "second-visit" in files.list.item(i).text())
    files.list.setCurrentRow(second)
    qtbot.mouseClick(files.open_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: files.loaded_name == "discussion-second-visit.wav", timeout=60_000)
    qtbot.waitUntil(lambda: files.play_button.visibleRegion().boundingRect().size()
                    == files.play_button.size(), timeout=5000)
    assert files.playing_label.isVisible()
    assert files.playing_label.text() == "In the player: discussion-second-visit.wav"
    assert not files.playing_label.visibleRegion().isEmpty()
