"""At start-up: recordings a crash interrupted are finished and attached to their records,
and the assessor is told, in words, what was saved where."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.evidence.recording import interrupted_recordings, record_label, recover
from ui.evidence.clock_text import mmss
from ui.evidence.disk_work import disk_work


def _recover_all(store) -> list[str]:
    lines = []
    for item in interrupted_recordings(store.attachments):
        ref = store.read(record_label, item.record_id)
        try:
            recover(store, item)
            lines.append(f"{ref}: {item.name} ({mmss(item.recorded_ms)}) was saved and "
                         f"attached to the record.")
        except Exception as exc:   # kept in place; tried again at the next start
            words = getattr(exc, "problems", None)
            words = "; ".join(words.values()) if isinstance(words, dict) else str(exc)
            lines.append(f"{ref}: {item.name} ({mmss(item.recorded_ms)}) is kept on this "
                         f"laptop but could not be attached: {words}")
    return lines


def recover_recordings(parent: QWidget, bridge) -> None:
    """Runs off the GUI thread (a long recording takes a moment to hash)."""
    if not interrupted_recordings(bridge.store.attachments):
        return

    def tell(lines: list[str]) -> None:
        if lines:   # not modal-blocking: the assessor can read it and carry on
            box = QMessageBox(QMessageBox.Information, "Recording recovered",
                              "Fieldfolio closed while recording. What was recorded up to the "
                              "last second has been kept:\n\n" + "\n".join(lines),
                              QMessageBox.Ok, parent)
            box.setObjectName("recording_recovered")
            box.open()

    bridge.when_done(disk_work.submit(_recover_all, bridge.store), tell,
                     lambda exc: QMessageBox.warning(parent, "Recording not recovered", str(exc)))
