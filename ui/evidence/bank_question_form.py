"""One question of the bank, new or edited: its unit, the wording, the ACs it tests and
what a good answer covers. Used from the bank dialog and from a questioning record."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QLineEdit, QPlainTextEdit,
    QVBoxLayout,
)

from app.caseload.validation import InvalidInput
from app.evidence.question_bank import ANSWER_LIMIT, QUESTION_LIMIT, REFS_LIMIT
from ui.bridge import Bridge
from ui.length_rule import LengthRule
from ui.widgets import Dialog, ProblemLabel, confirm_buttons, label, set_invalid, shrinkable


class BankQuestionForm(Dialog):
    saved = Signal(str)    # the bank entry's id

    def __init__(self, parent, bridge: Bridge, units: list[tuple[str, str]],
                 save: Callable[..., str], *, heading: str, button_text: str,
                 unit_id: str | None = None, question: str = "", criterion_refs: str = "",
                 expected_answer: str = "", unit_fixed: bool = False, note: str = "",
                 suggested_refs: dict[str, str] | None = None):
        """`save(session, unit_id, question, criterion_refs, expected_answer)` keeps it;
        `suggested_refs` fills the ACs from what the record covers in the chosen unit."""
        super().__init__(parent)
        self.bridge, self._save = bridge, save
        self.suggested = suggested_refs or {}
        self._refs_typed = bool(criterion_refs)
        self.setWindowTitle(heading)
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(700)
        box = QVBoxLayout(self)
        box.addWidget(label(heading, "title"))
        if note:
            box.addWidget(label(note, "hint"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.unit = shrinkable(QComboBox(objectName="bank_form_unit"), 30)
        for uid, text in units:
            self.unit.addItem(text, uid)
        self.unit.setCurrentIndex(max(self.unit.findData(unit_id), 0))
        self.unit.setEnabled(not unit_fixed)
        self.unit.currentIndexChanged.connect(self._unit_chosen)
        self.question = QPlainTextEdit(question, objectName="bank_form_question")
        self.question.setTabChangesFocus(True)
        self.question.setFixedHeight(84)
        self.refs = QLineEdit(criterion_refs, objectName="bank_form_refs")
        self.refs.setPlaceholderText("The unit's AC numbers, e.g. 1.2, 2.3")
        self.refs.textEdited.connect(lambda _: setattr(self, "_refs_typed", True))
        self.expected = QPlainTextEdit(expected_answer, objectName="bank_form_expected")
        self.expected.setTabChangesFocus(True)
        self.expected.setPlaceholderText("The points you listen for: shown to you as a hint "
                                         "when you ask it, never to the learner.")
        self.expected.setFixedHeight(110)
        self.editors = {"unit": self.unit, "question": self.question,
                        "criterion_refs": self.refs, "expected_answer": self.expected}
        self.problems = {key: ProblemLabel() for key in self.editors}
        # The bank's own limits, told as the words are typed.
        rules = {"question": LengthRule(self.question, max_chars=QUESTION_LIMIT, required=True),
                 "criterion_refs": LengthRule(self.refs, max_chars=REFS_LIMIT),
                 "expected_answer": LengthRule(self.expected, max_chars=ANSWER_LIMIT)}
        for key, text in (("unit", "Unit"), ("question", "Question"),
                          ("criterion_refs", "ACs it tests"),
                          ("expected_answer", "What a good answer covers")):
            form.addRow(text, self.editors[key])
            if key in rules:
                form.addRow("", rules[key])
            form.addRow("", self.problems[key])
        box.addLayout(form)
        self.problem = ProblemLabel()       # anything not tied to one field
        box.addWidget(self.problem)
        buttons, self.ok = confirm_buttons(self, button_text, "bank_form_save", self.save)
        box.addWidget(buttons)
        if not criterion_refs:
            self._unit_chosen()

    def _unit_chosen(self, *_args) -> None:
        if not self._refs_typed:
            self.refs.setText(self.suggested.get(self.unit.currentData(), ""))

    def save(self) -> None:
        values = (self.unit.currentData(), self.question.toPlainText(), self.refs.text(),
                  self.expected.toPlainText())
        self.ok.setEnabled(False)
        self.bridge.write(lambda s: self._save(s, *values), on_done=self._done,
                          on_error=self._failed)

    def _done(self, entry_id: str) -> None:
        self.saved.emit(entry_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        problems = exc.problems if isinstance(exc, InvalidInput) else {"": str(exc)}
        for key, lab in self.problems.items():
            lab.show_problem(problems.get(key))
            if key != "unit":
                set_invalid(self.editors[key], key in problems)
        self.problem.show_problem(" ".join(v for k, v in problems.items() if k not in self.problems))
