"""A photo taken with the laptop's camera: kept as a JPEG "photo" with its caption on the
record; on a laptop without a camera the button is greyed and says why.

This machine has no camera, so the still is a real QImage drawn here and handed to the same
code the camera's capture signal feeds; nothing about the camera is faked."""
from __future__ import annotations

import tempfile
from datetime import datetime

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from app.evidence.attachments import attachments_of
from app.evidence.records import create_record, get_record
from app.signing.sign import sign_record
from evidence_helpers import enrolment_with_rules
from tests.signing.signing_helpers import drawn, make_record
from ui.bridge import Bridge
from ui.evidence.camera_dialog import (
    IN_USE, NO_CAMERA, NOT_ALLOWED, SIGNED, CameraDialog, attach_photo, camera_present, camera_problem,
)
from ui.evidence.files_panel import FilesPanel

no_camera_here = pytest.mark.skipif(camera_present(), reason="this laptop has a camera")


def site_photo(width=640, height=480) -> QImage:
    """A stand-in for a photo of finished work: a wall with a blue tiled panel on it."""
    image = QImage(width, height, QImage.Format_RGB32)
    image.fill(QColor("#d8d2c4"))
    painter = QPainter(image)
    painter.fillRect(QRect(80, 60, 480, 300), QColor("#1f5fa8"))
    painter.setPen(QColor("#ffffff"))
    for x in range(80, 561, 60):
        painter.drawLine(x, 60, x, 360)
    painter.end()
    return image


@pytest.fixture
def record(demo_store):
    enrolment_id, *_ = demo_store.read(enrolment_with_rules)
    return demo_store.write_now(create_record, enrolment_id, "Obs")


@pytest.fixture
def panel(qtbot, demo_store, record):
    files = FilesPanel(Bridge(demo_store))
    qtbot.addWidget(files)
    files.load(demo_store.read(get_record, record))
    files.resize(900, 500)
    files.show()
    return files


def test_photo_kept_as_jpeg_with_caption_and_temporary_copy_removed(
        qtbot, demo_store, record, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    attach_photo(demo_store, record, site_photo(), "  Splashback tiling, kitchen 2 ",
                 when=datetime(2026, 11, 24, 14, 5, 9))
    [photo] = demo_store.read(attachments_of, record)
    assert (photo.original_name, photo.kind, photo.media_type, photo.caption) == (
        "photo-20261124-140509.jpg", "photo", "image/jpeg", "Splashback tiling, kitchen 2")
    stored = QImage.fromData(demo_store.attachments.open(photo.sha256).read())
    assert (stored.width(), stored.height()) == (640, 480)
    tile = stored.pixelColor(110, 200)    # JPEG is lossy: near the drawn blue, not exact
    assert abs(tile.red() - 0x1f) < 12 and abs(tile.blue() - 0xa8) < 12
    assert list(scratch.iterdir()) == []
    assert demo_store.read(get_record, record).attachment_count == 1


def test_empty_still_refused_and_record_unchanged(qtbot, demo_store, record):
    from app.evidence.attachments import AttachmentFailed
    with pytest.raises(AttachmentFailed, match="Retake"):
        attach_photo(demo_store, record, QImage(), "")
    assert demo_store.read(attachments_of, record) == []


@no_camera_here
def test_without_a_camera_the_button_is_greyed_and_says_why(qtbot, panel):
    button = panel.take_photo.button
    assert button.text() == "Take photo…" and not button.isEnabled()
    assert button.toolTip() == NO_CAMERA
    assert panel.take_photo.hint.isVisible() and panel.take_photo.hint.text() == NO_CAMERA
    assert panel.attach_button.isEnabled()    # the way round it still works


@no_camera_here
def test_photo_reviewed_captioned_and_used_appears_with_thumbnail(qtbot, demo_store, record, panel):
    dialog = panel.take_photo.open_dialog()
    # With no camera the live picture says so instead of failing silently.
    qtbot.waitUntil(lambda: dialog.problem.isVisible())
    assert NO_CAMERA in dialog.problem.text()
    assert not dialog.take_button.isEnabled() and dialog.retry_button.isVisible()

    dialog.show_still(site_photo())            # what the capture signal hands over
    assert dialog.pages.currentIndex() == CameraDialog.REVIEW
    assert dialog.use_button.isVisible() and dialog.retake_button.isVisible()
    assert not dialog.take_button.isVisible() and not dialog.problem.isVisible()
    qtbot.keyClicks(dialog.caption, "Tiled panel behind the sink")
    qtbot.mouseClick(dialog.use_button, Qt.LeftButton)

    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=5000)
    assert not panel.list.item(0).icon().isNull()     # a thumbnail
    assert "photo-" in panel.list.item(0).text() and "(photo," in panel.list.item(0).text()
    [photo] = demo_store.read(attachments_of, record)
    assert (photo.kind, photo.media_type, photo.caption) == (
        "photo", "image/jpeg", "Tiled panel behind the sink")


@no_camera_here
def test_retake_goes_back_to_the_camera_and_keeps_nothing(qtbot, demo_store, record, panel):
    dialog = panel.take_photo.open_dialog()
    dialog.show_still(site_photo())
    qtbot.mouseClick(dialog.retake_button, Qt.LeftButton)
    assert dialog.pages.currentIndex() == CameraDialog.LIVE
    assert dialog.take_button.isVisible() and not dialog.use_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    assert demo_store.read(attachments_of, record) == []


def test_signed_record_cannot_take_photos(qtbot, demo_store):
    record_id = demo_store.write_now(make_record)
    demo_store.write_now(sign_record, "evidence_record", record_id, **drawn("Amelia Hughes", "learner"))
    demo_store.write_now(sign_record, "evidence_record", record_id, **drawn("Alex Morgan", "assessor"))
    files = FilesPanel(Bridge(demo_store))
    qtbot.addWidget(files)
    files.load(demo_store.read(get_record, record_id))
    assert files.record.state == "signed" and files.take_photo.locked
    assert not files.take_photo.button.isEnabled()
    if camera_present():
        assert files.take_photo.button.toolTip() == SIGNED
    # Nothing may be attached: no "attach a photo file instead" beside a greyed Attach.
    files.show()
    assert not files.attach_button.isEnabled() and not files.take_photo.hint.isVisible()


def test_open_and_remove_wait_for_a_file_to_be_chosen(qtbot, demo_store, record, panel):
    assert not panel.open_button.isEnabled() and not panel.remove_button.isEnabled()
    attach_photo(demo_store, record, site_photo(), "Splashback")
    panel.refresh()
    assert panel.list.count() == 1
    assert not panel.open_button.isEnabled() and not panel.remove_button.isEnabled()
    assert panel.open_button.toolTip() == "Choose a file in the list to open it"
    rect = panel.list.visualItemRect(panel.list.item(0))
    qtbot.mouseClick(panel.list.viewport(), Qt.LeftButton, pos=rect.center())
    assert panel.open_button.isEnabled() and panel.remove_button.isEnabled()
    qtbot.mouseClick(panel.remove_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.list.count() == 0, timeout=5000)
    assert not panel.open_button.isEnabled() and not panel.remove_button.isEnabled()


def test_camera_errors_in_words_the_assessor_can_act_on():
    assert camera_problem("Device or resource busy") == IN_USE
    assert camera_problem("Camera access denied") == NOT_ALLOWED
    assert camera_problem("permission denied") == NOT_ALLOWED
    assert camera_problem("No camera detected") == NO_CAMERA
    odd = camera_problem("Format not supported")
    assert "Format not supported" in odd and "Try again" in odd
