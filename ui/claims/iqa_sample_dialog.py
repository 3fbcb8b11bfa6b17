""""IQA sample…": when the IQA samples a signed-off unit, the date and their initials go on
the claim form, and the IQA signs the sign-off after the learner and assessor."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPushButton, QVBoxLayout,
)

from app.caseload.validation import InvalidInput
from app.claims.iqa_sample import record_iqa_sample
from ui.widgets import ProblemLabel, label


class IqaSampleDialog(QDialog):
    recorded = Signal(str)    # sign-off id

    def __init__(self, parent, bridge, sign_off_id: str, unit_label: str, iqa_name: str):
        super().__init__(parent)
        self.bridge, self.sign_off_id = bridge, sign_off_id
        self.setWindowTitle(f"IQA sample of {unit_label}")
        self.setWindowModality(Qt.WindowModal)
        box = QVBoxLayout(self)
        box.addWidget(label(f"IQA sample of {unit_label}", "title"))
        box.addWidget(label("The sample date and initials are printed on the claim form; the "
                            "IQA then signs the unit's sign-off.", "hint"))
        form = QFormLayout()
        self.sampled_on = QLineEdit(date.today().strftime("%d/%m/%Y"), objectName="iqa_sampled_on")
        self.name = QLineEdit(iqa_name, objectName="iqa_name")
        self.initials = QLineEdit("".join(p[0] for p in iqa_name.split() if p).upper(),
                                  objectName="iqa_initials")
        self.problem = ProblemLabel()
        form.addRow("Sample date", self.sampled_on)
        form.addRow("IQA name", self.name)
        form.addRow("IQA initials", self.initials)
        box.addLayout(form)
        box.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.ok = QPushButton("Record and sign…", objectName="confirm_iqa_sample")
        self.ok.setProperty("primary", True)
        self.ok.setMinimumHeight(48)
        self.ok.setDefault(True)
        buttons.addButton(self.ok, QDialogButtonBox.AcceptRole)
        buttons.addButton(QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def _confirm(self) -> None:
        sampled, initials, name = self.sampled_on.text(), self.initials.text(), self.name.text()

        def failed(exc: Exception) -> None:
            problems = exc.problems if isinstance(exc, InvalidInput) else {"": str(exc)}
            self.problem.show_problem(" ".join(problems.values()))

        def done(_=None) -> None:
            self.recorded.emit(self.sign_off_id)
            self.accept()
        self.bridge.write(lambda s: record_iqa_sample(s, self.sign_off_id, sampled_on=sampled,
                                                      initials=initials, name=name),
                          on_done=done, on_error=failed)
