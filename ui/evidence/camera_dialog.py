"""A photo taken with the laptop's own camera, as evidence on a record: the finished job on
site, the learner's work station, a whiteboard after a discussion.

The assessor sees the camera's picture, takes a still, looks at it, and keeps it (with an
optional caption) or retakes it. A kept photo becomes a JPEG named for the moment it was taken
and goes through the same attaching as a chosen file, so it is stored once, listed with a
thumbnail and printed like any other photo. Laptops without a camera say so beside a greyed
button, and point to attaching a photo file instead.
"""
from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCameraPermission, QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtMultimedia import (
    QCamera, QCameraDevice, QImageCapture, QMediaCaptureSession, QMediaDevices,
)
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QStackedWidget,
    QVBoxLayout, QWidget,
)

from app.evidence.attachments import AttachmentFailed, attach_file
from ui.evidence.disk_work import disk_work
from ui.widgets import Dialog, ProblemLabel, fit_to_screen, label

NO_CAMERA = "No camera found on this laptop: attach a photo file instead."
SIGNED = "This record is signed; photos cannot be added."
IN_USE = ("The camera is in use by another app (a video call, the Camera app?). Close that "
          "app, then press Try again.")
NOT_ALLOWED = ("Fieldfolio is not allowed to use the camera. Allow it in the laptop's privacy "
               "settings (Camera), then press Try again.")
# Good enough to read a certificate on a wall, small enough that a day's photos stay light.
JPEG_QUALITY = 90


def camera_present() -> bool:
    return bool(QMediaDevices.videoInputs())


def photo_file_name(when: datetime | None = None) -> str:
    """The name the photo is listed under: when it was taken, to the second."""
    return (when or datetime.now()).strftime("photo-%Y%m%d-%H%M%S.jpg")


def attach_photo(store, record_id: str, image: QImage, caption: str = "",
                 when: datetime | None = None) -> str:
    """Keep a still from the camera on a record: written as a JPEG to a private temporary
    folder, attached like a chosen file (so it is a "photo" with a thumbnail), then the
    temporary copy is removed. Blocks; the files tab runs it off the GUI thread. Raises
    AttachmentFailed with a message for the assessor; the record is unchanged then."""
    if image.isNull():
        raise AttachmentFailed("The camera gave no picture. Press Retake and take the photo again.")
    folder = Path(tempfile.mkdtemp(prefix="fieldfolio-photo-"))
    try:
        path = folder / photo_file_name(when)
        if not image.save(str(path), "JPEG", JPEG_QUALITY):
            raise AttachmentFailed("The photo could not be saved on this laptop (is the disk "
                                   "full?). The record has not changed.")
        return attach_file(store, record_id, path, caption.strip())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def camera_problem(error_text: str) -> str:
    """Words the assessor can act on, from the camera driver's own (which vary by system)."""
    text = error_text.lower()
    if any(w in text for w in ("busy", "in use", "being used", "sharing violation")):
        return IN_USE
    if any(w in text for w in ("permission", "denied", "not authorized", "access")):
        return NOT_ALLOWED
    if "no camera" in text or "not found" in text:
        return NO_CAMERA
    return (f"The camera could not be started ({error_text.strip() or 'no reason given'}). "
            f"If another app is using it, close that app, then press Try again.")


class StillView(QLabel):
    """The taken photo, fitted to the space and refitted when the dialog is resized."""

    def __init__(self):
        super().__init__(objectName="camera_still")
        self.image = QImage()
        self.setAlignment(Qt.AlignCenter)
        self.setMinimumSize(QSize(480, 300))
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setStyleSheet("#camera_still { background: #1b2430; border-radius: 6px; }")

    def show_image(self, image: QImage) -> None:
        self.image = image
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self.image.isNull():
            self.setPixmap(QPixmap.fromImage(self.image.scaled(
                self.size(), Qt.KeepAspectRatio, Qt.SmoothTransformation)))


class CameraDialog(Dialog):
    """Live picture → Take photo → the still, with Use this photo / Retake."""
    photo_chosen = Signal(QImage, str)   # the still, the caption typed

    LIVE, REVIEW = 0, 1

    def __init__(self, portfolio_ref: str, device: QCameraDevice | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Take a photo for {portfolio_ref}")
        fit_to_screen(self, 760, 600)   # room to judge the photo, still inside a 1366×768 screen
        layout = QVBoxLayout(self)
        self.problem = ProblemLabel()
        self.problem.setObjectName("camera_problem")
        layout.addWidget(self.problem)
        self.pages = QStackedWidget()
        # The camera's picture sits on a dark frame, so before it starts (or when it cannot)
        # the space still reads as "the camera" rather than an empty dialog.
        live = QFrame(objectName="camera_live")
        live.setStyleSheet("#camera_live { background: #1b2430; border-radius: 6px; }")
        live_layout = QVBoxLayout(live)
        live_layout.setContentsMargins(0, 0, 0, 0)
        self.viewfinder = QVideoWidget(objectName="viewfinder")
        self.viewfinder.setMinimumSize(QSize(480, 300))
        live_layout.addWidget(self.viewfinder)
        self.pages.addWidget(live)
        review = QWidget()
        review_layout = QVBoxLayout(review)
        review_layout.setContentsMargins(0, 0, 0, 0)
        self.still = StillView()
        review_layout.addWidget(self.still, 1)
        review_layout.addSpacing(6)
        review_layout.addWidget(label("Caption (optional): what the photo shows, for the "
                                      "IQA reading the portfolio", "hint"))
        self.caption = QLineEdit(objectName="photo_caption")
        self.caption.setPlaceholderText("e.g. Finished splashback tiling, kitchen 2")
        review_layout.addWidget(self.caption)
        self.pages.addWidget(review)
        layout.addWidget(self.pages, 1)

        buttons = QHBoxLayout()
        self.retake_button = QPushButton("Retake", objectName="retake_photo")
        self.retake_button.clicked.connect(self.retake)
        self.retry_button = QPushButton("Try again", objectName="retry_camera")
        self.retry_button.setToolTip("Start the camera again")
        self.retry_button.clicked.connect(self.start_camera)
        self.cancel_button = QPushButton("Cancel", objectName="cancel_photo")
        self.cancel_button.clicked.connect(self.reject)
        self.take_button = QPushButton("Take photo", objectName="capture_photo")
        self.take_button.setProperty("primary", True)
        self.take_button.clicked.connect(self.take)
        self.use_button = QPushButton("Use this photo", objectName="use_photo")
        self.use_button.setProperty("primary", True)
        self.use_button.clicked.connect(self.use)
        buttons.addWidget(self.retake_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch()
        for b in (self.cancel_button, self.take_button, self.use_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)

        self.session = QMediaCaptureSession(self)
        self.capture = QImageCapture(self)
        self.capture.setQuality(QImageCapture.HighQuality)
        self.session.setImageCapture(self.capture)
        self.session.setVideoOutput(self.viewfinder)
        self.camera = QCamera(device if device is not None else QMediaDevices.defaultVideoInput(), self)
        self.session.setCamera(self.camera)
        self.camera.errorOccurred.connect(lambda _e, text: self._camera_failed(text))
        self.capture.readyForCaptureChanged.connect(lambda _ready: self._update_buttons())
        self.capture.imageCaptured.connect(lambda _id, image: self.show_still(image))
        self.capture.errorOccurred.connect(
            lambda _id, _e, text: self._show_problem(f"The photo could not be taken ({text}). "
                                                     f"Press Take photo again."))
        self._started = False
        self._show_page(self.LIVE)

    # -- the camera ---------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.start_camera()

    def start_camera(self) -> None:
        self._show_problem(None)
        app = QCoreApplication.instance()
        status = app.checkPermission(QCameraPermission())
        if status == Qt.PermissionStatus.Undetermined:
            # The system asks the assessor once; start again with the answer.
            app.requestPermission(QCameraPermission(), self, lambda _p: self.start_camera())
            return
        if status == Qt.PermissionStatus.Denied:
            self._camera_failed("permission denied")
            return
        if self.camera.cameraDevice().isNull():
            # Unplugged since the files tab looked, or a default that never existed.
            if not camera_present():
                self._camera_failed("no camera")
                return
            self.camera.setCameraDevice(QMediaDevices.defaultVideoInput())
        self.camera.start()
        if self.camera.error() != QCamera.NoError:
            # Some systems report a failed start here rather than through errorOccurred.
            self._camera_failed(self.camera.errorString())
        self._update_buttons()

    def _camera_failed(self, text: str) -> None:
        self._show_problem(camera_problem(text))
        self.retry_button.setVisible(self.pages.currentIndex() == self.LIVE)
        self._update_buttons()

    def _show_problem(self, message: str | None) -> None:
        self.problem.show_problem(message)

    def take(self) -> None:
        if self.capture.isReadyForCapture():
            self.capture.capture()

    def done(self, result: int) -> None:
        # Let go of the camera (and its light) as soon as the dialog closes.
        self.camera.stop()
        super().done(result)

    # -- the still ------------------------------------------------------------------------
    def show_still(self, image: QImage) -> None:
        """Show a taken photo to be kept or retaken."""
        self._show_problem(None)
        self.still.show_image(image)
        self._show_page(self.REVIEW)
        self.caption.setFocus()

    def retake(self) -> None:
        self.still.show_image(QImage())
        self.still.clear()
        self._show_page(self.LIVE)
        if not self.camera.isActive():
            self.start_camera()

    def use(self) -> None:
        if self.still.image.isNull():
            return
        self.photo_chosen.emit(self.still.image, self.caption.text())
        self.accept()

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        live = page == self.LIVE
        self.retake_button.setVisible(not live)
        self.retry_button.setVisible(live and self.problem.isVisibleTo(self))
        self.use_button.setVisible(not live)
        self.take_button.setVisible(live)
        (self.take_button if live else self.use_button).setDefault(True)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.take_button.setEnabled(self.camera.isActive() and self.capture.isReadyForCapture())


class TakePhoto(QObject):
    """The files tab's "Take photo…" button, and the line under the buttons saying why it is
    greyed out on a laptop without a camera. Kept photos are attached on the tab's copier, one
    at a time with chosen files, and the tab's list refreshes as after any attach."""

    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.locked = False
        self.dialog: CameraDialog | None = None
        self.button = QPushButton("Take photo…", objectName="take_photo")
        self.button.clicked.connect(self.open_dialog)
        self.hint = label(NO_CAMERA, "hint")
        self.hint.setObjectName("camera_hint")
        self.devices = QMediaDevices(self)
        # A USB camera plugged in (or out) on site changes the button straight away.
        self.devices.videoInputsChanged.connect(self.refresh)
        self.refresh()

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        self.refresh()

    def refresh(self) -> None:
        present = camera_present()
        self.button.setEnabled(present and not self.locked)
        self.button.setToolTip(NO_CAMERA if not present else SIGNED if self.locked else
                               "Take a photo with the laptop's camera and attach it here")
        # Where nothing may be attached (a signed record, an IQA's laptop) "attach a photo
        # file instead" would point at a greyed button.
        self.hint.setVisible(not present and not self.locked)

    def open_dialog(self) -> CameraDialog:
        record = self.panel.record
        self.dialog = CameraDialog(record.portfolio_ref, parent=self.panel)
        self.dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.dialog.photo_chosen.connect(
            lambda image, caption, record_id=record.id: self.attach(record_id, image, caption))
        self.dialog.open()
        return self.dialog

    def attach(self, record_id: str, image: QImage, caption: str):
        panel = self.panel
        # A copy: the worker thread must not share pixels with a widget still showing them.
        future = disk_work.submit(attach_photo, panel.bridge.store, record_id, image.copy(), caption)
        return panel.bridge.when_done(
            future, lambda attachment_id: panel._attached(record_id, attachment_id), panel._failed)
