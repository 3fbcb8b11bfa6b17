"""A learner's evidence on their page: the records, one open in the editor, side by side
with the learner in view; and the progress grid with the visit plan ("what's still
needed"), which the learner page shows as a tab of its own (`progress_view`), so no screen
is more than two levels of tabs deep."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QSplitter, QVBoxLayout,
    QWidget,
)

from app.caseload.queries import enrolments_of
from app.caseload.validation import format_date
from app.evidence.methods import method_name
from app.evidence.progress import learner_progress
from app.evidence.records import create_record, delete_record, records_of_learner, restore_record
from app.models.evidence import METHODS
from app.signing.evidence_states import EvidenceState, evidence_states
from app.sync.record_states import evidence_sync_words
from ui.bridge import Bridge
from ui.evidence.progress_grid import ProgressGrid, StillNeeded
from ui.evidence.record_editor import RecordEditor
from ui.widgets import ProblemLabel, label, shrinkable



def state_words(state: EvidenceState | None, fallback: str) -> str:
    """Where a record stands, in words (the list is not colour-coded)."""
    if state is None:
        return fallback
    words = state.words
    if state.correction_of:
        words += f" · Correction of {state.correction_of}"
    if state.corrected:
        words += " · Corrected by a later version"
    return words


class EvidencePanel(QWidget):
    changed = Signal(str)   # learner id, when evidence or progress changed

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.learner_id: str | None = None
        self._states: dict[str, EvidenceState] = {}
        self.read_only = False    # an IQA's laptop: the records are the assessor's
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Horizontal)
        outer.addWidget(splitter)

        left = QWidget()
        box = QVBoxLayout(left)
        box.addWidget(label("Evidence", "section"))
        self.enrolment = shrinkable(QComboBox(objectName="evidence_enrolment"))
        box.addWidget(self.enrolment)
        new_row = QHBoxLayout()
        self.method = shrinkable(QComboBox(objectName="new_method"), 8)
        for code, name in METHODS.items():
            self.method.addItem(f"{name} ({code})", code)
        self.new_button = QPushButton("New record", objectName="new_record")
        self.new_button.setProperty("primary", True)
        self.new_button.setToolTip("Ctrl+E")
        self.new_button.clicked.connect(self.new_record)
        new_row.addWidget(self.method, 1)
        new_row.addWidget(self.new_button)
        box.addLayout(new_row)
        self.problem = ProblemLabel()
        box.addWidget(self.problem)
        self.list = QListWidget(objectName="record_list")
        self.list.setSpacing(3)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)   # where a record stands must be readable, not cut off
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        # Item heights are measured at the list's real width (see _fit_items): Qt's own guess
        # cut off the state line ("Draft") under a title that wraps to two lines.
        self.list.viewport().installEventFilter(self)
        self.list.currentItemChanged.connect(self._chosen)
        box.addWidget(self.list, 1)
        actions = QHBoxLayout()
        self.delete_button = QPushButton("Delete record", objectName="delete_record")
        self.delete_button.clicked.connect(self.delete_current)
        actions.addWidget(self.delete_button)
        actions.addStretch()
        box.addLayout(actions)
        splitter.addWidget(left)

        self.editor = RecordEditor(bridge)
        self.editor.saved.connect(self._record_saved)
        self.editor.state_changed.connect(self._progress_changed)
        self.editor.open_record.connect(self._open_record)
        self.editor.mappings_changed.connect(self._progress_changed)
        self.editor.files.attached.connect(self._progress_changed)
        self.grid = ProgressGrid()
        self.needed = StillNeeded()
        # The grid above, what is still needed below: one click from the learner.
        self.progress_view = QSplitter(Qt.Vertical, objectName="progress_view")
        self.progress_view.addWidget(self.grid)
        self.progress_view.addWidget(self.needed)
        self.progress_view.setSizes([360, 240])
        splitter.addWidget(self.editor)
        left.setMaximumWidth(380)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        # Ctrl+E (a new record) is the learner page's, so it works from any of its tabs.

    # -- loading -----------------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        """An IQA's laptop: records are read and their files opened, not made or changed."""
        self.read_only = read_only
        self.editor.set_read_only(read_only)

    def load(self, learner_id: str | None) -> None:
        self.editor.flush()
        self.learner_id = learner_id
        self.problem.show_problem(None)
        enrolments = self.bridge.store.read(enrolments_of, learner_id) if learner_id else []
        self.enrolment.clear()
        for e in enrolments:
            self.enrolment.addItem(e.qualification, e.id)
        self.new_button.setEnabled(bool(enrolments) and not self.read_only)
        if learner_id and not enrolments:
            self.problem.show_problem("Enrol the learner on a qualification (the Enrolments "
                                      "and units tab) before recording evidence.")
        self.refresh()

    def refresh(self, keep: bool = True) -> None:
        current = self.current_record_id() if keep else None
        learner_id = self.learner_id

        def read(session):
            if not learner_id:
                return [], [], {}, {}
            return (records_of_learner(session, learner_id), learner_progress(session, learner_id),
                    evidence_states(session, learner_id), evidence_sync_words(session, learner_id))

        records, progress, states, at_centre = self.bridge.store.read(read)
        self._states = states
        self.list.blockSignals(True)
        self.list.clear()
        for r in records:
            item = QListWidgetItem(
                f"{r.printed_ref or r.portfolio_ref} · {method_name(r.method)}"
                # Signed on a record of this learner merged into this one (app/caseload/merge.py)
                + (" · merged record" if r.learner_id != learner_id else "")
                + f"\n{format_date(r.date)} · {r.title}\n"
                f"{r.mapping_count} AC(s) · {r.attachment_count} file(s)\n"
                f"{state_words(states.get(r.id), r.state)}"
                + (f" · {at_centre[r.id]}" if r.id in at_centre else ""))
            item.setData(Qt.UserRole, r.id)
            self.list.addItem(item)
            if r.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._fit_items()
        if current is None or self.current_record_id() != current:
            if self.list.count() and self.list.currentRow() < 0:
                self.list.setCurrentRow(0)
                self._chosen(self.list.currentItem(), None)
            elif not self.list.count():
                self.editor.load(None)
        self.grid.show_progress(progress)
        self.needed.show_progress(progress)
        self.delete_button.setEnabled(bool(records) and not self.read_only)

    def _fit_items(self) -> None:
        width = max(self.list.viewport().width() - 2 * self.list.spacing() - 8, 80)
        metrics = self.list.fontMetrics()
        line_height, leading = metrics.height(), metrics.leading()
        for i in range(self.list.count()):
            item = self.list.item(i)
            # Only a line wider than the list wraps, and only it is laid out in full (laying
            # out every item's whole text was a sixth of opening a learner).
            lines = item.text().split("\n")
            height = sum(line_height if metrics.horizontalAdvance(line) <= width else
                         metrics.boundingRect(0, 0, width, 10_000, int(Qt.TextWordWrap),
                                              line).height() for line in lines)
            item.setSizeHint(QSize(width, height + leading * (len(lines) - 1) + 6))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.list.viewport() and event.type() == QEvent.Resize:
            self._fit_items()
        return super().eventFilter(watched, event)

    def current_record_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item else None

    def _chosen(self, item, _previous) -> None:
        if item is not None and (self.editor.record is None
                                 or self.editor.record.id != item.data(Qt.UserRole)):
            record_id = item.data(Qt.UserRole)
            state = self._states.get(record_id)     # read with the list, moments ago
            self.editor.load(record_id, state.still_to_sign if state is not None else None)

    def _open_record(self, record_id: str) -> None:
        """A correction just made (or the original it corrects): show it in the editor."""
        self.refresh(keep=True)
        self.select_record(record_id)
        self.changed.emit(self.learner_id)

    def select_record(self, record_id: str) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == record_id:
                self.list.setCurrentRow(i)
                return

    # -- changes -------------------------------------------------------------------------
    def new_record(self, method: str | None = None) -> str | None:
        enrolment_id = self.enrolment.currentData()
        if not enrolment_id or self.read_only:   # Ctrl+E reaches here past the button
            return None
        method = method or self.method.currentData()
        self.editor.flush()
        record_id = self.bridge.store.write_now(create_record, enrolment_id, method)
        self.refresh(keep=False)
        self.select_record(record_id)
        self.editor.tabs.setCurrentIndex(0)
        self.editor.common["title"].setFocus()
        self.editor.common["title"].selectAll()
        self.changed.emit(self.learner_id)
        return record_id

    def _progress_changed(self, _record_id: str) -> None:
        self.refresh(keep=True)
        self.changed.emit(self.learner_id)   # the caseload's progress column follows

    def _record_saved(self, record_id: str) -> None:
        item = self.list.currentItem()
        if item is not None and item.data(Qt.UserRole) == record_id:
            self.refresh(keep=True)

    def delete_current(self) -> None:
        record_id = self.current_record_id()
        if not record_id or self.read_only:
            return
        self.editor.flush()

        ref = self.list.currentItem().text().split(" · ")[0]

        def done(_r):
            self.problem.show_problem(None)
            self.editor.record = None
            self.refresh(keep=False)
            self.changed.emit(self.learner_id)
            # the window's one Undo (Ctrl+Z) brings it back (ui/window_undo.py)
            self.bridge.undoable(f"delete {ref}", (restore_record, (record_id,)),
                                 (delete_record, (record_id,)))

        self.bridge.write(delete_record, record_id, on_done=done,
                          on_error=lambda exc: self.problem.show_problem(
                              " ".join(getattr(exc, "problems", {"": str(exc)}).values())))
