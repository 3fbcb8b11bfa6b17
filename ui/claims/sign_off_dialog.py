""""Sign off unit…": the summative date, the assessor's printed name and the two
declarations, then straight on to learner and assessor signing."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout

from app.caseload.validation import InvalidInput
from app.claims.sign_off import ASSESSOR_DECLARATION, LEARNER_CONFIRMATION, sign_off_unit
from ui.widgets import Dialog, ProblemLabel, confirm_buttons, fit_to_screen, label


class SignOffDialog(Dialog):
    created = Signal(str)    # the new sign-off's id

    def __init__(self, parent, bridge, enrolment_id: str, unit_id: str, unit_label: str,
                 assessor_name: str, evidence_refs: list[str]):
        super().__init__(parent)
        self.bridge, self.enrolment_id, self.unit_id = bridge, enrolment_id, unit_id
        self.setWindowTitle(f"Sign off {unit_label}")
        self.setWindowModality(Qt.WindowModal)
        fit_to_screen(self, 640, 520)
        box = QVBoxLayout(self)
        box.addWidget(label(f"Sign off {unit_label}", "title"))
        box.addWidget(label("Every AC is met and every required method is present. After this, "
                            "the learner and you sign the decision.", "hint"))
        form = QFormLayout()
        self.summative = QLineEdit(date.today().strftime("%d/%m/%Y"), objectName="summative_date")
        self.summative.setPlaceholderText("DD/MM/YYYY")
        self.date_problem = ProblemLabel()
        self.assessor = QLineEdit(assessor_name, objectName="assessor_name")
        self.assessor_problem = ProblemLabel()
        form.addRow("Summative assessment date", self.summative)
        form.addRow("", self.date_problem)
        form.addRow("Assessor (printed name)", self.assessor)
        form.addRow("", self.assessor_problem)
        box.addLayout(form)
        box.addWidget(label("Evidence the decision rests on", "section"))
        box.addWidget(label(", ".join(evidence_refs) or "—"))
        box.addWidget(label("Assessor's declaration", "section"))
        box.addWidget(label(ASSESSOR_DECLARATION))
        box.addWidget(label("Learner's confirmation", "section"))
        box.addWidget(label(LEARNER_CONFIRMATION))
        self.problem = ProblemLabel()
        box.addWidget(self.problem)
        box.addStretch()
        buttons, self.ok = confirm_buttons(self, "Sign off and collect signatures…",
                                           "confirm_sign_off", self._confirm)
        box.addWidget(buttons)

    def _confirm(self) -> None:
        self.ok.setEnabled(False)
        summative, assessor = self.summative.text(), self.assessor.text()
        self.bridge.write(lambda s: sign_off_unit(
            s, self.enrolment_id, self.unit_id, summative_date=summative,
            assessor_name=assessor), on_done=self._done, on_error=self._failed)

    def _done(self, sign_off_id: str) -> None:
        self.created.emit(sign_off_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        if not isinstance(exc, InvalidInput):
            self.problem.show_problem(str(exc))
            return
        p = exc.problems
        self.date_problem.show_problem(p.get("summative_date"))
        self.assessor_problem.show_problem(p.get("assessor_name"))
        self.problem.show_problem(p.get("unit"))
