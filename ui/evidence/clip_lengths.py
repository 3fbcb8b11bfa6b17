"""The playing time of clips Fieldfolio could not read from their header (MKV, WebM, AVI,
MP3, files attached before lengths were recorded), measured by Qt's media player, and the
warning when a video takes the portfolio over its qualification's video cap.

A player of its own, with no sound output, opens each clip in turn: the discussion player
on the same tab must not stop what the assessor is listening to. A clip the player cannot
open stays "of unknown length", and the visit plan names it for the assessor to check.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtMultimedia import QMediaPlayer

from app.evidence.attachments import set_attachment_duration
from app.evidence.video_cap import video_cap_of_record
from app.models.evidence import Attachment
from ui.evidence.media_support import set_player_source
from ui.widgets import ProblemLabel

GIVE_UP_MS = 15_000   # a clip the player neither opens nor refuses in this time is left


def over_cap_warning(session, record_id: str, attachment_id: str) -> str | None:
    """Words for the assessor if this video leaves the enrolment over its video cap."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.kind != "video":
        return None
    cap = video_cap_of_record(session, record_id)
    if cap is None or not cap.outstanding:
        return None
    return (f"{cap.text} {row.original_name} is attached and kept; units that cap video "
            f"cannot be signed off until the total is back within {cap.allowed_minutes} "
            f"minutes, so decide which clips the portfolio needs.")


class ClipLengths(QObject):
    measured = Signal(str)   # record id: a clip's length was stored

    def __init__(self, bridge, message: ProblemLabel, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.message = message      # where the over-the-cap warning is shown
        self.queue: list[tuple[str, object]] = []
        self.tried: set[str] = set()
        self.current: tuple[str, object] | None = None
        self.player = QMediaPlayer(self)
        self.player.durationChanged.connect(self._duration)
        self.player.mediaStatusChanged.connect(self._status)
        self.timer = QTimer(self, singleShot=True, interval=GIVE_UP_MS)
        self.timer.timeout.connect(self._next)

    def measure(self, record, views) -> None:
        """Queue the record's audio and video of unknown length (a signed record's files
        stay as they were signed, so they are not measured)."""
        if record is None or record.state == "signed":
            return
        for v in views:
            if v.kind in ("audio", "video") and v.duration_ms is None and v.id not in self.tried:
                self.tried.add(v.id)
                self.queue.append((record.id, v))
        if self.current is None:
            self._next()

    def warn_if_over(self, record_id: str, attachment_id: str) -> None:
        words = self.bridge.store.read(over_cap_warning, record_id, attachment_id)
        if words:
            self.message.show_problem(words)

    # -- one clip at a time -------------------------------------------------------------
    def _next(self) -> None:
        self.current = None
        set_player_source(self.player, QUrl())
        while self.queue:
            record_id, view = self.queue.pop(0)
            attachments = self.bridge.store.attachments
            if attachments.exists(view.sha256):
                path = attachments.viewable_copy(view.sha256, view.original_name)
                self.current = (record_id, view)
                self.timer.start()
                set_player_source(self.player, QUrl.fromLocalFile(str(path)))
                return
        self.timer.stop()

    def _duration(self, ms: int) -> None:
        if self.current is None or ms <= 0:
            return
        record_id, view = self.current
        self.current = None          # later signals about this clip are not news
        self.timer.stop()

        def stored(changed):
            if changed:
                self.measured.emit(record_id)
                self.warn_if_over(record_id, view.id)

        # Refused (signed meanwhile, or removed): the length stays unknown, nothing to say.
        self.bridge.write(set_attachment_duration, view.id, int(ms), on_done=stored,
                          on_error=lambda _exc: None)
        QTimer.singleShot(0, self._next)

    def _status(self, status) -> None:
        if self.current is not None and status in (QMediaPlayer.InvalidMedia,
                                                   QMediaPlayer.LoadedMedia):
            if status == QMediaPlayer.InvalidMedia or self.player.duration() <= 0:
                self.current = None
                self.timer.stop()
                QTimer.singleShot(0, self._next)
