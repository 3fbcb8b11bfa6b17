"""One evidence record: the fields every record shares, then the method's own field set.

Saves as the assessor types (a short timer, then `autosave_record` on the writer thread,
which keeps the raw text as a draft first): no Save button, nothing lost on kill -9.
An observation has a timer (start/stop fill the start and end times) and a line for
timestamped notes; a professional discussion has its recording and bookmarks.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea,
    QSizePolicy, QTabWidget, QVBoxLayout, QWidget,
)

from app.evidence.methods import DETAILS
from app.evidence.records import (
    LOCATION_LIMIT, REF_LIMIT, TITLE_LIMIT, RecordView, autosave_record, get_record, state_of,
)
from app.models.evidence import JUDGEMENT_FLAGS
from ui.bridge import Bridge
from ui.evidence.criteria_picker import CriteriaPicker
from ui.evidence.fields import ListField, field_value, make_field, set_field_value
from ui.evidence.files_panel import FilesPanel
from ui.evidence.question_bank_dialog import QuestionBankRow
from ui.evidence.signing_bar import SigningBar
from ui.length_rule import LengthRule
from ui.signing.locked_banner import LockedBanner
from ui.widgets import ProblemLabel, label, scrolling, set_invalid

SAVE_DELAY_MS = 300
STATE_WORDS = {"draft": "Draft", "ready": "Ready for signatures", "signed": "Signed (locked)"}


class RecordEditor(QWidget):
    saved = Signal(str)           # record id, after a save reached the database
    mappings_changed = Signal(str)
    state_changed = Signal(str)   # marked ready, back to draft, or signed
    open_record = Signal(str)     # a correction just made, or the signed original
    sign_off_requested = Signal(str, str)   # enrolment id, unit id (from the signing bar)

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record: RecordView | None = None
        self._loading = False
        self.read_only = False    # an IQA's laptop: shown as a signed record is, unchanged
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._tick)

        # The record scrolls when the window is short (a 1280×720 laptop less its taskbar):
        # its banner, signing buttons and tabs never push the window's minimum height past
        # the screen, and the tabs keep room to work in. The heading (which record, where
        # it stands) stays above the scrolling part, so it is in view wherever the assessor
        # has scrolled to.
        body = QWidget()
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.setSpacing(2)
        self.heading = label("", "title")
        self.heading.setObjectName("record_heading")
        self.state_label = label("", "subtitle")
        for line in (self.heading, self.state_label):
            # One line each, cut at the column's edge (the full words in the tooltip): a
            # long title must neither widen the window nor make the fixed part tall.
            line.setWordWrap(False)
            line.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
            frame.addWidget(line)
        self.scroll = scrolling(body)
        frame.addWidget(self.scroll, 1)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 4, 0)
        # Signing (ui/signing): locked banner for signed records, then the way to signatures.
        self.banner = LockedBanner(bridge)
        self.banner.amendment_made.connect(self.open_record)
        self.banner.open_record.connect(self.open_record)
        outer.addWidget(self.banner)
        self.signing_bar = SigningBar(bridge)
        self.signing_bar.before_action = self._before_signing
        self.signing_bar.judged = lambda: self.judged()
        self.signing_bar.state_changed.connect(self._state_changed)
        self.signing_bar.signed.connect(self._state_changed)
        self.signing_bar.sign_off_requested.connect(self.sign_off_requested)
        outer.addWidget(self.signing_bar)
        self.tabs = QTabWidget(objectName="record_tabs")
        self.tabs.setMinimumHeight(300)
        outer.addWidget(self.tabs, 1)

        # -- the record's own fields --------------------------------------------------
        page = QWidget()
        self.form = QFormLayout(page)
        self.common: dict[str, QLineEdit] = {}
        self.problems: dict[str, ProblemLabel] = {}
        for key, text in (("portfolio_ref", "Portfolio reference"), ("title", "Title"),
                          ("date", "Date"), ("location", "Where")):
            edit = QLineEdit(objectName=f"record_{key}")
            edit.textEdited.connect(self._edited)
            if key == "date":
                edit.setPlaceholderText("DD/MM/YYYY")
            self.common[key] = edit
            self.form.addRow(text, edit)
            limit = {"portfolio_ref": REF_LIMIT, "title": TITLE_LIMIT,
                     "location": LOCATION_LIMIT}.get(key)
            if limit:   # said as the typing nears it, not first met as a refusal
                self.form.addRow("", LengthRule(edit, max_chars=limit,
                                                required=key != "location"))
            self._problem_row(key)
        self.timer_row = QWidget()
        timer_box = QHBoxLayout(self.timer_row)
        timer_box.setContentsMargins(0, 0, 0, 0)
        self.start_button = QPushButton("▶ Start observation", objectName="timer_start")
        self.stop_button = QPushButton("■ Stop", objectName="timer_stop")
        self.elapsed = QLabel("", objectName="timer_elapsed")
        self.start_button.clicked.connect(self.start_timer)
        self.stop_button.clicked.connect(self.stop_timer)
        for w in (self.start_button, self.stop_button, self.elapsed):
            timer_box.addWidget(w)
        timer_box.addStretch()
        self.form.addRow("Timer", self.timer_row)
        self.details_box = QFormLayout()
        self.form.addRow(self.details_box)
        self.flags: dict[str, QCheckBox] = {}
        flags_row = QHBoxLayout()
        for flag in JUDGEMENT_FLAGS:
            box = QCheckBox(flag.capitalize(), objectName=f"flag_{flag}")
            box.toggled.connect(self._edited)
            box.toggled.connect(self._judged_changed)
            self.flags[flag] = box
            flags_row.addWidget(box)
        flags_row.addStretch()
        self.form.addRow("Judged", flags_row)
        self.form.addRow("", label("Every change saves as you type.", "hint"))
        for form in (self.form, self.details_box):
            form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, "Record")
        self.details: dict[str, QWidget] = {}
        self.note_row: QWidget | None = None
        self.bank_row: QuestionBankRow | None = None   # questioning records only

        self.picker = CriteriaPicker(bridge)
        self.picker.changed.connect(self._mappings_changed)
        self.tabs.addTab(self.picker, "Criteria covered")
        self.files = FilesPanel(bridge)
        self.files.bookmark_requested.connect(self._add_bookmark)
        self.files.attached.connect(self._follow_state)   # files added or removed
        self.tabs.addTab(self.files, "Files && recordings")
        # A recording goes on while the assessor types: the tab shows it is running.
        self.files.recorder.status_changed.connect(self._recording_status)
        QShortcut(QKeySequence("Ctrl+T"), self, activated=self.add_timestamped_note_focus,
                  whatsThis="Observation: type a timestamped note")
        QShortcut(QKeySequence("Ctrl+B"), self, activated=self.files.request_bookmark,
                  whatsThis="Professional discussion: bookmark the chosen AC in the recording")

    def _recording_status(self, status: str) -> None:
        index = self.tabs.indexOf(self.files)
        self.tabs.setTabText(index, "Files && recordings" + (f"  {status}" if status else ""))

    def _before_signing(self) -> None:
        # A signature covers the files: the recording must be finished and attached first.
        self.flush()
        self.files.recorder.stop(wait=True)

    def _mappings_changed(self) -> None:
        self.files.refresh()   # the bookmark AC list follows the mappings
        self._follow_state(self.record.id)
        self.mappings_changed.emit(self.record.id)

    def _problem_row(self, key: str) -> None:
        problem = ProblemLabel()
        self.problems[key] = problem
        self.form.addRow("", problem)

    # -- loading -----------------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for part in (self.picker, self.files, self.banner, self.signing_bar):
            part.read_only = read_only

    def load(self, record_id: str | None, to_sign: list[str] | None = None) -> None:
        self.flush()
        self.record = self.bridge.store.read(get_record, record_id) if record_id else None
        self.setEnabled(self.record is not None)
        self.banner.load("evidence_record", record_id if self.record else None)
        self.signing_bar.load(self.record, to_sign)
        self.scroll.verticalScrollBar().setValue(0)   # a record opens at its heading
        # With no record there is nothing to show: the last learner's record must not
        # linger under "No record chosen".
        self.tabs.setVisible(self.record is not None)
        if self.record is None:
            self.heading.setText("No record chosen")
            self.state_label.setText("Choose a record on the left, or press New record.")
            return
        self._build_details(self.record.method)
        self._fill(self.record.form_values())
        self.picker.load(self.record)
        self.files.load(self.record)
        if self.record.draft:
            self.save_now()

    def _build_details(self, method: str) -> None:
        while self.details_box.rowCount():
            self.details_box.removeRow(0)
        self.details = {}
        self.note_row = self.bank_row = None
        self.problems = {k: v for k, v in self.problems.items() if not k.startswith("details.")}
        for spec in DETAILS[method]:
            widget = make_field(spec, self._edited)
            self.details[spec.key] = widget
            self.details_box.addRow(spec.label, widget)
            if spec.key == "notes":
                self.note_row = self._rebuild_note_row()
                self.details_box.addRow("", self.note_row)
            if spec.key == "questions":
                self.bank_row = QuestionBankRow(self.bridge, widget, self.record, self.flush)
                self.details_box.addRow("", self.bank_row)
            problem = ProblemLabel()
            self.problems[f"details.{spec.key}"] = problem
            self.details_box.addRow("", problem)
            if isinstance(widget, ListField) and spec.key == "bookmarks":
                widget.row_activated.connect(self._jump_to_bookmark)
        is_obs = method == "Obs"
        self.timer_row.setVisible(is_obs)
        self.form.labelForField(self.timer_row).setVisible(is_obs)

    def _rebuild_note_row(self) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        self.note_input = QLineEdit(objectName="note_input")
        self.note_input.setPlaceholderText("Type a note and press Enter: it is stamped with the time (Ctrl+T)")
        self.note_input.returnPressed.connect(self.add_timestamped_note)
        add = QPushButton("Add timestamped note", objectName="add_note")
        add.clicked.connect(self.add_timestamped_note)
        box.addWidget(self.note_input, 1)
        box.addWidget(add)
        return row

    def _fill(self, values: dict) -> None:
        self._loading = True
        try:
            for key, edit in self.common.items():
                edit.setText(str(values.get(key, "") or ""))
            for flag, box in self.flags.items():
                box.setChecked(bool(values.get(flag)))
            details = values.get("details") or {}
            for key, widget in self.details.items():
                set_field_value(widget, details.get(key))
        finally:
            self._loading = False
        self._show_heading()
        self._update_timer()
        self.show_problems({})

    def _show_heading(self) -> None:
        r = self.record
        typed = self.common['portfolio_ref'].text()
        # Signed twice under one reference, it is shown as printed ("OBS-001/A3F2").
        shown = r.printed_ref if typed in ("", r.portfolio_ref) and r.printed_ref else typed
        self.heading.setText(f"{shown or r.portfolio_ref} · {r.method_name}")
        self.state_label.setText(f"{STATE_WORDS.get(r.state, r.state)} · {r.method} · "
                                 f"{self.common['title'].text()}")
        self.state_label.setToolTip(self.state_label.text())
        locked = r.state == "signed" or self.read_only
        for w in list(self.common.values()) + list(self.flags.values()) + list(self.details.values()):
            w.setEnabled(not locked)
        for w in (self.timer_row, self.note_row, self.bank_row):
            if w is not None:
                w.setEnabled(not locked)

    def _state_changed(self, record_id: str) -> None:
        """Ready, back to draft or signed: show it, read-only once signed."""
        if self.record is not None and self.record.id == record_id:
            self.load(record_id)
        self.state_changed.emit(record_id)

    # -- saving ------------------------------------------------------------------------
    def values(self) -> dict:
        out = {key: edit.text() for key, edit in self.common.items()}
        out.update({flag: box.isChecked() for flag, box in self.flags.items()})
        details = dict(self.record.details) if self.record else {}
        details.update({key: field_value(w) for key, w in self.details.items()})
        out["details"] = details
        return out

    def judged(self) -> list[str]:
        """The judgements ticked on screen (saved or not yet)."""
        return [flag for flag, box in self.flags.items() if box.isChecked()]

    def _judged_changed(self, *_args) -> None:
        self.signing_bar.show_ready_words()

    def _edited(self, *_args) -> None:
        if not self._loading and self.record is not None and not self.read_only:
            self._timer.start()
            self._update_timer()

    def save_now(self) -> None:
        self._timer.stop()
        if self.record is None:
            return
        record_id = self.record.id
        self.bridge.write(autosave_record, record_id, self.values(),
                          on_done=lambda problems: self._after_save(record_id, problems),
                          on_error=lambda exc: self._failed(record_id, exc))

    def flush(self) -> None:
        """Save pending typing before showing another record (blocks briefly)."""
        if self._timer.isActive() and self.record is not None:
            self._timer.stop()
            self.bridge.store.write_now(autosave_record, self.record.id, self.values())
            self._follow_state(self.record.id)
            self.saved.emit(self.record.id)

    def hideEvent(self, event) -> None:
        # Closing the window, switching tab or learner: pending typing goes to disk now.
        self.flush()
        super().hideEvent(event)

    def _after_save(self, record_id: str, problems: dict) -> None:
        if self.record is not None and record_id == self.record.id:
            self.show_problems(problems)
            self._show_heading()
            self._follow_state(record_id)
        self.saved.emit(record_id)

    def _follow_state(self, record_id: str) -> None:
        """A change to a record marked ready puts it back to draft (app/evidence/records.py):
        the heading and the signing strip say so at once, without reloading the fields
        the assessor is typing in, and the record list follows."""
        if self.record is None or self.record.id != record_id or self.record.state != "ready":
            return
        if self.bridge.store.read(state_of, record_id) == "draft":
            self.record.state = "draft"
            self._show_heading()
            self.signing_bar.load(self.record)
            self.state_changed.emit(record_id)

    def _failed(self, record_id: str, exc: Exception) -> None:
        problems = getattr(exc, "problems", {"record": str(exc)})
        self.state_label.setText("⚠ " + "; ".join(problems.values()))

    def show_problems(self, problems: dict) -> None:
        for key, lab in self.problems.items():
            lab.show_problem(problems.get(key))
            widget = self.common.get(key) or self.details.get(key.removeprefix("details."))
            if widget is not None and not isinstance(widget, ListField):
                set_invalid(widget, key in problems)

    # -- observation timer and notes -----------------------------------------------------
    def start_timer(self) -> None:
        start = self.details.get("start_time")
        if start is not None:
            start.setText(datetime.now().strftime("%H:%M"))
            self.details["end_time"].setText("")
            # Focus to Stop before Start is disabled: Qt would otherwise hand it to the
            # next field in the chain, scrolling the form down to Learner's comments.
            self.stop_button.setEnabled(True)
            self.stop_button.setFocus()
            self._edited()

    def stop_timer(self) -> None:
        end = self.details.get("end_time")
        if end is not None and self.details["start_time"].text():
            end.setText(datetime.now().strftime("%H:%M"))
            self.start_button.setEnabled(True)
            self.start_button.setFocus()     # as above: the form stays where it was
            self._edited()

    def _update_timer(self) -> None:
        """The timer lives in the start/end fields, so it survives a restart."""
        start = self.details.get("start_time")
        if start is None:
            self._clock.stop()
            return
        running = bool(start.text()) and not self.details["end_time"].text()
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        if running:
            self._clock.start()
        else:
            self._clock.stop()
        self._tick()

    def _tick(self) -> None:
        start = self.details.get("start_time")
        if start is None:
            return
        try:
            begin = datetime.strptime(start.text(), "%H:%M")
            end_text = self.details["end_time"].text()
            end = datetime.strptime(end_text, "%H:%M") if end_text else \
                datetime.strptime(datetime.now().strftime("%H:%M:%S"), "%H:%M:%S")
        except ValueError:
            self.elapsed.setText("")
            return
        minutes = max(0, int((end - begin).total_seconds() // 60))
        state = "running" if not end_text else "stopped"
        self.elapsed.setText(f"Elapsed {minutes // 60}h {minutes % 60:02d}m ({state})")

    def add_timestamped_note_focus(self) -> None:
        if "notes" in self.details:
            self.tabs.setCurrentIndex(0)
            self.note_input.setFocus()

    def add_timestamped_note(self) -> None:
        notes = self.details.get("notes")
        text = self.note_input.text().strip()
        if notes is None or not text:
            return
        notes.add_row({"at": datetime.now().strftime("%H:%M:%S"), "text": text})
        self.note_input.clear()

    # -- professional discussion bookmarks ---------------------------------------------
    def _add_bookmark(self, at_text: str, criterion: str, recording: str) -> None:
        bookmarks = self.details.get("bookmarks")
        if bookmarks is not None:
            bookmarks.add_row({"at": at_text, "criterion": criterion, "recording": recording})

    def _jump_to_bookmark(self, row: int) -> None:
        value = self.details["bookmarks"].value()
        if 0 <= row < len(value):
            self.tabs.setCurrentWidget(self.files)
            self.files.jump_to(value[row].get("recording", ""), value[row].get("at", ""))
