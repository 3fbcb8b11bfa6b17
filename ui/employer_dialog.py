"""Adding an employer and its contact (usually the learner's line manager)."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout

from app.caseload.employers import EMPLOYER_FIELDS, save_employer
from app.caseload.validation import InvalidInput
from ui.widgets import Dialog, ProblemLabel, set_invalid


class EmployerDialog(Dialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store, self.employer_id = store, None
        self.setWindowTitle("New employer")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.editors, self.problems = {}, {}
        for key, text in EMPLOYER_FIELDS.items():
            self.editors[key] = QLineEdit(objectName=f"employer_{key}")
            self.problems[key] = ProblemLabel()
            form.addRow(text, self.editors[key])
            form.addRow("", self.problems[key])
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Add employer")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _save(self) -> None:
        fields = {k: e.text() for k, e in self.editors.items()}
        try:
            self.employer_id = self.store.write_now(save_employer, None, fields)
        except InvalidInput as exc:
            for key, lab in self.problems.items():
                lab.show_problem(exc.problems.get(key))
                set_invalid(self.editors[key], key in exc.problems)
            return
        self.accept()
