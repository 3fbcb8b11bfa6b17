"""Tools → Check a printed page…: type a page's code, or open a PDF or a scan, and see for
each page what it is, who signed it and whether it still stands (app/signing/page_check.py;
the reading and checking run off the GUI thread)."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox, QFileDialog, QHBoxLayout, QLineEdit, QListWidget, QPushButton,
    QVBoxLayout,
)

from app.signing.page_check import check_pages
from ui.widgets import Dialog, label


class PageCheckDialog(Dialog):
    def __init__(self, parent, bridge):
        super().__init__(parent)
        self.bridge = bridge
        self.setWindowTitle("Check a printed page")
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Type the reference and fingerprint from a page's footer (or "
                               "paste the text of its QR code), or open a PDF or a scan."))
        row = QHBoxLayout()
        self.code = QLineEdit(objectName="page_code")
        self.code.setPlaceholderText("e.g. OBS-001 3015 FEF1 499F")
        self.code.returnPressed.connect(self.check_typed)
        check = QPushButton("Check", objectName="check_page_code")
        check.clicked.connect(self.check_typed)
        open_file = QPushButton("Open a PDF or scan…", objectName="open_page_file")
        open_file.clicked.connect(self.choose_file)
        for w in (self.code, check, open_file):   # Enter in the code checks it once (Dialog)
            row.addWidget(w)
        layout.addLayout(row)
        self.verdict = label("", "title")
        self.results = QListWidget(objectName="page_results")
        self.results.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        for w in (self.verdict, self.results, buttons):
            layout.addWidget(w)

    def check_typed(self) -> None:
        if self.code.text().strip():
            self.check(self.code.text().strip())

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a printed PDF or a scan", "",
                                              "PDF or scan (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)")
        if path:
            self.check(path)

    def check(self, given: str) -> None:
        self.verdict.setText("Checking…")
        self.results.clear()
        # Only the newest check's answer is shown: a code checked and then a PDF opened (or
        # Enter taken twice) could have the older answer arrive last and stand as the verdict.
        self._asked = asked = getattr(self, "_asked", 0) + 1
        self.bridge.read(check_pages, given,
                         on_done=lambda checked: self._answered(asked, self.show, checked),
                         on_error=lambda exc: self._answered(asked, self.failed, exc))

    def _answered(self, asked: int, then, answer) -> None:
        if asked == self._asked:
            then(answer)

    def failed(self, exc: BaseException) -> None:
        self.verdict.setText(f"⚠ {exc}")

    def show(self, checked) -> None:
        self.results.clear()
        bad = sum(1 for _, c in checked if c is not None and not c.ok)
        good = sum(1 for _, c in checked if c is not None and c.ok)
        for where, c in checked:
            head = f"{where}: " if where else ""
            if c is None:
                self.results.addItem(f"{head}no signed record's code on this page")
            elif c.ok:
                self.results.addItem(f"✓ {head}" + "\n".join(c.lines()))
            else:
                self.results.addItem(f"✗ {head}" + "\n".join(c.lines()))
        if not good and not bad:
            self.verdict.setText("No Fieldfolio page code was found.")
        elif bad:
            self.verdict.setText(f"✗ {bad} page(s) do NOT match what was signed"
                                 + (f"; {good} match" if good else ""))
        else:
            self.verdict.setText(f"✓ {good} page(s) match what was signed")
