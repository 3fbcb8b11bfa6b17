"""A learner's details, saved as they are typed.

Each keystroke restarts a short timer; when it fires, the whole form goes to
`autosave_learner` on the writer thread, which keeps the raw text as a draft and saves
every field that passes. There is no Save button and nothing to forget: a killed app
loses at most the last fraction of a second of typing.
"""
from __future__ import annotations

import uuid

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QWidget,
)

from app.caseload.drafts import load_draft
from app.caseload.employers import employer_choices
from app.caseload.learners import DRAFT_FORM, LEARNER_FIELDS, autosave_learner, learner_form_values
from app.models import Learner
from ui.bridge import Bridge
from ui.widgets import ProblemLabel, set_invalid

SAVE_DELAY_MS = 300
PLACEHOLDERS = {"date_of_birth": "DD/MM/YYYY", "start_date": "DD/MM/YYYY",
                "planned_end_date": "DD/MM/YYYY", "uln": "10 digits",
                "email": "name@example.com"}


class LearnerForm(QWidget):
    saved = Signal(str)            # learner id, after a save reached the database
    problems_changed = Signal(dict)
    new_employer_requested = Signal()
    edit_employer_requested = Signal(str)   # the chosen employer's id ("" when none)

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.learner_id: str | None = None
        self._loading = False
        self.read_only = False    # an IQA's laptop: the assessor's learner, shown not edited
        self.editors: dict[str, QWidget] = {}
        self.problem_labels: dict[str, ProblemLabel] = {}
        form = QFormLayout(self)
        form.setLabelAlignment(form.labelAlignment())
        for key, text in LEARNER_FIELDS.items():
            if key == "employer_id":
                editor = QComboBox(objectName="field_employer_id")
                editor.currentIndexChanged.connect(self._edited)
                row = QHBoxLayout()
                row.addWidget(editor, 1)
                add = QPushButton("New employer…", objectName="new_employer")
                add.clicked.connect(self.new_employer_requested)
                row.addWidget(add)
                self.new_employer = add
                # A new manager or phone number is changed where the employer is kept,
                # once for every learner placed there.
                self.edit_employer = QPushButton("Edit employer…", objectName="edit_employer")
                self.edit_employer.setEnabled(False)
                self.edit_employer.clicked.connect(lambda: self.edit_employer_requested.emit(
                    self.editors["employer_id"].currentData() or ""))
                editor.currentIndexChanged.connect(self._employer_chosen)
                row.addWidget(self.edit_employer)
                form.addRow(text, row)
            elif key in ("notes", "workplace_address"):
                editor = QPlainTextEdit(objectName=f"field_{key}")
                editor.setFixedHeight(64 if key == "workplace_address" else 110)
                editor.setTabChangesFocus(True)
                editor.textChanged.connect(self._edited)
                form.addRow(text, editor)
            else:
                editor = QLineEdit(objectName=f"field_{key}")
                editor.setPlaceholderText(PLACEHOLDERS.get(key, ""))
                editor.textEdited.connect(self._edited)
                form.addRow(text, editor)
            self.editors[key] = editor
            problem = ProblemLabel()
            self.problem_labels[key] = problem
            form.addRow("", problem)
        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)

    # -- loading -----------------------------------------------------------------------
    def load(self, learner_id: str | None) -> None:
        """Show a learner (or, with None, an empty form for a new one)."""
        self.flush()
        self.learner_id = learner_id or str(uuid.uuid4())
        store = self.bridge.store

        def read(session):
            learner = session.get(Learner, self.learner_id)
            values = learner_form_values(learner) if learner else {k: "" for k in LEARNER_FIELDS}
            draft = load_draft(session, DRAFT_FORM, self.learner_id)
            employers = employer_choices(session, self.learner_id)
            return values, draft, employers

        values, draft, employers = store.read(read)
        self._fill(draft or values, employers)
        if draft:
            self.save_now()  # re-check the restored draft so its problems show again

    def set_read_only(self, read_only: bool) -> None:
        """On an IQA's laptop the details are shown as they are and nothing is typed into
        them (app/sync/iqa_laptop.py would refuse the save)."""
        self.read_only = read_only
        for editor in self.editors.values():
            if isinstance(editor, QComboBox):
                editor.setEnabled(not read_only)
            else:
                editor.setReadOnly(read_only)
        self.new_employer.setEnabled(not read_only)
        self._employer_chosen()   # an IQA's laptop edits no employer either

    def load_draft_only(self, learner_id: str, fields: dict) -> None:
        """Reopen a new learner that was being typed when the app last closed."""
        self.flush()
        self.learner_id = learner_id
        employers = self.bridge.store.read(employer_choices, learner_id)
        self._fill(fields, employers)
        self.save_now()

    def _fill(self, values: dict, employers: list[tuple[str, str]]) -> None:
        self._loading = True
        try:
            for key, editor in self.editors.items():
                value = values.get(key, "") or ""
                if isinstance(editor, QComboBox):
                    editor.clear()
                    editor.addItem("— no employer —", "")
                    for emp_id, name in employers:
                        editor.addItem(name, emp_id)
                    editor.setCurrentIndex(max(editor.findData(value), 0))
                elif isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(value)
                else:
                    editor.setText(value)
            self.show_problems({})
        finally:
            self._loading = False

    def set_employers(self, employers: list[tuple[str, str]], select: str | None = None) -> None:
        combo: QComboBox = self.editors["employer_id"]
        current = select or combo.currentData()
        self._loading = True
        combo.clear()
        combo.addItem("— no employer —", "")
        for emp_id, name in employers:
            combo.addItem(name, emp_id)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        self._loading = False
        if select:
            self._edited()

    def _employer_chosen(self, *_args) -> None:
        self.edit_employer.setEnabled(bool(self.editors["employer_id"].currentData())
                                      and not self.read_only)

    # -- saving ------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        out = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                out[key] = editor.currentData() or ""
            elif isinstance(editor, QPlainTextEdit):
                out[key] = editor.toPlainText()
            else:
                out[key] = editor.text()
        return out

    def _edited(self, *_args) -> None:
        if not self._loading and self.learner_id and not self.read_only:
            self._timer.start()

    def save_now(self) -> None:
        self._timer.stop()
        if not self.learner_id:
            return
        learner_id = self.learner_id
        self.bridge.write(autosave_learner, learner_id, self.values(),
                          on_done=lambda problems: self._after_save(learner_id, problems))

    def flush(self) -> None:
        """Save pending typing before the form shows something else (blocks briefly)."""
        if self._timer.isActive() and self.learner_id:
            self._timer.stop()
            self.bridge.store.write_now(autosave_learner, self.learner_id, self.values())
            self.saved.emit(self.learner_id)

    def _after_save(self, learner_id: str, problems: dict) -> None:
        if learner_id == self.learner_id:
            self.show_problems(problems)
        self.saved.emit(learner_id)

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, lab in self.problem_labels.items():
            lab.show_problem(problems.get(key))
            set_invalid(self.editors[key], key in problems)
        self.problems_changed.emit(problems)
