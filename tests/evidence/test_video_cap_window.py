"""The video cap as the assessor meets it: attaching a clip that takes a C&G 2794 portfolio
over ten minutes warns and keeps the file; a clip whose length Fieldfolio cannot read is
measured by the window's player; the visit plan says where the portfolio stands."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.evidence.attachments import attachments_of
from evidence_helpers import fresh_2794_enrolment
from media_files import write_au, write_mp4
from tests.evidence.window_helpers import evidence_window, new_record

OVER = "Video clips: 12 min 30 s of the 10 minutes allowed."


@pytest.fixture
def editor(qtbot, demo_store):
    *_, learner_id = demo_store.write_now(fresh_2794_enrolment)   # C&G 2794, no evidence yet
    win = evidence_window(qtbot, demo_store, learner_id)
    panel = win.page.evidence
    new_record(qtbot, panel, "Ot")
    panel.editor.tabs.setCurrentWidget(panel.editor.files)
    yield win, panel, panel.editor.files
    win.close()


def attach(qtbot, files, path, count):
    files.attach_paths([str(path)])
    qtbot.waitUntil(lambda: files.list.count() == count, timeout=5000)


def test_a_clip_over_the_cap_warns_keeps_the_file_and_shows_in_the_plan(qtbot, editor, tmp_path):
    win, panel, files = editor
    attach(qtbot, files, write_mp4(tmp_path / "till.mp4", 7 * 60), 1)
    assert files.message.isHidden()
    assert "Video clips" not in panel.needed.text()
    attach(qtbot, files, write_mp4(tmp_path / "phone-call.mp4", 5 * 60 + 30), 2)
    qtbot.waitUntil(lambda: files.message.isVisible())
    warning = files.message.text()
    assert OVER in warning and "phone-call.mp4 is attached and kept" in warning
    names = [v.original_name for v in panel.bridge.store.read(attachments_of, panel.editor.record.id)]
    assert names == ["till.mp4", "phone-call.mp4"]
    qtbot.waitUntil(lambda: OVER in panel.needed.text())
    win.page.tabs.setCurrentWidget(panel)
    qtbot.wait(200)
    win.grab().save(str(tmp_path / "over-the-cap.png"))
    win.page.tabs.setCurrentWidget(panel.progress_view)   # the grid and what's still needed
    qtbot.wait(200)
    win.grab().save(str(tmp_path / "still-needed.png"))
    # the assessor decides: removing the second clip brings the portfolio back within the cap
    win.page.tabs.setCurrentWidget(panel)
    files.list.setCurrentRow(1)
    qtbot.mouseClick(files.remove_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Video clips" not in panel.needed.text())


def test_a_clip_fieldfolio_cannot_read_is_measured_by_the_player(qtbot, editor, tmp_path):
    win, panel, files = editor
    store = panel.bridge.store
    attach(qtbot, files, write_mp4(tmp_path / "till.mp4", 8 * 60), 1)
    # Sound in a .mkv: Fieldfolio reads no Matroska header, the player opens it by content.
    clip = write_au(tmp_path / "bodycam.mkv", 150.0)
    attach(qtbot, files, clip, 2)
    record_id = panel.editor.record.id

    def lengths():
        return {v.original_name: v.duration_ms for v in store.read(attachments_of, record_id)}
    qtbot.waitUntil(lambda: lengths()["bodycam.mkv"] is not None, timeout=15000)
    assert abs(lengths()["bodycam.mkv"] - 150_000) < 100 and lengths()["till.mp4"] == 480_000
    # now known, the total is over: the warning names the clip, and the plan follows
    qtbot.waitUntil(lambda: "bodycam.mkv is attached and kept" in files.message.text())
    assert "Video clips: 10 min 30 s of the 10 minutes allowed." in files.message.text()
    qtbot.waitUntil(lambda: "10 min 30 s" in panel.needed.text())
