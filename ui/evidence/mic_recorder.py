"""Recording a professional discussion from the laptop's microphone.

Qt Multimedia's QAudioSource delivers raw sound; every block goes to a RecordingJournal
(app/evidence/recording.py), which has it on disk within a second, so a crash or a flat
battery loses at most that second. The level meter shows the assessor the microphone is
hearing the learner before twenty minutes are lost to a muted input. Pausing keeps one file
(bookmarks count recorded time, so they still land on the right moment). Recording goes on
while the assessor types on the Record tab; it stops on Stop, on leaving the record, on
signing, or on closing Fieldfolio, and the file is attached to the record.
"""
from __future__ import annotations

import math
import weakref

from PySide6.QtCore import QTimer, Signal
from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSource, QMediaDevices
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.evidence.recording import PcmFormat, RecordingJournal, finish, peak_level
from ui.bridge import Bridge
from ui.evidence.clock_text import mmss
from ui.evidence.disk_work import disk_work
from ui.widgets import label, shrinkable

_active: "weakref.WeakSet[MicRecorder]" = weakref.WeakSet()

# Speech needs no more: 16 kHz mono is 1.9 MB a minute, so an hour fits any laptop.
PREFERRED = (16000, 1)


def stop_all_recordings() -> None:
    """Closing Fieldfolio: every recording in progress is finished and attached first."""
    for recorder in list(_active):
        recorder.stop(wait=True)


def choose_format(device) -> tuple[QAudioFormat, PcmFormat]:
    fmt = QAudioFormat()
    fmt.setSampleRate(PREFERRED[0])
    fmt.setChannelCount(PREFERRED[1])
    fmt.setSampleFormat(QAudioFormat.Int16)
    if not device.isFormatSupported(fmt):
        fmt = device.preferredFormat()
        if fmt.sampleFormat() not in (QAudioFormat.Int16, QAudioFormat.Float):
            fmt.setSampleFormat(QAudioFormat.Int16)
    is_float = fmt.sampleFormat() == QAudioFormat.Float
    return fmt, PcmFormat(fmt.sampleRate(), fmt.channelCount(), 4 if is_float else 2, is_float)


class MicRecorder(QWidget):
    status_changed = Signal(str)     # "● Recording 12:40", "‖ Paused 12:40" or ""
    recorded = Signal(str, str)      # record id, attachment id of the finished recording
    problem = Signal(str)

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record = None
        self.journal: RecordingJournal | None = None
        self.source: QAudioSource | None = None
        self.io = None
        self.paused = False
        self._level = 0.0
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.device_choice = QComboBox(objectName="microphone")
        shrinkable(self.device_choice)
        self.record_button = QPushButton("● Record", objectName="record")
        self.record_button.setToolTip("Record the discussion from this laptop's microphone")
        self.record_button.clicked.connect(self.start)
        self.pause_button = QPushButton("‖ Pause", objectName="pause_recording")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = QPushButton("■ Stop", objectName="stop_recording")
        self.stop_button.clicked.connect(lambda: self.stop())
        self.time_label = label("0:00", "hint", wrap=False)
        self.time_label.setObjectName("recording_time")
        self.meter = QProgressBar(objectName="level_meter")
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setMinimumWidth(50)
        self.meter.setMaximumWidth(120)
        self.meter.setToolTip("Microphone level: it should move when people speak")
        # The microphone on a line of its own: with the buttons it was wider than the
        # editor's column on a 1280-pixel screen.
        box.addWidget(self.device_choice)
        for w in (self.record_button, self.pause_button, self.stop_button):
            row.addWidget(w)
        row.addWidget(label("Level", "hint", wrap=False))
        row.addWidget(self.meter)
        row.addWidget(self.time_label)
        row.addStretch()
        box.addLayout(row)
        self.hint = label("While recording, every second is saved to disk: a crash loses at "
                          "most the last second. Bookmark ACs as they come up (Ctrl+B).", "hint")
        box.addWidget(self.hint)
        self._poll = QTimer(self, interval=250)   # level decay, clock and writer errors
        self._poll.timeout.connect(self._tick)
        self._show_state()

    # -- what can be done now -----------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.journal is not None

    @property
    def position_ms(self) -> int:
        return self.journal.recorded_ms if self.journal else 0

    @property
    def recording_name(self) -> str:
        return self.journal.name if self.journal else ""

    def set_record(self, record) -> None:
        """The editor shows another record (or this one again, reloaded)."""
        if self.recording and (record is None or record.id != self.journal.record_id):
            self.stop()
        self.record = record
        self.refresh_devices()

    def refresh_devices(self) -> None:
        if self.recording:
            return
        current = self.device_choice.currentData()
        self.device_choice.clear()
        for device in QMediaDevices.audioInputs():
            self.device_choice.addItem(device.description(), device.id())
        index = self.device_choice.findData(current) if current is not None else -1
        if index < 0:
            default = QMediaDevices.defaultAudioInput()
            index = max(0, self.device_choice.findData(default.id()))
        self.device_choice.setCurrentIndex(index)
        self.device_choice.setVisible(self.device_choice.count() > 1)
        self._show_state()

    def _device(self):
        wanted = self.device_choice.currentData()
        return next((d for d in QMediaDevices.audioInputs() if d.id() == wanted),
                    QMediaDevices.defaultAudioInput())

    def _show_state(self) -> None:
        has_mic = self.device_choice.count() > 0
        signed = self.record is not None and self.record.state == "signed"
        self.record_button.setEnabled(has_mic and not signed and not self.recording
                                      and self.record is not None)
        self.pause_button.setEnabled(self.recording)
        self.stop_button.setEnabled(self.recording)
        self.device_choice.setEnabled(not self.recording)
        self.pause_button.setText("▶ Resume" if self.paused else "‖ Pause")
        if self.recording:
            words = "‖ Paused" if self.paused else "● Recording"
            status = f"{words} {mmss(self.position_ms)}"
        else:
            status = ""
        self.time_label.setText(status or mmss(0))
        self.status_changed.emit(status)

    # -- recording --------------------------------------------------------------------
    def start(self) -> None:
        if self.recording or self.record is None:
            return
        device = self._device()
        if device.isNull():
            self.problem.emit("No microphone found on this laptop.")
            return
        qt_format, fmt = choose_format(device)
        try:
            self.journal = RecordingJournal(self.bridge.store.attachments, self.record.id, fmt)
        except OSError as exc:
            self.problem.emit(f"Recording could not start: {exc.strerror or exc}.")
            return
        self.source = QAudioSource(device, qt_format, self)
        self.source.stateChanged.connect(self._source_state)
        self.io = self.source.start()
        self.io.readyRead.connect(self._read)
        self.paused = False
        _active.add(self)
        self._poll.start()
        self._show_state()

    def _read(self) -> None:
        if self.io is None or self.journal is None:
            return
        data = self.io.readAll().data()
        if data and not self.paused:
            self.journal.append(data)
            self._level = max(self._level, peak_level(data, self.journal.fmt))
            self.meter.setValue(_meter_value(self._level))

    def toggle_pause(self) -> None:
        if not self.recording:
            return
        if self.paused:
            self.source.resume()
        else:
            self._read()            # keep what was heard up to the click
            self.source.suspend()
        self.paused = not self.paused
        self._show_state()

    def _source_state(self, state) -> None:
        # The microphone unplugged or taken by another program: keep what was recorded.
        if self.source is not None and state == QAudio.StoppedState \
                and self.source.error() != QAudio.NoError and self.recording:
            self.problem.emit("The microphone stopped (unplugged, or taken by another "
                              "program). What was recorded until now is kept and attached.")
            self.stop()

    def _tick(self) -> None:
        self._level *= 0.5
        self.meter.setValue(_meter_value(self._level))
        if self.journal is not None and self.journal.error:
            self.problem.emit(self.journal.error)
            self.stop()
            return
        self._show_state()

    def stop(self, wait: bool = False) -> None:
        """Stop and attach. `wait` blocks until the file is linked (closing, signing)."""
        if not self.recording:
            return
        self._read()
        journal, record_id, source = self.journal, self.journal.record_id, self.source
        # Cleared before stopping the source: stopping emits stateChanged, which must not
        # find a recording still running and stop it a second time.
        self.source = self.io = None
        self.journal = None
        source.stop()
        source.deleteLater()
        self.paused = False
        self._poll.stop()
        self.meter.setValue(0)
        _active.discard(self)
        self._show_state()
        if wait:
            try:
                self._done(record_id, finish(self.bridge.store, journal))
            except Exception as exc:    # kept on disk: recovered at the next start
                self._failed(exc)
            return
        self.hint.setText("Saving the recording…")
        self.bridge.when_done(disk_work.submit(finish, self.bridge.store, journal),
                              lambda attachment_id: self._done(record_id, attachment_id),
                              self._failed)

    def _done(self, record_id: str, attachment_id: str) -> None:
        self.hint.setText("Recording saved and attached. Record again to add another part.")
        self.recorded.emit(record_id, attachment_id)

    def _failed(self, exc: Exception) -> None:
        words = getattr(exc, "problems", None)
        words = "; ".join(words.values()) if isinstance(words, dict) else str(exc)
        self.problem.emit(f"The recording is kept on this laptop but could not be attached: "
                          f"{words}. Fieldfolio tries again when it next starts.")


def _meter_value(peak: float) -> int:
    """-60 dB .. 0 dB as 0..100: speech sits in the middle, not at the bottom."""
    if peak <= 0.001:
        return 0
    return max(0, min(100, int((20 * math.log10(peak) + 60) * 100 / 60)))
