"""A record's files: attach (copied into the attachment store off the GUI thread), view
with the system viewer, and for a professional discussion play the recording, drop
bookmarks "AC 2.3 at 12:40" and jump back to them."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QScrollArea,
    QSlider, QVBoxLayout, QWidget,
)

from app.evidence.attachment_store import AttachmentFailed
from app.evidence.attachments import (
    attach_file, attachments_of, remove_attachment, restore_attachment,
)
from app.evidence.mapping import mappings_of
from app.evidence.records import RecordView
from app.transfer.file_states import DAMAGED, NOT_HERE, file_states
from app.transfer.laptop_files import attachments_of_store
from ui.bridge import Bridge
from ui.evidence.clock_text import mmss, parse_mmss
from ui.evidence.disk_work import disk_work
from ui.evidence import media_support
from ui.evidence.file_fetch import FileFetch
from ui.system_viewer import open_in_system
from ui.widgets import ProblemLabel, label, scrolling, shrinkable

KIND_MARK = {"photo": "▣", "audio": "♪", "video": "▶", "file": "▤"}


class FilesPanel(QWidget):
    bookmark_requested = Signal(str, str, str)   # at (m:ss), AC label, recording name
    attached = Signal(str)

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record: RecordView | None = None
        self.views = []
        self.read_only = False    # an IQA's laptop: files are opened, not added or removed
        self.last_removed: str | None = None
        # Everything scrolls when the window is short: squeezed, the recording controls
        # overlapped the file list and its texts.
        inner = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scrolling(inner))
        layout = QVBoxLayout(inner)
        buttons = QHBoxLayout()
        self.attach_button = QPushButton("Attach files…", objectName="attach_files")
        self.attach_button.setProperty("primary", True)
        self.attach_button.clicked.connect(self._choose_files)
        self.open_button = QPushButton("Open", objectName="open_file")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("Remove", objectName="remove_file")
        self.remove_button.clicked.connect(self.remove_selected)
        self.take_photo = media_support.take_photo(self)
        for b in (self.attach_button, self.take_photo.button, self.open_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch()
        layout.addLayout(buttons)
        layout.addWidget(self.take_photo.hint)
        self.message = ProblemLabel()
        self.message.setObjectName("files_problem")
        layout.addWidget(self.message)
        self.lengths = media_support.clip_lengths(bridge, self.message, self)   # unknown lengths; video cap
        self.lengths.measured.connect(self.attached)
        self.list = QListWidget(objectName="file_list")
        self.list.setIconSize(QSize(96, 72))
        self.list.setMinimumHeight(130)   # at least one row of thumbnails, never overlapped
        self.list.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.list.currentRowChanged.connect(self._selected)
        layout.addWidget(self.list, 1)

        # -- recording (professional discussion) ----------------------------------------
        self.recording_box = QWidget()
        rec = QVBoxLayout(self.recording_box)
        rec.setContentsMargins(0, 0, 0, 0)
        rec.addWidget(label("Recording", "section"))
        # Which file the player holds: a record may have two recordings (two visits), and
        # the list above may be scrolled away.
        self.playing_label = label("", "hint")
        self.playing_label.setObjectName("playing_file")
        self.playing_label.hide()
        rec.addWidget(self.playing_label)
        self.mic_warning = label("", "problem")
        self.mic_warning.setObjectName("mic_warning")
        rec.addWidget(self.mic_warning)
        self.recorder = media_support.recorder(bridge)
        self.recorder.recorded.connect(self._recorded)
        self.recorder.problem.connect(lambda words: self.message.show_problem(words))
        rec.addWidget(self.recorder)
        controls = QHBoxLayout()
        self.play_button = QPushButton("▶ Play", objectName="play")
        self.play_button.clicked.connect(self.toggle_play)
        self.slider = QSlider(Qt.Horizontal, objectName="position")
        self.slider.sliderMoved.connect(lambda v: self.player.setPosition(v))
        self.position_label = label("0:00 / 0:00", "hint", wrap=False)
        self.position_label.setObjectName("position_label")
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.position_label)
        rec.addLayout(controls)
        marks = QHBoxLayout()
        self.ac_choice = QComboBox(objectName="bookmark_ac")
        shrinkable(self.ac_choice)
        self.ac_choice.setMinimumContentsLength(20)
        self.bookmark_button = QPushButton("Bookmark AC", objectName="bookmark")
        self.bookmark_button.setToolTip("Bookmark the chosen AC at this moment of the recording (Ctrl+B)")
        self.bookmark_button.clicked.connect(self.request_bookmark)
        marks.addWidget(self.ac_choice, 1)
        marks.addWidget(self.bookmark_button)
        rec.addLayout(marks)
        rec.addWidget(label("Bookmarks are listed on the Record tab; double-click one to jump "
                            "to that moment.", "hint"))
        layout.addWidget(self.recording_box)
        self.player = media_support.player(self)
        if media_support.multimedia_missing():
            self.play_button.setEnabled(False)
            self.play_button.setToolTip(media_support.multimedia_missing())
        # Bound methods of this widget, not lambdas: the player's signals may come from its
        # own threads, and a slot with a receiver is queued to the GUI thread.
        self.player.positionChanged.connect(self._position)
        self.player.durationChanged.connect(self._duration)
        self.player.playbackStateChanged.connect(self._playback_state)
        self.loaded_sha: str | None = None
        self.loaded_name = ""
        self._pending_jump: int | None = None
        self.player.mediaStatusChanged.connect(self._media_status)
        # Files recorded on another laptop come from the centre when opened (issue 14).
        self.fetch = FileFetch(bridge.store, self)
        self.fetch.progress.connect(
            lambda name, percent: self.message.setText(f"Downloading {name} from the centre… {percent}%"))
        self.fetch.failed.connect(lambda words: self.message.show_problem(words))
        self.fetch.arrived.connect(self._fetched)
        self.states = {}
        self._enable_file_buttons()

    # -- loading -----------------------------------------------------------------------
    def load(self, record: RecordView) -> None:
        self.record = record
        self.message.show_problem(None)
        media_support.stop_player(self.player)
        self.loaded_sha = None
        self.playing_label.hide()
        is_pd = record.method == "PD"
        self.recording_box.setVisible(is_pd)
        # An IQA's laptop plays a discussion's recording; it records and bookmarks nothing.
        self.recorder.set_record(record if is_pd and not self.read_only else None)
        self.bookmark_button.setEnabled(not self.read_only)
        if is_pd:
            # Without Qt Multimedia the line under the buttons already gives the reason.
            missing = media_support.multimedia_missing()
            microphones = media_support.audio_inputs()
            self.mic_warning.setText(
                "" if missing or microphones else
                "⚠ No microphone found on this laptop: recording in the app is not possible. "
                "Record on a phone or recorder and attach the file here.")
            self.mic_warning.setVisible(not missing and not microphones and not self.read_only)
            self.recorder.setVisible((bool(missing) or bool(microphones)) and not self.read_only)
        self.refresh()

    def refresh(self) -> None:
        record = self.record
        self.views = self.bridge.store.read(attachments_of, record.id)
        files = attachments_of_store(self.bridge.store)
        self.states = self.bridge.store.read(file_states, self.views, files.exists,
                                             files.known_damaged)
        self.list.clear()
        for v in self.views:
            # Length and caption are what an IQA asks about a clip or a photo.
            length = f", {mmss(v.duration_ms)}" if v.duration_ms else ""
            caption = f"\n    {v.caption}" if v.caption else ""
            where = self.states[v.id]
            # Where it is on a line of its own: after the name and size it was cut at
            # "waiting to go to the" at 1280 pixels.
            item = QListWidgetItem(f"{KIND_MARK.get(v.kind, '▤')} {v.original_name}   "
                                   f"({v.kind}{length}, {_size(v.size)})\n    {where.words()}"
                                   f"{caption}")
            item.setData(Qt.UserRole, v.id)
            if v.kind == "photo" and where.state not in (NOT_HERE, DAMAGED):
                image = self._thumbnail_of(v.sha256)
                if not image.isNull():
                    item.setIcon(QIcon(QPixmap.fromImage(
                        image.scaled(96, 72, Qt.KeepAspectRatio, Qt.SmoothTransformation))))
            self.list.addItem(item)
        locked = record.state == "signed" or self.read_only
        self.attach_button.setEnabled(not locked)
        self._enable_file_buttons()
        self.take_photo.set_locked(locked)
        self.lengths.measure(record, self.views)
        if record.method == "PD":
            mapped = self.bridge.store.read(mappings_of, record.id)
            self.ac_choice.clear()
            for m in mapped:
                self.ac_choice.addItem(f"Unit {m.unit_number} AC {m.ac_number}", m.criterion_id)
            if not mapped:
                self.ac_choice.addItem("(map criteria first, on “Criteria covered”)", "")
            media = [v for v in self.views if v.kind in ("audio", "video")   # fetched only
                     and self.states[v.id].state not in (NOT_HERE, DAMAGED)]  # when chosen
            if media and self.loaded_sha is None:
                self._load_media(media[0])

    def _refresh_keeping_message(self) -> None:
        if self.record is not None:
            self.refresh()

    def _thumbnail_of(self, sha256: str) -> QImage:
        image = QImage()
        try:
            with self.bridge.store.attachments.open(sha256) as fh:
                image.loadFromData(fh.read())
        except (OSError, AttachmentFailed):
            pass          # a missing photo shows without a thumbnail; `verify` reports it
        return image

    # -- attaching -----------------------------------------------------------------------
    def _choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Attach files to " + self.record.portfolio_ref)
        if paths:
            self.attach_paths(paths)

    def attach_paths(self, paths: list[str]) -> None:
        record_id = self.record.id
        store = self.bridge.store
        for path in paths:
            self.message.setText(f"Copying {Path(path).name}…")
            future = disk_work.submit(attach_file, store, record_id, path)
            self.bridge.when_done(future, lambda attachment_id: self._attached(record_id, attachment_id),
                                  self._failed)

    def _attached(self, record_id: str, attachment_id: str) -> None:
        if self.record is not None and self.record.id == record_id:
            self.message.show_problem(None)
            self.refresh()
            self.lengths.warn_if_over(record_id, attachment_id)
        self.attached.emit(record_id)

    def _failed(self, exc: Exception) -> None:
        self.message.show_problem(str(exc))

    # -- viewing and removing -------------------------------------------------------------
    def _current(self):
        row = self.list.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def _enable_file_buttons(self) -> None:
        """Open and Remove act on the chosen file: with none chosen they are greyed, not
        buttons that do nothing when pressed."""
        chosen = self._current() is not None
        locked = self.record is None or self.record.state == "signed" or self.read_only
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen and not locked)
        self.open_button.setToolTip("Open the chosen file with the system viewer" if chosen
                                    else "Choose a file in the list to open it")
        self.remove_button.setToolTip(
            "The record is signed: its files stay as signed" if self.record is not None
            and self.record.state == "signed" else
            "An IQA's laptop opens files; the assessor adds and removes them" if self.read_only
            else "Remove the chosen file (Ctrl+Z brings it back)" if chosen
            else "Choose a file in the list to remove it")

    def _selected(self, row: int) -> None:
        self._enable_file_buttons()
        view = self._current()
        if view is not None and view.kind in ("audio", "video") and self.record.method == "PD":
            self._load_media(view)

    def _to_fetch(self, view) -> bool:
        """At the centre only, or damaged here with a good copy at the centre."""
        where = self.states.get(view.id)
        return where is not None and (where.state == NOT_HERE or where.fetch_again)

    def open_selected(self) -> None:
        view = self._current()
        if view is not None and self._to_fetch(view):
            self.fetch.start(view.sha256, view.original_name)   # opened when it arrives
            return
        if view is not None:
            try:
                path = self.bridge.store.attachments.viewable_copy(view.sha256,
                                                                   view.original_name)
            except AttachmentFailed as exc:      # a damaged entry or file: said, not opened
                self.message.show_problem(str(exc))
                self.refresh()                   # and the list now says "damaged"
                return
            open_in_system(path)

    def _fetched(self, sha256: str) -> None:
        self.message.show_problem(None)
        chosen = self._current()
        self.refresh()
        if chosen is not None:      # the list is rebuilt; the file chosen stays chosen
            self._choose(chosen.id)
        view = self._current()
        if view is not None and view.sha256 == sha256:
            if self.record.method == "PD" and view.kind in ("audio", "video"):
                self._load_media(view)   # ready to play beside the bookmarks
                # The player is below the file list: brought into view, or the download
                # seemed to do nothing.
                QTimer.singleShot(0, self.show_player)
            else:
                self.open_selected()

    def _choose(self, attachment_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.UserRole) == attachment_id:
                self.list.blockSignals(True)
                self.list.setCurrentRow(row)
                self.list.blockSignals(False)
                self._enable_file_buttons()
                return

    def remove_selected(self) -> None:
        view = self._current()
        if view is None:
            return
        self.last_removed = view.id
        record_id = self.record.id

        def removed(_r):
            self.refresh()
            self.attached.emit(record_id)
            # the window's one Undo (Ctrl+Z) brings it back (ui/window_undo.py)
            self.bridge.undoable(f"remove {view.original_name}", (restore_attachment, (view.id,)),
                                 (remove_attachment, (view.id,)))

        self.bridge.write(remove_attachment, view.id, on_done=removed, on_error=self._failed)

    # -- playback and bookmarks -----------------------------------------------------------
    def _load_media(self, view) -> None:
        if self._to_fetch(view):
            self.fetch.start(view.sha256, view.original_name)   # loaded when it arrives
            return
        try:
            path = self.bridge.store.attachments.viewable_copy(view.sha256, view.original_name)
        except AttachmentFailed as exc:
            self.message.show_problem(str(exc))
            QTimer.singleShot(0, self._refresh_keeping_message)   # the list says "damaged"
            return
        media_support.set_player_source(self.player, QUrl.fromLocalFile(str(path)))
        self.loaded_sha = view.sha256
        self.loaded_name = view.original_name
        self.playing_label.setText(f"In the player: {view.original_name}")
        self.playing_label.show()

    def show_player(self) -> None:
        """Scroll every scroll area this tab sits in, innermost first, until Play and the
        file's name above it show."""
        above = self.play_button.mapTo(self.recording_box, self.play_button.rect().topLeft()).y() \
            - self.playing_label.mapTo(self.recording_box, self.playing_label.rect().topLeft()).y()
        parent = self.recording_box.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(self.play_button, 0, max(above, 0) + 8)
            parent = parent.parentWidget()

    def toggle_play(self) -> None:
        if self.player.playbackState() == type(self.player).PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def _duration(self, duration: int) -> None:
        self.slider.setRange(0, duration)
        self._position()

    def _playback_state(self, playback_state) -> None:
        playing = playback_state == type(self.player).PlayingState
        self.play_button.setText("‖ Pause" if playing else "▶ Play")

    def _position(self, *_args) -> None:
        self.slider.setValue(self.player.position())
        self.position_label.setText(f"{mmss(self.player.position())} / {mmss(self.player.duration())}")

    def request_bookmark(self) -> None:
        if self.record is None or self.record.method != "PD" or not self.ac_choice.currentData() \
                or self.read_only:   # Ctrl+B on an IQA's laptop: the record is not theirs
            return
        if self.recorder.recording:   # "AC 2.3 at 12:40" of the recording being made
            self.bookmark_requested.emit(mmss(self.recorder.position_ms), self.ac_choice.currentText(),
                                         self.recorder.recording_name)
            return
        self.bookmark_requested.emit(mmss(self.player.position()), self.ac_choice.currentText(),
                                     getattr(self, "loaded_name", ""))

    def _recorded(self, record_id: str, attachment_id: str) -> None:
        if self.record is not None and self.record.id == record_id:
            self.refresh()
            made = next((v for v in self.views if v.id == attachment_id), None)
            if made is not None:       # ready to play back and jump to its bookmarks
                self._load_media(made)
        self.attached.emit(record_id)

    def jump_to(self, recording: str, at_text: str) -> None:
        target = next((v for v in self.views if v.original_name == recording), None)
        loading = target is not None and target.sha256 != self.loaded_sha
        if loading:
            self._load_media(target)     # the new source is set from the event loop, soon
        ms = parse_mmss(at_text)
        if ms is None:
            return
        if loading or self.player.mediaStatus() in (type(self.player).LoadingMedia,
                                                    type(self.player).NoMedia):
            self._pending_jump = ms     # a position set while loading is lost: apply it after
        else:
            self.player.setPosition(ms)
            self._position()

    def _media_status(self, status) -> None:
        if status == type(self.player).LoadedMedia and self._pending_jump is not None:
            self.player.setPosition(self._pending_jump)
            self._pending_jump = None
            self._position()


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
