"""The signing screen: the record in full (read-only), the signer's printed name, role and
date, and the pad, with typed and paper alternatives where the centre's policy allows.

Handing the laptop over: the screen goes full screen and shows only this record and the
pad; the main window (the caseload, other learners) is hidden and every way back is
closed (Esc, close, menus) until the assessor takes the laptop back by typing their PIN (or
passphrase) on the "Please hand the laptop back" page itself (ui/lock/take_back.py): one
typed field, no press, no dialog. A button alone guarded nothing a learner could not press,
so a plain data folder is guarded too: with no PIN yet, the first hand-over asks the
assessor to choose one.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLineEdit, QPushButton,
    QSplitter, QStackedWidget, QTabWidget, QTextBrowser, QVBoxLayout, QWidget,
)

from app.caseload.validation import InvalidInput
from app.models.signing import SIGNATURE_METHODS, SIGNER_ROLES
from app.signing.sheet import SigningSheet, signing_sheet
from app.signing.sign import sign_record
from app.sync.iqa_laptop import an_iqa_laptop
from ui.signing.signature_pad import SignaturePad
from ui.widgets import Dialog, ProblemLabel, fit_to_screen, label

_files = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldfolio-scan")
STAFF_ROLES = {"assessor", "trainee_assessor", "countersigning_assessor", "iqa"}


def _big(button: QPushButton, primary: bool = False) -> QPushButton:
    button.setMinimumHeight(56)
    button.setMinimumWidth(160)
    if primary:
        button.setProperty("primary", True)
        button.setDefault(True)
    return button


def sheet_html(sheet: SigningSheet) -> str:
    from html import escape
    parts = []
    for heading, text in sheet.sections:
        body = "<br>".join(escape(line) for line in text.splitlines())
        parts.append(f"<h3 style='margin-bottom:2px'>{escape(heading)}</h3><p>{body}</p>")
    return "".join(parts)


def _heading(record, short: bool = False) -> str:
    """What is being signed, as a sentence: "Sign the sign-off of unit 204 “Contribute…” for
    Amelia Hughes" (its label, "Unit sign-off UNIT 204 …", read like a database row)."""
    if record.record_type == "unit_sign_off" and record.portfolio_ref:
        number = record.portfolio_ref.split()[-1]
        if short:
            return f"Sign the sign-off of unit {number}"
        title = f" “{record.title}”" if record.title else ""
        who = f" for {record.learner_name}" if record.learner_name else ""
        return f"Sign the sign-off of unit {number}{title}{who}"
    return f"Sign {record.portfolio_ref}" if short else f"Sign: {record.label()}"


class SigningDialog(Dialog):
    signed = Signal(str)    # record id, after each signature is stored

    def __init__(self, parent, bridge, record_type: str, record_id: str):
        super().__init__(parent)
        self.bridge, self.record_type, self.record_id = bridge, record_type, record_id
        self._signed_here = False
        self._opened_for: set[str] | None = None
        self.sheet: SigningSheet | None = None
        self.handed_over = False
        self._covered: list[QWidget] = []
        self._scan_sha = ""
        # An IQA's laptop signs only as IQA (app/sync/iqa_laptop.py): no other role is offered.
        self.iqa_laptop = bridge.store.read(an_iqa_laptop)
        self.setWindowTitle("Sign")
        self.setWindowModality(Qt.ApplicationModal)
        fit_to_screen(self, 1200, 780)
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages)
        self.pages.addWidget(self._build_signing_page())
        self.pages.addWidget(self._build_hand_back_page())
        self.reload()

    # -- pages ---------------------------------------------------------------------------
    def _build_signing_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.heading = label("", "title")
        self.progress = label("", "subtitle")
        layout.addWidget(self.heading)
        layout.addWidget(self.progress)
        split = QSplitter()
        self.record_view = QTextBrowser(objectName="signing_record")
        self.record_view.setReadOnly(True)
        self.record_view.setOpenLinks(False)
        split.addWidget(self.record_view)
        side = QWidget()
        form = QVBoxLayout(side)
        self.role_label = label("Who is signing", None)
        self.role = QComboBox(objectName="signing_role")
        self.role.setMinimumHeight(44)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.name = QLineEdit(objectName="signing_name")
        self.name.setMinimumHeight(44)
        self.name.setPlaceholderText("Printed name of the person signing")
        self.date_label = label(f"Date: {date.today().strftime('%d/%m/%Y')}", "subtitle")
        self.methods = QTabWidget(objectName="signing_methods")
        self.pad = SignaturePad()
        clear = _big(QPushButton("Clear"))
        clear.clicked.connect(self.pad.clear)
        draw = QWidget()
        dl = QVBoxLayout(draw)
        dl.addWidget(self.pad, 1)
        dl.addWidget(clear, 0, Qt.AlignLeft)
        self.typed = QLineEdit(objectName="signing_typed")
        self.typed.setMinimumHeight(48)
        self.typed.setPlaceholderText("Type your full name as your signature")
        typed = QWidget()
        QVBoxLayout(typed).addWidget(self.typed)
        typed.layout().addStretch()
        paper = QWidget()
        pl = QVBoxLayout(paper)
        self.scan_label = label("Sign the printed record on paper, scan or photograph the page, "
                                "then attach it here.")
        self.scan_button = _big(QPushButton("Attach the scan…"))
        self.scan_button.clicked.connect(self._choose_scan)
        pl.addWidget(self.scan_label)
        pl.addWidget(self.scan_button, 0, Qt.AlignLeft)
        pl.addStretch()
        self.method_pages = {"drawn": draw, "typed": typed, "paper_scan": paper}
        self.on_behalf = QCheckBox("I am signing on their behalf (centre policy allows it)")
        self.problem = ProblemLabel()
        for w in (self.role_label, self.role, label("Printed name"), self.name, self.date_label):
            form.addWidget(w)
        form.addWidget(self.methods, 1)
        form.addWidget(self.on_behalf)
        form.addWidget(self.problem)
        buttons = QHBoxLayout()
        self.close_button = _big(QPushButton("Close"))
        self.close_button.clicked.connect(self.reject)
        self.hand_over_button = _big(QPushButton("Hand the laptop over"))
        self.hand_over_button.setObjectName("hand_over")
        self.hand_over_button.clicked.connect(self.hand_over)
        self.decline_button = _big(QPushButton("I do not want to sign"))
        self.decline_button.clicked.connect(self._finish_turn)
        self.decline_button.hide()
        self.sign_button = _big(QPushButton("Sign"), primary=True)
        self.sign_button.setObjectName("sign_button")
        self.sign_button.clicked.connect(self.sign)
        for b in (self.close_button, self.decline_button, self.hand_over_button):
            buttons.addWidget(b)
        buttons.addStretch()
        buttons.addWidget(self.sign_button)
        form.addLayout(buttons)
        split.addWidget(side)
        split.setSizes([560, 640])
        layout.addWidget(split, 1)
        return page

    def _build_hand_back_page(self) -> QWidget:
        from ui.lock.take_back import TakeBackPage
        self.take_back_page = TakeBackPage(self.bridge, self)
        self.take_back_page.taken_back.connect(self.take_back)
        self.thanks = self.take_back_page.thanks
        self.back_button = self.take_back_page.back_button
        return self.take_back_page

    # -- data ----------------------------------------------------------------------------
    def reload(self) -> None:
        self.bridge.read(signing_sheet, self.record_type, self.record_id, on_done=self._show)

    def _show(self, sheet: SigningSheet) -> None:
        self.sheet = sheet
        st = sheet.status
        self.heading.setText(_heading(st.record))
        self.setWindowTitle(_heading(st.record, short=True))
        self.record_view.setHtml(sheet_html(sheet))
        done = "; ".join(f"{s.role_label} {s.signer_name} ✓ {s.signed_at:%d/%m/%Y}"
                         for s in st.signatures) or "nobody yet"
        todo = ", ".join(SIGNER_ROLES[r] for r in st.next_roles + st.waiting_roles)
        roles = [r for r in st.next_roles if r == "iqa" or not self.iqa_laptop]
        elsewhere = " They sign on the assessor's laptop: here you sign only as IQA." \
            if self.iqa_laptop and roles != st.next_roles else ""
        self.progress.setText(f"Signed by: {done}." + (f" Still to sign: {todo}.{elsewhere}"
                                                       if todo else " All signatures collected."))
        current = self.role.currentData()
        self.role.blockSignals(True)
        self.role.clear()
        for r in roles:
            self.role.addItem(SIGNER_ROLES[r], r)
        self.role.blockSignals(False)
        if current in roles:
            self.role.setCurrentIndex(roles.index(current))
        self.on_behalf.setVisible(st.on_behalf_allowed and not self.handed_over)
        self.sign_button.setEnabled(bool(roles))
        self._role_changed()
        if self._opened_for is None:
            self._opened_for = set(roles)
        # Everyone this dialog was opened for has signed (the IQA signs later, after
        # sampling, not at the visit): nothing is left to do here, so the dialog goes (one
        # click fewer each time), and the screen behind shows the result.
        if self._signed_here and not self.handed_over and not (
                set(st.next_roles) & (self._opened_for | {"learner", "assessor"})):
            QTimer.singleShot(300, self.accept)

    def _role_changed(self, *_args) -> None:
        if self.sheet is None:
            return
        role = self.role.currentData()
        allowed = self.sheet.status.allowed_methods.get(role, ["drawn"]) if role else []
        self.methods.clear()
        for method in ("drawn", "typed", "paper_scan"):
            page = self.method_pages[method]
            if method in allowed:
                self.methods.addTab(page, SIGNATURE_METHODS[method])
            else:
                page.setParent(None)
        if role == "iqa" and self.sheet.iqa_name and self.name.text() in (
                "", self.sheet.assessor_name):
            self.name.setText(self.sheet.iqa_name)   # the IQA slot names the IQA, not the user
        elif role in STAFF_ROLES and self.sheet.assessor_name and not self.name.text():
            self.name.setText(self.sheet.assessor_name)
        elif role == "learner" and (not self.name.text() or self.name.text() == self.sheet.assessor_name):
            self.name.setText(self.sheet.status.record.learner_name)
        elif role and role not in STAFF_ROLES | {"learner"} and self.name.text() in (
                self.sheet.assessor_name, self.sheet.status.record.learner_name, ""):
            # The witness is named in the record they sign: their name is already typed.
            self.name.setText(self._named_witness() if role == "witness" else "")
        self.hand_over_button.setVisible(bool(role) and role not in STAFF_ROLES
                                         and not self.handed_over)

    def _named_witness(self) -> str:
        if self.record_type != "evidence_record":
            return ""
        from app.evidence.records import get_record
        record = self.bridge.store.read(get_record, self.record_id)
        return (record.details.get("witness_name") or "").strip() if record else ""

    def current_method(self) -> str:
        page = self.methods.currentWidget()
        return next((m for m, p in self.method_pages.items() if p is page), "drawn")

    def _choose_scan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "The scanned signature page", "",
                                              "Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)")
        if path:
            self.attach_scan(path)

    def attach_scan(self, path: str) -> None:
        store = self.bridge.store
        self.scan_label.setText("Storing the scan…")
        self.bridge.when_done(_files.submit(store.attachments.import_file, path),
                              self._scan_stored, lambda e: self.problem.show_problem(str(e)))

    def _scan_stored(self, stored) -> None:
        self._scan_sha = stored.sha256
        self.scan_label.setText(f"Scan attached: {stored.original_name} ✓")

    # -- signing -------------------------------------------------------------------------
    def sign(self) -> None:
        method = self.current_method()
        kwargs = dict(signer_name=self.name.text(), role=self.role.currentData() or "",
                      method=method)
        if method == "drawn":
            kwargs.update(strokes=self.pad.strokes(),
                          image_png=self.pad.to_png() if not self.pad.is_empty() else b"")
        elif method == "typed":
            kwargs["typed_name"] = self.typed.text()
        else:
            kwargs["scan_sha256"] = self._scan_sha
        if self.on_behalf.isVisible() and self.on_behalf.isChecked() and self.sheet:
            kwargs["on_behalf_by"] = self.sheet.assessor_name
        self.sign_button.setEnabled(False)
        self.bridge.write(partial(sign_record, **kwargs), self.record_type, self.record_id,
                          on_done=self._signed, on_error=self._refused)

    def _signed(self, view) -> None:
        self._signed_here = True
        self.problem.show_problem(None)
        self.pad.clear()
        self.typed.clear()
        self._scan_sha = ""
        self.name.clear()
        self.signed.emit(self.record_id)
        if self.handed_over:
            self._finish_turn(view.signer_name)
        else:
            self.reload()

    def _refused(self, exc: Exception) -> None:
        self.sign_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            self.problem.show_problem(" ".join(m for m in exc.problems.values() if m))
        else:
            self.problem.show_problem(f"The signature could not be saved: {exc}")

    # -- handing the laptop over ---------------------------------------------------------
    def hand_over(self) -> None:
        """Only this record and the pad, full screen, until the assessor takes it back. On a
        plain data folder with no PIN yet, the assessor chooses one first (once)."""
        from app.safekeeping.pin import has_pin
        store = self.bridge.store
        if not getattr(store, "encrypted", False) and not store.read(has_pin):
            from ui.lock.pin_dialog import PinDialog
            self.pin_dialog = PinDialog(self.bridge, self, why=(
                "Before the learner holds the laptop, choose a PIN: only it takes the laptop "
                "back, so they cannot open the rest of your caseload."))
            self.pin_dialog.accepted.connect(self._hand_over_now)
            self.pin_dialog.open()
            return
        self._hand_over_now()

    def _hand_over_now(self) -> None:
        self.handed_over = True
        # Every window under this one: signing a claim opens from the claim dialog, which
        # opens from the main window, and the caseload must not wait behind it.
        self._covered = []
        window = self.parentWidget().window() if self.parentWidget() else None
        while window is not None:
            self._covered.append(window)
            parent = window.parentWidget()
            window = parent.window() if parent is not None else None
        for window in self._covered:
            window.hide()
        for w in (self.role, self.role_label, self.hand_over_button, self.close_button,
                  self.on_behalf):
            w.hide()
        self.decline_button.show()
        self._stay_on_top(True)
        self.showFullScreen()
        self.pad.setFocus()

    def _finish_turn(self, signer_name: str | bool = "") -> None:
        who = signer_name if isinstance(signer_name, str) and signer_name else ""
        assessor = self.sheet.assessor_name if self.sheet else "the assessor"
        self.pages.setCurrentIndex(1)
        self.take_back_page.start((f"Thank you, {who}. " if who else "Thank you. ")
                                  + f"Please hand the laptop back to {assessor}.", assessor)

    def take_back(self) -> None:
        self.handed_over = False
        self._stay_on_top(False)
        self.showNormal()
        for window in reversed(self._covered):   # the main window first, then the dialog on it
            window.show()
        self._covered = []
        # Shown again, the claim dialog came up on top of this one; the assessor signs next.
        # The window manager maps the windows shown again after this returns (seen under
        # openbox), so this one comes forward again once they are up.
        self._come_forward()
        for delay in (0, 300):
            QTimer.singleShot(delay, self._come_forward)
        for w in (self.role, self.role_label, self.close_button):
            w.show()
        self.decline_button.hide()
        self.pages.setCurrentIndex(0)
        self.reload()

    def _stay_on_top(self, on: bool) -> None:
        """Set on the native window: the widget's own setWindowFlag re-creates it, and the
        re-created window is never active for Qt (seen under openbox), so the learner's pen
        and then the assessor's PIN typed into it had no caret and no focus to show."""
        handle = self.windowHandle()
        if handle is None:
            self.setWindowFlag(Qt.WindowStaysOnTopHint, on)
        else:
            handle.setFlag(Qt.WindowStaysOnTopHint, on)

    def _come_forward(self) -> None:
        if self.isVisible() and not self.handed_over:
            self.raise_()
            self.activateWindow()

    def reject(self) -> None:
        if not self.handed_over:
            super().reject()

    def closeEvent(self, event) -> None:
        if self.handed_over:
            event.ignore()
        else:
            super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        if self.handed_over and event.key() == Qt.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)
