""""Withdraw sign-off…" and "Withdraw claim…": the reason, which stays in the audit trail.

Whether the app allows it is asked when the dialog opens, so an assessor is told at once
(and in the app's own words) that a signed sign-off or claim stays on file, rather than
after typing a reason; the operation asks again when it runs."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit, QVBoxLayout

from app.caseload.validation import InvalidInput
from app.claims.withdrawal import (
    REASON_LIMIT, withdraw_claim, withdraw_sign_off, withdrawal_refusal,
)
from ui.length_rule import LengthRule
from ui.widgets import Dialog, ProblemLabel, confirm_buttons, label

KINDS = {
    "unit_sign_off": (withdraw_sign_off, "The unit goes back to ready to sign off, and can be "
                                         "signed off again with the right details."),
    "claim": (withdraw_claim, "The claim stays in the list marked withdrawn, and prints as "
                              "WITHDRAWN; the units it claimed stay signed off for a new claim."),
}


class WithdrawDialog(Dialog):
    withdrawn = Signal(str, str)     # record type, record id

    def __init__(self, parent, bridge, record_type: str, record_id: str, what: str):
        """`what` as it reads in a sentence: "the sign-off of unit 202", "CLAIM-001"."""
        super().__init__(parent)
        self.bridge, self.record_type, self.record_id = bridge, record_type, record_id
        self._withdraw, consequence = KINDS[record_type]
        self.setWindowTitle(f"Withdraw {what}")
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(560)
        box = QVBoxLayout(self)
        box.addWidget(label(f"Withdraw {what}", "title"))
        self.refusal = ProblemLabel()
        self.refusal.setObjectName("withdraw_refused")
        box.addWidget(self.refusal)
        self.explanation = label(consequence, "hint")
        box.addWidget(self.explanation)
        self.reason_label = label("Why is it withdrawn? (kept in the audit trail)", "section")
        box.addWidget(self.reason_label)
        self.reason = QPlainTextEdit(objectName="withdraw_reason")
        self.reason.setPlaceholderText("e.g. The summative date was typed wrong.")
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(90)
        box.addWidget(self.reason)
        self.reason_rule = LengthRule(self.reason, max_chars=REASON_LIMIT, required=True)
        box.addWidget(self.reason_rule)
        self.problem = ProblemLabel()
        box.addWidget(self.problem)
        buttons, self.ok = confirm_buttons(self, "Withdraw", "confirm_withdraw", self._confirm,
                                           primary=False)
        self.cancel = buttons.button(QDialogButtonBox.Cancel)
        box.addWidget(buttons)
        self._refuse(bridge.store.read(withdrawal_refusal, record_type, record_id))

    def _refuse(self, refusal: str | None) -> None:
        """Refused: say why, and leave nothing to do but close."""
        self.refusal.show_problem(refusal)
        for w in (self.explanation, self.reason_label, self.reason, self.reason_rule, self.ok):
            w.setVisible(not refusal)
        if refusal:
            self.cancel.setText("Close")
            self.cancel.setDefault(True)
        else:
            self.reason.setFocus()

    def _confirm(self) -> None:
        self.ok.setEnabled(False)
        reason = self.reason.toPlainText()
        self.bridge.write(self._withdraw, self.record_id, reason, on_done=self._done,
                          on_error=self._failed)

    def _done(self, _=None) -> None:
        self.withdrawn.emit(self.record_type, self.record_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        problems = exc.problems if isinstance(exc, InvalidInput) else {"record": str(exc)}
        if problems.get("record"):
            self._refuse(problems["record"])      # e.g. signed meanwhile on this laptop
        self.problem.show_problem(problems.get("reason"))
        if problems.get("reason"):
            self.reason.setFocus()
