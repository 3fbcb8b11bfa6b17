"""From an empty learner to a printed claim for one unit, as an assessor does it at a visit,
through the real window, counting what the assessor does: a click, a key press, a tick, a
typed field or a drawn signature is one action. The learner signs on the laptop handed over
to them (the caseload hidden until the assessor takes it back), as the issue's visit has it.
The issue's target is at most 35 (it took about 70). The steps are listed in the README
("One visit, step by step").

It runs on an encrypted data folder with a PIN, what a new user gets (first start asks for a
passphrase, set-up for a PIN), and on a plain one from before encryption: on both the
assessor takes the laptop back by typing the PIN on the hand-back page (one typed field,
checked at its last digit), never by a press a learner could make."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

import pytest

from app.caseload.profile import set_up
from app.claims.claim import claims_of
from app.claims.sign_off import sign_offs_of
from app.evidence.records import records_of_learner
from app.models import AuditEvent, Learner
from app.safekeeping.pin import PIN_DAY, set_pin
from ui.main_window import MainWindow

LEARNER, UNIT = "Kwame Mensah", "202"      # the demo's empty learner on C&G 2794-02
PIN = "582039"


class Visit:
    """Counts the assessor's actions as the test performs them."""

    def __init__(self, qtbot):
        self.qtbot, self.steps = qtbot, []

    def click(self, widget, why: str, pos: QPoint | None = None) -> None:
        self.steps.append(why)
        self.qtbot.mouseClick(widget, Qt.LeftButton, pos=pos or widget.rect().center())

    def type(self, widget, text: str, why: str) -> None:
        self.steps.append(why)
        widget.setFocus()
        self.qtbot.keyClicks(widget, text)

    def key(self, widget, keys: str, why: str) -> None:
        self.steps.append(why)
        sequence = QKeySequence(keys)[0]
        self.qtbot.keyClick(widget, sequence.key(), sequence.keyboardModifiers())

    def tick(self, item, column: int, why: str) -> None:
        self.steps.append(why)
        item.setCheckState(column, Qt.Checked)

    def tab(self, tabs, widget, why: str) -> None:
        bar = tabs.tabBar()
        self.click(bar, why, bar.tabRect(tabs.indexOf(widget)).center())

    def sign(self, dialog, who: str) -> None:
        self.qtbot.waitUntil(lambda: dialog.role.currentData() == who, timeout=5000)
        self.steps.append(f"{who} draws their signature")
        pad = dialog.pad
        self.qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(40, 100))
        for point in ((90, 60), (160, 130), (220, 70)):
            self.qtbot.mouseMove(pad, QPoint(*point))
        self.qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(220, 70))
        self.click(dialog.sign_button, f"{who} presses Sign")

    def learner_signs_handed_over(self, dialog, window) -> None:
        """The laptop goes to the learner with only the record and the pad on it, and comes
        back when the assessor types the PIN into the field already waiting for it."""
        self.qtbot.waitUntil(lambda: dialog.role.currentData() == "learner", timeout=5000)
        self.click(dialog.hand_over_button, "hand the laptop over")
        assert not window.isVisible()          # the caseload is hidden from the learner
        self.sign(dialog, "learner")
        self.qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=5000)
        assert not window.isVisible()
        secret = dialog.take_back_page.secret
        assert dialog.focusWidget() is secret      # no click to reach it
        self.steps.append("assessor types their PIN: the laptop is back")
        self.qtbot.keyClicks(secret, PIN)          # no Enter: checked at its last digit
        self.qtbot.waitUntil(window.isVisible, timeout=5000)


def signing_dialog(qtbot, parent):
    from ui.signing.signing_dialog import SigningDialog
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(SigningDialog)),
                    timeout=5000)
    dialog = next(d for d in parent.findChildren(SigningDialog) if d.isVisible())
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=5000)
    return dialog


@pytest.fixture(params=["encrypted", "plain"])
def visit_store(request):
    """The demo caseload in an encrypted data folder (a new user's) and a plain one."""
    store = request.getfixturevalue("encrypted_store" if request.param == "encrypted"
                                    else "demo_store")
    store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    store.write_now(set_pin, PIN)                  # chosen at set-up
    if store.encrypted:
        PIN_DAY.passphrase_typed()                 # as opening the folder does
    yield store
    PIN_DAY.passphrase_day = None


def test_empty_learner_to_printed_claim_in_at_most_35_actions(qtbot, visit_store, tmp_path):
    store = visit_store
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    win.resize(1264, 650)
    qtbot.waitUntil(lambda: win.caseload.model.rowCount() == 12, timeout=5000)
    visit = Visit(qtbot)
    learner_id = store.read(lambda s: next(l.id for l in s.query(Learner) if l.full_name == LEARNER))
    assert store.read(records_of_learner, learner_id) == []

    # The observation.
    table = win.caseload.table
    row = win.caseload.model.row_of(learner_id)
    visit.click(table.viewport(), "choose the learner",
                table.visualRect(win.caseload.model.index(row, 0)).center())
    qtbot.waitUntil(lambda: win.page.learner_id == learner_id)
    page, panel = win.page, win.page.evidence
    assert page.tabs.currentIndex() == 0 and panel.method.currentData() == "Obs"
    visit.key(table, "Ctrl+E", "Ctrl+E: a new record (an observation) on the Evidence tab")
    assert page.tabs.currentWidget() is panel
    editor = panel.editor
    qtbot.waitUntil(lambda: editor.record is not None, timeout=5000)
    assert editor.common["title"].hasFocus()
    editor.common["title"].selectAll()
    visit.type(editor.common["title"], "Handling a return at the till", "title")
    visit.click(editor.start_button, "Start observation")
    visit.type(editor.details["activities"], "Greeted the customer, checked the receipt and "
               "refunded calmly, explaining the policy.", "activities observed")
    visit.click(editor.stop_button, "Stop")
    visit.tab(editor.tabs, editor.picker, "Criteria covered")
    unit_row = next(editor.picker.tree.topLevelItem(i)
                    for i in range(editor.picker.tree.topLevelItemCount())
                    if editor.picker.tree.topLevelItem(i).text(0).startswith(f"Unit {UNIT}:"))
    visit.tick(unit_row, 2, f"tick unit {UNIT} met (all its ACs at once)")
    qtbot.waitUntil(lambda: win.undo_action.isEnabled(), timeout=5000)
    bar = editor.signing_bar
    visit.click(bar.ready_button, "Ready for signatures")
    qtbot.waitUntil(lambda: bar.sign_button.isEnabled(), timeout=5000)
    visit.click(bar.sign_button, "Sign…")
    dialog = signing_dialog(qtbot, win)
    visit.learner_signs_handed_over(dialog, win)
    visit.sign(dialog, "assessor")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)   # closes once all signed
    [record] = store.read(records_of_learner, learner_id)
    assert record.state == "signed"

    # Signing off the unit: offered on the record just signed.
    claims = page.claims
    qtbot.waitUntil(bar.sign_off_button.isVisible, timeout=5000)
    assert bar.sign_off_button.text().startswith(f"Sign off unit {UNIT}…")
    visit.click(bar.sign_off_button, f"Sign off unit {UNIT}… (on the signed record)")
    assert page.tabs.currentWidget() is claims
    qtbot.waitUntil(lambda: getattr(claims, "sign_off_dialog", None) is not None
                    and claims.sign_off_dialog.isVisible(), timeout=5000)
    assert f"Unit {UNIT}:" in claims.units.currentItem().text()
    visit.click(claims.sign_off_dialog.ok, "Sign off and collect signatures… (today's date)")
    dialog = signing_dialog(qtbot, win)
    visit.learner_signs_handed_over(dialog, win)
    visit.sign(dialog, "assessor")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    enrolment_id = claims.enrolment_id
    qtbot.waitUntil(lambda: any(v.signed_off for v in store.read(sign_offs_of, enrolment_id)),
                    timeout=5000)

    # The claim, signed and printed.
    qtbot.waitUntil(claims.claim_button.isEnabled, timeout=5000)
    visit.click(claims.claim_button, "Make a claim…")
    claim = claims.claim_dialog
    qtbot.waitUntil(lambda: "Number of units in this claim: one" in claim.verdict.text(),
                    timeout=5000)
    visit.type(claim.learner_statement, "I have worked on the tills for a year and now deal "
               "with returns and complaints on my own.",
               "learner's statement (its first word starts the claim with the unit ticked)")
    qtbot.waitUntil(lambda: claim.claim_id is not None, timeout=5000)
    visit.type(claim.assessor_statement, "Kwame dealt with a return calmly and correctly, "
               "explaining the policy to the customer.", "assessor's statement")
    visit.click(claim.sign_button, "Sign the claim…")
    dialog = signing_dialog(qtbot, claim)
    visit.learner_signs_handed_over(dialog, win)
    assert claim.isVisible()      # the claim dialog came back with the main window
    visit.sign(dialog, "assessor")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: claim.print_button.isVisible(), timeout=5000)
    visit.click(claim.print_button, "Print the claim pack")
    qtbot.waitUntil(lambda: ".pdf" in claims.status.text(), timeout=30000)
    [made] = store.read(claims_of, enrolment_id)
    assert made.reference
    qtbot.waitUntil(lambda: store.read(lambda s: s.query(AuditEvent).filter(
        AuditEvent.learner_id == learner_id, AuditEvent.action.in_(("printed", "exported")))
        .count()) == 1, timeout=5000)

    print("\n".join(f"{n:2}. {step}" for n, step in enumerate(visit.steps, 1)))
    assert len(visit.steps) <= 35, visit.steps
    win.close()
    QApplication.processEvents()
