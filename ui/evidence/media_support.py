"""Recording, playback and the camera only where Qt Multimedia loads on this laptop.

Qt Multimedia needs system sound libraries (PulseAudio's ``libpulse.so.0`` on Linux). A
laptop without them once could not start Fieldfolio at all: the import failed before the
window opened. Everything that needs Qt Multimedia is now reached through this module, which
tries the import once; where it fails, stand-ins keep the files tab working and grey the
Record, Play and Take photo buttons with the reason, so the assessor can still attach files
recorded on a phone.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Q_ARG, QMetaObject, QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ui.widgets import label

log = logging.getLogger(__name__)

_checked = False
_missing: str | None = None


def multimedia_missing() -> str | None:
    """None when Qt Multimedia loads here, else the sentence to show beside greyed buttons."""
    global _checked, _missing
    if not _checked:
        _checked = True
        try:
            import PySide6.QtMultimedia  # noqa: F401
            import PySide6.QtMultimediaWidgets  # noqa: F401
        except ImportError as exc:
            log.warning("Qt Multimedia is not available: %s", exc)
            detail = str(exc).split(":")[0].strip() or "a system library is missing"
            _missing = (f"Recording, playing and the camera need this laptop's sound and video "
                        f"libraries, which are missing ({detail}). Attach files recorded on a "
                        f"phone or recorder instead.")
    return _missing


def audio_inputs() -> list:
    if multimedia_missing():
        return []
    from PySide6.QtMultimedia import QMediaDevices
    return list(QMediaDevices.audioInputs())


def stop_all_recordings() -> None:
    """Closing Fieldfolio: every recording in progress is finished and attached first."""
    if not multimedia_missing():
        from ui.evidence.mic_recorder import stop_all_recordings as stop
        stop()


def take_photo(panel):
    if multimedia_missing():
        return NoCamera(panel)
    from ui.evidence.camera_dialog import TakePhoto
    return TakePhoto(panel)


def recorder(bridge):
    if multimedia_missing():
        return NoRecorder()
    from ui.evidence.mic_recorder import MicRecorder
    return MicRecorder(bridge)


def clip_lengths(bridge, message, parent):
    if multimedia_missing():
        return NoClipLengths(parent)
    from ui.evidence.clip_lengths import ClipLengths
    return ClipLengths(bridge, message, parent)


def player(parent):
    """A media player with its sound output, or a silent one that never loads anything."""
    if multimedia_missing():
        return SilentPlayer(parent)
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
    made = QMediaPlayer(parent)
    made.setAudioOutput(QAudioOutput(made))
    return made


# A player's stop() and setSource() are called from the event loop, never straight from
# Python. Called from Python, the GUI thread holds the GIL while stop() waits for a lock
# that one of the FFmpeg backend's threads holds while it, in turn, waits for the GIL (to
# ask PySide's wrapper of the sound output about disconnectNotify): both wait for ever and
# the window freezes (caught with py-spy, about one run in sixty under load). A queued call
# is made by Qt's event loop, which has let the GIL go, so that thread can finish and
# release the lock. Queued calls to one player run in the order they were made.
def stop_player(player) -> None:
    if isinstance(player, SilentPlayer):
        return
    QMetaObject.invokeMethod(player, "stop", Qt.QueuedConnection)


def set_player_source(player, url: QUrl) -> None:
    if isinstance(player, SilentPlayer):
        return
    QMetaObject.invokeMethod(player, "setSource", Qt.QueuedConnection, Q_ARG(QUrl, url))


# -- stand-ins, with the few members the files tab uses ---------------------------------
class NoCamera(QObject):
    def __init__(self, panel):
        super().__init__(panel)
        self.button = QPushButton("Take photo…", objectName="take_photo")
        self.button.setEnabled(False)
        self.button.setToolTip(multimedia_missing())
        self.hint = label(multimedia_missing(), "hint")
        self.hint.setObjectName("camera_hint")

    def set_locked(self, locked: bool) -> None:
        pass


class NoRecorder(QWidget):
    status_changed = Signal(str)
    recorded = Signal(str, str)
    problem = Signal(str)
    recording = False
    position_ms = 0
    recording_name = ""

    def __init__(self):
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.record_button = QPushButton("● Record", objectName="record")
        self.record_button.setEnabled(False)
        self.record_button.setToolTip(multimedia_missing())
        row.addWidget(self.record_button)
        row.addStretch()

    def set_record(self, record) -> None:
        pass

    def stop(self, wait: bool = False) -> None:
        pass


class NoClipLengths(QObject):
    measured = Signal(str)

    def measure(self, record, views) -> None:
        pass

    def warn_if_over(self, record_id: str, attachment_id: str) -> None:
        pass


class SilentPlayer(QObject):
    # Stand-ins for QMediaPlayer's states: compared, never shown.
    StoppedState, PlayingState, PausedState = "stopped", "playing", "paused"
    NoMedia, LoadingMedia, LoadedMedia, InvalidMedia = "none", "loading", "loaded", "invalid"
    positionChanged = Signal(int)
    durationChanged = Signal(int)
    playbackStateChanged = Signal(object)
    mediaStatusChanged = Signal(object)

    def setSource(self, _url) -> None:
        pass

    def play(self) -> None:
        pass

    def pause(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def setPosition(self, _ms: int) -> None:
        pass

    def position(self) -> int:
        return 0

    def duration(self) -> int:
        return 0

    def playbackState(self):
        return self.StoppedState

    def mediaStatus(self):
        return self.NoMedia
