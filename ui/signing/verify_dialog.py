"""Verify integrity, from the menu: every hash, signature and device chain checked."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QListWidget, QVBoxLayout

from app.signing.integrity import IntegrityReport, verify_integrity
from ui.widgets import Dialog, fit_to_screen, label


class VerifyDialog(Dialog):
    def __init__(self, parent, bridge):
        super().__init__(parent)
        self.setWindowTitle("Verify integrity")
        fit_to_screen(self, 900, 480)
        layout = QVBoxLayout(self)
        self.verdict = label("Checking every signed record…", "title")
        self.detail = label("")
        self.problems = QListWidget(objectName="integrity_problems")
        self.problems.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        for w in (self.verdict, self.detail, self.problems, buttons):
            layout.addWidget(w)
        self.report: IntegrityReport | None = None
        bridge.read(verify_integrity, on_done=self.show_report)

    def show_report(self, report: IntegrityReport) -> None:
        self.report = report
        self.verdict.setText("✓ Everything matches what was signed." if report.ok else
                             f"⚠ {len(report.problems)} problem(s): these records do not match "
                             f"what was signed")
        self.detail.setText(f"Checked {report.records_checked} signed record(s), "
                            f"{report.signatures_checked} signature(s) from "
                            f"{report.devices_checked} device(s).")
        self.problems.clear()
        for p in report.problems:
            self.problems.addItem(p.line())
        self.problems.setVisible(not report.ok)
