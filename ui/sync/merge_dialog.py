"""One learner, two records (the same ULN made on two devices): the two side by side, the
assessor picks whose details to keep, and the other's work joins it (app/caseload/merge.py).

Nothing is deleted: the other record is kept, marked merged; signed records are never
changed and stay readable under the learner kept; the audit trail says what moved.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup, QHeaderView, QLabel, QRadioButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QHBoxLayout,
)

from app.caseload.merge import merge_learners, side_by_side, signed_in_both
from app.sync.learners_twice import learners_of
from ui.widgets import Dialog, ProblemLabel, button_row, fit_to_screen

ROWS = (("Name", lambda s: s.name), ("Date of birth", lambda s: s.date_of_birth),
        ("Employer", lambda s: s.employer), ("Registration number", lambda s: s.registration_number),
        ("Enrolments", lambda s: "\n".join(s.enrolments) or "—"),
        ("Evidence records", lambda s: f"{s.records} ({s.signed_records} signed)"),
        ("Unit sign-offs", lambda s: str(s.sign_offs)), ("Claims", lambda s: str(s.claims)),
        ("Added", lambda s: s.made_on or "—"),
        ("At the centre", lambda s: "yes" if s.at_centre else "no: the centre refused it "
                                                            "as a second record"))


def _sides(session, attention_id: int):
    ids = learners_of(session, attention_id)
    return side_by_side(session, ids), signed_in_both(session, ids[:2]) if len(ids) >= 2 else []


class MergeLearnersDialog(Dialog):
    def __init__(self, bridge, attention_id: int, parent=None):
        super().__init__(parent, objectName="merge_learners_dialog")
        self.bridge = bridge
        self.sides = []
        self.setWindowTitle("Merge two records of one learner")
        fit_to_screen(self, 900, 600)
        layout = QVBoxLayout(self)
        self.heading = QLabel("", objectName="merge_heading")
        self.heading.setProperty("role", "heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        explain = QLabel(
            "These are one learner, added on two devices. Choose the record whose details "
            "to keep. The other record's enrolments, evidence, sign-offs and claims join it. "
            "Signed records are never changed: they stay as signed and show under the learner "
            "kept. The other record is kept too, marked merged, and everything is in the "
            "audit trail.", objectName="merge_explain")
        explain.setWordWrap(True)
        layout.addWidget(explain)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Keep the details of:"))
        self.choice = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        for i in range(2):
            radio = QRadioButton("", objectName=f"merge_keep_{i}")
            self.choice.addButton(radio, i)
            self.radios.append(radio)
            choose.addWidget(radio)
        choose.addStretch(1)
        layout.addLayout(choose)
        self.table = QTableWidget(len(ROWS), 2, objectName="merge_side_by_side")
        self.table.setVerticalHeaderLabels([name for name, _ in ROWS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        # A reference signed in both records (OBS-001 twice): how each will print.
        self.signed_twice = QLabel("", objectName="merge_signed_twice")
        self.signed_twice.setWordWrap(True)
        self.signed_twice.hide()
        layout.addWidget(self.signed_twice)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        row, self.merge_button = button_row(("Merge", "merge_confirm"), self._merge,
                                            ("Not now", "merge_cancel"), self.reject)
        self.merge_button.setEnabled(False)
        self.choice.idToggled.connect(lambda *_: self.merge_button.setEnabled(
            self.choice.checkedId() >= 0))
        layout.addLayout(row)
        self.outcome = None
        bridge.read(lambda s: _sides(s, attention_id), on_done=self._fill)

    def _fill(self, read) -> None:
        sides, twice = read
        self.sides = sides[:2]
        if twice and len(self.sides) == 2:
            self.signed_twice.setText("\n".join(twice) + ".")
            self.signed_twice.show()
        if len(self.sides) < 2:
            self.heading.setText("Only one record of this learner is on this laptop: nothing "
                                 "to merge here yet.")
            return
        first = self.sides[0]
        self.heading.setText(f"{first.name}: two records of one learner")
        headers = []
        for i, side in enumerate(self.sides):
            where = "at the centre" if side.at_centre else "on this laptop only"
            headers.append(f"Record {i + 1} ({where})")
            self.radios[i].setText(f"record {i + 1} ({side.name}, {side.date_of_birth})")
            for r, (_, value) in enumerate(ROWS):
                item = QTableWidgetItem(value(side))
                item.setFlags(Qt.ItemIsEnabled)
                self.table.setItem(r, i, item)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.resizeRowsToContents()

    def _merge(self) -> None:
        chosen = self.choice.checkedId()
        if chosen < 0 or len(self.sides) < 2:
            return
        keep, other = self.sides[chosen].id, self.sides[1 - chosen].id
        self.merge_button.setEnabled(False)
        self.bridge.write(merge_learners, keep, other, on_done=self._merged,
                          on_error=self._failed)

    def _merged(self, outcome) -> None:
        self.outcome = outcome
        self.accept()

    def _failed(self, exc) -> None:
        from ui.bridge import failure_words
        self.problem.show_problem(failure_words(exc))
        self.merge_button.setEnabled(True)
