""""IQA sample…": when the IQA samples a signed-off unit or a signed claim, the date, their
name and initials go on the claim form (a unit's in its IV date and IV initials columns, the
claim's beside the IV's signature), and the IQA then signs after the learner and assessor."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QVBoxLayout

from app.caseload.validation import InvalidInput
from app.claims.iqa_sample import INITIALS_MAX, record_claim_iqa_sample, record_iqa_sample
from ui.widgets import Dialog, ProblemLabel, confirm_buttons, label

RECORDERS = {"unit_sign_off": record_iqa_sample, "claim": record_claim_iqa_sample}
WHERE_PRINTED = {
    "unit_sign_off": "The sample date and initials are printed in the claim form's IV date "
                     "and IV initials columns for this unit; the IQA then signs the unit's "
                     "sign-off.",
    "claim": "The sample date and the IQA's name are printed with the Internal Verifier's "
             "signature under the claim; the IQA then signs the claim.",
}


def initials_of(name: str) -> str:
    return "".join(p[0] for p in name.replace("-", " ").split() if p).upper()[:INITIALS_MAX]


class IqaSampleDialog(Dialog):
    recorded = Signal(str, str)    # record type, record id

    def __init__(self, parent, bridge, record_type: str, record_id: str, what: str,
                 iqa_name: str, sampled_on: date | None = None, initials: str = ""):
        """`what` names the record in the title ("unit 202", "CLAIM-001"); a sample already
        recorded but not yet signed is shown to correct."""
        super().__init__(parent)
        self.bridge, self.record_type, self.record_id = bridge, record_type, record_id
        self.setWindowTitle(f"IQA sample of {what}")
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(520)
        box = QVBoxLayout(self)
        box.addWidget(label(f"IQA sample of {what}", "title"))
        box.addWidget(label(WHERE_PRINTED[record_type], "hint"))
        form = QFormLayout()
        self.sampled_on = QLineEdit((sampled_on or date.today()).strftime("%d/%m/%Y"),
                                    objectName="iqa_sampled_on")
        self.sampled_on.setPlaceholderText("DD/MM/YYYY")
        self.name = QLineEdit(iqa_name, objectName="iqa_name")
        self.initials = QLineEdit(initials or initials_of(iqa_name), objectName="iqa_initials")
        self.initials.setPlaceholderText(f"1 to {INITIALS_MAX} letters")
        self.problems = {key: ProblemLabel() for key in ("iqa_sampled_on", "iqa_name",
                                                         "iqa_initials")}
        for text, field, key in (("Sample date", self.sampled_on, "iqa_sampled_on"),
                                 ("IQA name", self.name, "iqa_name"),
                                 ("IQA initials", self.initials, "iqa_initials")):
            form.addRow(text, field)
            form.addRow("", self.problems[key])
        box.addLayout(form)
        self.problem = ProblemLabel()       # about the record rather than a field
        box.addWidget(self.problem)
        box.addStretch()
        box.addSpacing(8)
        buttons, self.ok = confirm_buttons(self, "Record and sign…", "confirm_iqa_sample",
                                           self._confirm)
        box.addWidget(buttons)

    def _confirm(self) -> None:
        self.ok.setEnabled(False)
        sampled, initials, name = self.sampled_on.text(), self.initials.text(), self.name.text()
        record = RECORDERS[self.record_type]
        self.bridge.write(lambda s: record(s, self.record_id, sampled_on=sampled,
                                           initials=initials, name=name),
                          on_done=self._done, on_error=self._failed)

    def _done(self, _=None) -> None:
        self.recorded.emit(self.record_type, self.record_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        problems = exc.problems if isinstance(exc, InvalidInput) else {"record": str(exc)}
        for key, line in self.problems.items():
            line.show_problem(problems.get(key))
        self.problem.show_problem(" ".join(v for k, v in problems.items()
                                           if k not in self.problems))
