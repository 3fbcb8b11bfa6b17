"""The reason for amending a signed record is typed where its rule shows as it is typed:
empty or over the limit, the button that starts the amendment cannot be pressed, and the
count says why; within the rule it starts the amendment."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.signing.amend import REASON_MAX
from ui.signing.amendment_reason import AmendmentReasonDialog


def test_the_reason_rule_shows_while_typing(qtbot):
    dialog = AmendmentReasonDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok.isEnabled() and "required" in dialog.rule.text()
    qtbot.keyClicks(dialog.reason, "AC 2.1 was ticked on the wrong record")
    assert dialog.ok.isEnabled()
    assert dialog.rule.text() == f"37 of at most {REASON_MAX} characters"
    dialog.reason.setPlainText("x" * (REASON_MAX + 5))
    assert not dialog.ok.isEnabled()
    assert dialog.rule.text() == f"{REASON_MAX + 5} characters: 5 over the {REASON_MAX} allowed"
    dialog.reason.setPlainText("Wrong date")
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.text() == "Wrong date"
