"""The Evidence and Sign-off menus: every button of the learner's page is also a menu item,
with its keys shown beside it, so an action is found by reading, not by hovering a button
that may be scrolled out of view.

Each item mirrors a button: it is enabled when the button is (checked as the menu opens),
brings the button's tab forward and presses it, so the menu and the button can never do
different things. The keys themselves stay with the screens' own shortcuts (read by Help →
Keyboard shortcuts); the menu shows them after a tab, which Qt draws in the keys column
without registering a second, ambiguous shortcut.
"""
from __future__ import annotations

from PySide6.QtGui import QAction


def _mirror(window, menu, text: str, keys: str, tab, button, name: str) -> QAction:
    act = QAction(f"{text}\t{keys}" if keys else text, window, objectName=name)

    def press() -> None:
        page = window.page
        if window.right.currentWidget() is not page or not button().isEnabled():
            return
        page.tabs.setCurrentWidget(tab())
        button().click()

    act.triggered.connect(press)
    menu.addAction(act)
    menu.aboutToShow.connect(lambda: act.setEnabled(
        window.right.currentWidget() is window.page and button().isEnabled()))
    return act


def add_visit_menus(window) -> None:
    page = window.page
    evidence, claims = page.evidence, page.claims
    menu = window.menuBar().addMenu("&Learner")
    window.menus["learner"] = menu
    enrol = QAction("Enrol on a qualification…", window, objectName="act_enrol")

    def enrol_now() -> None:
        if window.right.currentWidget() is page and page.learner_id:
            page.tabs.setCurrentWidget(page.enrolments_tab)   # its choosers load when shown
            if page.enrolments.enrol_button.isEnabled():
                page.enrolments.enrol_button.click()
    enrol.triggered.connect(enrol_now)
    menu.addAction(enrol)
    menu.aboutToShow.connect(lambda: enrol.setEnabled(
        window.right.currentWidget() is page and bool(page.learner_id)))
    _mirror(window, menu, "Edit employer…", "", lambda: page.details_tab,
            lambda: page.form.edit_employer, "act_edit_employer")
    menu.addSeparator()
    menu.addAction(window.delete_action)
    bar = lambda: evidence.editor.signing_bar   # noqa: E731  (the editor's, as shown)
    menu = window.menuBar().addMenu("E&vidence")
    window.menus["evidence"] = menu
    new = QAction("New record of the chosen method\tCtrl+E", window, objectName="act_new_record")
    new.triggered.connect(lambda: page.new_record() if window.right.currentWidget() is page else None)
    menu.addAction(new)
    menu.aboutToShow.connect(lambda: new.setEnabled(
        window.right.currentWidget() is page and evidence.new_button.isEnabled()))
    for text, keys, button, name in (
            ("Ready for signatures / back to draft", "", lambda: bar().ready_button, "act_ready"),
            ("Sign…", "Ctrl+Shift+S", lambda: bar().sign_button, "act_sign_record"),
            ("Sign off the unit this record made ready…", "", lambda: bar().sign_off_button,
             "act_sign_off_next"),
            ("Audit trail of the record…", "", lambda: bar().trail_button, "act_record_trail"),
            ("Delete record", "", lambda: evidence.delete_button, "act_delete_record")):
        _mirror(window, menu, text, keys, lambda: evidence, button, name)

    menu = window.menuBar().addMenu("&Sign-off")
    window.menus["sign_off"] = menu
    # Connected before the items' own checks, so they look at the panel as it stands now.
    menu.aboutToShow.connect(claims.bring_up_to_date)
    for text, keys, attr in (
            ("Sign off unit…", "Ctrl+Shift+O", "sign_off_button"),
            ("Collect signatures…", "Ctrl+Shift+G", "sign_button"),
            ("IQA sample of unit…", "Ctrl+Shift+Q", "iqa_button"),
            ("Withdraw sign-off…", "Ctrl+Shift+W", "withdraw_sign_off_button"),
            (None, None, None),
            ("Make a claim…", "Ctrl+Shift+M", "claim_button"),
            ("IQA sample of claim…", "Ctrl+Shift+I", "claim_iqa_button"),
            ("Withdraw claim…", "Ctrl+Shift+X", "withdraw_claim_button"),
            (None, None, None),
            ("Save as PDF…", "Ctrl+Shift+E", "save_button"),
            ("Print…", "Ctrl+P", "print_button")):
        if text is None:
            menu.addSeparator()
            continue
        _mirror(window, menu, text, keys, lambda: claims,
                lambda a=attr: getattr(claims, a), f"act_{attr}")
