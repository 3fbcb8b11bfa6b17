"""Employers: where the caseload's learners work and who to contact there.

A store gets a new manager, a contact a new phone: the details are edited here and save as
they are typed, like a learner's (a mistyped email waits as a draft with its message, and
the rest is saved). Deleting is refused while learners are placed with the employer, is
asked about first (an employer is shared by every laptop at the centre), and is undone by
the window's one Undo (Edit → Undo, or the Undo button and Ctrl+Z here). A delete the centre
refuses comes back with a sync, even while the window is open: it is listed again with the
centre's reason, and the Undo no longer offers it (ui/window_undo.py). On an IQA's laptop
the employers are shown, not changed (app/sync/iqa_laptop.py).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
    QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from app.caseload.drafts import load_draft
from app.caseload.employers import (
    DRAFT_FORM, EMPLOYER_FIELDS, EmployerRow, autosave_employer, delete_employer,
    employer_form_values, employer_rows, restore_employer, still_deleted, why_kept,
)
from app.caseload.validation import InvalidInput
from app.models import Employer
from app.sync.iqa_laptop import an_iqa_laptop
from ui.bridge import Bridge
from ui.employer_dialog import EmployerDialog
from ui.widgets import Dialog, ProblemLabel, card, fit_to_screen, label, set_invalid
from ui.window_undo import WindowUndoButton

SAVE_DELAY_MS = 300
READ_ONLY = "Read only: employers are kept by the assessors whose learners work there."
ID_ROLE = Qt.UserRole
PLACEHOLDERS = {"contact_email": "name@example.com", "contact_role": "e.g. Store manager"}


def _contact_text(row: EmployerRow) -> str:
    return ", ".join(x for x in (row.contact_name, row.contact_role) if x) or "—"


class EmployersDialog(Dialog):
    changed = Signal(str)    # an employer id, after a change to it reached the database

    def __init__(self, bridge: Bridge, parent=None, select_id: str | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.employer_id: str | None = None
        self.rows: list[EmployerRow] = []
        self.read_only = False    # an IQA's laptop
        self._loading = False
        self.new_dialog: EmployerDialog | None = None
        self.deleted_here: dict[str, str] = {}   # id: name, deleted since the window opened
        self.status_about: str | None = None     # the employer "Deleted …" names
        self.setWindowTitle("Employers")
        self.setWindowModality(Qt.WindowModal)
        fit_to_screen(self, 1080, 660)
        self.setMinimumSize(900, 520)     # a 1366 x 768 laptop, with room for the taskbar

        box = QVBoxLayout(self)
        box.addWidget(label("Employers", "title"))
        box.addWidget(label("Where your learners work and who to contact there. The contact "
                            "is named on witness testimony and claim paperwork, so keep it "
                            "current.", "hint"))
        self.read_only_line = label(READ_ONLY, "notice")
        self.read_only_line.setObjectName("employers_read_only")
        self.read_only_line.hide()
        box.addWidget(self.read_only_line)
        columns = QHBoxLayout()
        box.addLayout(columns, 1)

        # -- the list ---------------------------------------------------------------------
        left = QVBoxLayout()
        self.table = QTableWidget(0, 3, objectName="employers_table")
        self.table.setHorizontalHeaderLabels(["Employer", "Contact", "Learners"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.table.currentCellChanged.connect(self._row_changed)
        left.addWidget(self.table, 1)
        self.empty = label("No employers yet. Press New employer… to add one.", "hint")
        self.empty.setObjectName("employers_empty")
        self.empty.setAlignment(Qt.AlignCenter)
        left.addWidget(self.empty)
        manage = QHBoxLayout()
        self.new_button = QPushButton("New employer…", objectName="employers_new")
        self.delete_button = QPushButton("Delete employer", objectName="employers_delete")
        self.undo_button = WindowUndoButton(bridge, "employers_undo")
        self.new_button.clicked.connect(self.new_employer)
        self.delete_button.clicked.connect(self.delete_current)
        for button in (self.new_button, self.delete_button):
            manage.addWidget(button)
        manage.addStretch()
        left.addLayout(manage)
        # Undo on a row of its own: beside the other two it was squeezed to "delete Calder
        # Valley Building Sc" (the dialog does not widen as it appears).
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_button)
        undo_row.addStretch()
        left.addLayout(undo_row)
        columns.addLayout(left, 5)

        # -- the chosen employer ----------------------------------------------------------
        details, details_box = card()
        self.heading = label("", "section")
        self.heading.setObjectName("employer_heading")
        details_box.addWidget(self.heading)
        self.save_hint = label("Changes save as you type.", "hint")
        details_box.addWidget(self.save_hint)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.editors: dict[str, QWidget] = {}
        self.problem_labels: dict[str, ProblemLabel] = {}
        for key, text in EMPLOYER_FIELDS.items():
            if key == "address":
                editor = QPlainTextEdit(objectName=f"employers_{key}")
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(72)
                editor.textChanged.connect(self._edited)
            else:
                editor = QLineEdit(objectName=f"employers_{key}")
                editor.setPlaceholderText(PLACEHOLDERS.get(key, ""))
                editor.textEdited.connect(self._edited)
            self.editors[key] = editor
            self.problem_labels[key] = ProblemLabel()
            form.addRow(text, editor)
            form.addRow("", self.problem_labels[key])
        details_box.addLayout(form)
        self.placed = label("", "hint")
        self.placed.setObjectName("employer_learners")
        details_box.addWidget(self.placed)
        details_box.addStretch()
        self.details = details
        # The messages under wrong fields make the form taller than a laptop screen has
        # room for: it scrolls rather than squeezing the address box shut.
        scroll = QScrollArea(objectName="employer_details")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(details)
        scroll.setMinimumWidth(460)
        self.details_area = scroll
        columns.addWidget(scroll, 4)

        self.problem = ProblemLabel()       # a refused delete, named learners and all
        self.problem.setObjectName("employers_problem")
        box.addWidget(self.problem)
        self.status = label("", "hint")
        self.status.setObjectName("employers_status")
        box.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

        self._timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self.refresh(select_id)

    def start(self, select_id: str | None = None) -> None:
        """Show the employers afresh each time the window opens (it is kept between
        openings, so a save still on its way finds it)."""
        self.problem.show_problem(None)
        self.status.setText("")     # "Deleted …" from last time may no longer be so (a sync)
        self.deleted_here.clear()
        self.status_about = None
        self.employer_id = None
        self.follow_role()
        self.refresh(select_id)

    def follow_role(self) -> None:
        """An IQA's laptop shows the employers and changes none (the centre would refuse
        it): the fields read only, no new employer, no delete."""
        self.read_only = self.bridge.store.read(an_iqa_laptop)
        self.read_only_line.setVisible(self.read_only)
        self.save_hint.setVisible(not self.read_only)
        for editor in self.editors.values():
            editor.setReadOnly(self.read_only)
            editor.style().polish(editor)   # greyed as read only (style.qss), not white
        self.new_button.setEnabled(not self.read_only)

    # -- the list ---------------------------------------------------------------------------
    def refresh(self, select_id: str | None = None) -> None:
        """Read the employers again. The form is reloaded only when the chosen employer
        changes, so a refresh never disturbs what is being typed."""
        self.rows = self.bridge.store.read(employer_rows)
        wanted = select_id or self.employer_id
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        current = -1
        for i, row in enumerate(self.rows):
            name = QTableWidgetItem(row.name)
            name.setData(ID_ROLE, row.id)
            name.setToolTip("\n".join(x for x in (row.name, row.address) if x))
            contact = QTableWidgetItem(_contact_text(row))
            contact.setToolTip("\n".join(x for x in (_contact_text(row), row.contact_phone,
                                                      row.contact_email) if x))
            count = QTableWidgetItem(str(len(row.learners)))
            count.setTextAlignment(Qt.AlignCenter)
            count.setToolTip("\n".join(row.learners) or "No learners placed here")
            for column, item in enumerate((name, contact, count)):
                self.table.setItem(i, column, item)
            if row.id == wanted:
                current = i
        if current < 0 and self.rows:
            current = 0
        if current >= 0:
            self.table.setCurrentCell(current, 0)
        self.table.blockSignals(False)
        self._fit_names()
        has_any = bool(self.rows)
        self.table.setVisible(has_any)
        self.details_area.setVisible(has_any)    # an empty form with nothing to edit misleads
        self.empty.setVisible(not has_any)
        chosen = self.rows[current].id if current >= 0 else None
        if chosen != self.employer_id:
            self.load(chosen)
        else:
            self._show_placed()
        self.delete_button.setEnabled(chosen is not None and not self.read_only)

    def _fit_names(self) -> None:
        """The employer column as wide as its names, up to half the list; the contact
        takes the rest."""
        room = self.table.viewport().width() or self.table.width()
        wanted = self.table.sizeHintForColumn(0) + 12
        self.table.setColumnWidth(0, max(160, min(wanted, room // 2)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_names()

    def _row_changed(self, row: int, *_args) -> None:
        chosen = self.rows[row].id if 0 <= row < len(self.rows) else None
        if chosen != self.employer_id:
            self.flush()
            self.problem.show_problem(None)
            self.load(chosen)

    def current_row(self) -> EmployerRow | None:
        return next((r for r in self.rows if r.id == self.employer_id), None)

    # -- the form ---------------------------------------------------------------------------
    def load(self, employer_id: str | None) -> None:
        """Show an employer's details: what was last typed if it could not all be saved."""
        self.employer_id = employer_id

        def read(session):
            employer = session.get(Employer, employer_id) if employer_id else None
            if employer is None:
                return None, None
            return employer_form_values(employer), load_draft(session, DRAFT_FORM, employer_id)

        values, draft = self.bridge.store.read(read)
        self._loading = True
        try:
            for key, editor in self.editors.items():
                text = (draft or values or {}).get(key, "")
                if isinstance(editor, QPlainTextEdit):
                    editor.setPlainText(text)
                else:
                    editor.setText(text)
                    editor.setCursorPosition(0)     # the start of a long email, not its end
            self.show_problems({})
        finally:
            self._loading = False
        self.details.setEnabled(values is not None)
        self._show_heading()
        self._show_placed()
        self.delete_button.setEnabled(values is not None and not self.read_only)
        if draft:
            self.save_now()     # check the kept draft again so its messages show

    def values(self) -> dict[str, str]:
        return {key: editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()
                for key, editor in self.editors.items()}

    def _show_heading(self) -> None:
        typed = self.editors["name"].text().strip()
        row = self.current_row()
        self.heading.setText(typed or (row.name if row else "No employer chosen"))

    def _show_placed(self) -> None:
        row = self.current_row()
        if row is None:
            self.placed.setText("")
        elif row.learners:
            n = len(row.learners)
            self.placed.setText(f"{n} learner{'s' if n != 1 else ''} placed here: "
                                + ", ".join(row.learners) + ".")
        else:
            self.placed.setText("No learners are placed here.")

    def _edited(self, *_args) -> None:
        if not self._loading and self.employer_id and not self.read_only:
            self._show_heading()
            self._timer.start()

    def save_now(self) -> None:
        self._timer.stop()
        if not self.employer_id:
            return
        employer_id = self.employer_id
        self.bridge.write(autosave_employer, employer_id, self.values(),
                          on_done=lambda problems: self._after_save(employer_id, problems),
                          on_error=self._failed)

    def flush(self) -> None:
        """Save pending typing before showing another employer or closing (blocks briefly)."""
        if self._timer.isActive() and self.employer_id:
            self._timer.stop()
            employer_id = self.employer_id
            try:
                problems = self.bridge.store.write_now(autosave_employer, employer_id,
                                                       self.values())
            except InvalidInput as exc:
                self._failed(exc)
                return
            self._after_save(employer_id, problems)

    def _after_save(self, employer_id: str, problems: dict[str, str]) -> None:
        if employer_id == self.employer_id:
            self.show_problems(problems)
        self.refresh()
        self.changed.emit(employer_id)

    def _failed(self, exc: Exception) -> None:
        problems = exc.problems if isinstance(exc, InvalidInput) else {"": str(exc)}
        self.problem.show_problem(" ".join(problems.values()))

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, lab in self.problem_labels.items():
            lab.show_problem(problems.get(key))
            set_invalid(self.editors[key], key in problems)

    # -- adding, deleting and undoing -------------------------------------------------------
    def new_employer(self) -> None:
        self.flush()
        self.new_dialog = EmployerDialog(self.bridge.store, self)
        self.new_dialog.setWindowModality(Qt.WindowModal)
        self.new_dialog.accepted.connect(self._added)
        self.new_dialog.open()

    def _added(self) -> None:
        employer_id = self.new_dialog.employer_id
        self.status.setText("Employer added.")
        self.refresh(select_id=employer_id)
        self.changed.emit(employer_id)

    def delete_current(self) -> None:
        self.flush()
        row = self.current_row()
        if row is None:
            return
        # Refused at once, naming them, if learners here are placed there; else asked.
        if not row.learners and not self.confirm_delete(row.name):
            return
        try:
            self.bridge.store.write_now(delete_employer, row.id)
        except InvalidInput as exc:
            self.problem.show_problem(" ".join(exc.problems.values()))
            self.status.setText("")
            return
        self.problem.show_problem(None)
        self.status.setText(f"Deleted {row.name}. Undo delete brings it back.")
        self.deleted_here[row.id] = row.name
        self.status_about = row.id
        self.employer_id = None
        self.refresh()
        self.changed.emit(row.id)
        self.bridge.undoable(f"delete {row.name}", (restore_employer, (row.id,)),
                             (delete_employer, (row.id,)),
                             after=lambda: self._undone_or_redone(row.id, row.name),
                             stands=(still_deleted, (row.id,)))

    def confirm_delete(self, name: str) -> bool:
        """One click must not delete what every laptop at the centre shares."""
        box = QMessageBox(QMessageBox.Question, "Delete an employer",
                          f"Delete {name} for everyone at the centre?\n\nOther assessors' "
                          f"learners may work there too: if any do, the centre keeps it when "
                          f"this laptop syncs. Undo delete brings it back.",
                          QMessageBox.Yes | QMessageBox.No, self)
        box.setObjectName("confirm_delete_employer")
        box.button(QMessageBox.Yes).setText("Delete employer")
        box.button(QMessageBox.No).setText("Keep it")
        box.setDefaultButton(QMessageBox.No)
        return box.exec() == QMessageBox.Yes

    def _undone_or_redone(self, employer_id: str, name: str) -> None:
        """The window's Undo (or Redo) of a delete made here has committed."""
        back = self.bridge.store.read(
            lambda s: (lambda e: e is not None and e.deleted_at is None)(s.get(Employer, employer_id)))
        self.problem.show_problem(None)
        self.status.setText(f"{name} is back." if back else f"Deleted {name} again.")
        self.status_about = employer_id
        if back:
            self.deleted_here.pop(employer_id, None)
        else:
            self.deleted_here[employer_id] = name
        self.refresh(select_id=employer_id if back else None)
        self.changed.emit(employer_id)

    def follow_sync(self, employer_ids: set[str]) -> None:
        """A sync changed these employers: the list shows them as they now are (the form is
        left as typed). A delete made here that the centre refused is back, so "Deleted …"
        would be untrue: the centre's reason shows instead."""
        self.refresh()
        reasons = {}
        for employer_id in employer_ids & set(self.deleted_here):
            reason = self.bridge.store.read(why_kept, employer_id)
            if reason is not None:
                self.deleted_here.pop(employer_id)
                reasons[employer_id] = reason.rstrip(".") + "."
        if not reasons:
            return
        self.problem.show_problem(" ".join(reasons.values()))
        if self.status_about in reasons:
            self.status.setText("")

    def done(self, result: int) -> None:
        self.flush()
        super().done(result)
