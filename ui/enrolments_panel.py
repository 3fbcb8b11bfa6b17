"""A learner's enrolments and the units chosen for each, checked against the rules of
combination as the assessor ticks them."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app.caseload.enrolments import (
    check_units, choose_units, chosen_unit_ids, enrol, unit_options,
)
from app.caseload.profile import current_profile, staff_by_role
from app.caseload.queries import EnrolmentView, enrolments_of, qualifications
from app.caseload.validation import InvalidInput, format_date
from ui.bridge import Bridge
from ui.widgets import Dialog, ProblemLabel, card, label


class EnrolDialog(Dialog):
    """Choose a qualification version and who assesses and quality-assures it."""

    def __init__(self, bridge: Bridge, learner_id: str, parent=None):
        super().__init__(parent)
        self.bridge, self.learner_id, self.enrolment_id = bridge, learner_id, None
        self.setWindowTitle("Enrol on a qualification")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.qualification = QComboBox(objectName="enrol_qualification")
        self.registration = QLineEdit(objectName="enrol_registration")
        self.assessor = QComboBox(objectName="enrol_assessor")
        self.iqa = QComboBox(objectName="enrol_iqa")
        self.start = QLineEdit(objectName="enrol_start")
        self.start.setPlaceholderText("DD/MM/YYYY")

        def read(session):
            me = current_profile(session)
            return (qualifications(session),
                    [(s.id, s.name) for s in staff_by_role(session, "assessor", "trainee_assessor")],
                    [(s.id, s.name) for s in staff_by_role(session, "iqa")],
                    me.staff_id if me else None)

        quals, assessors, iqas, me = bridge.store.read(read)
        for qid, text in quals:
            self.qualification.addItem(text, qid)
        for combo, people in ((self.assessor, assessors), (self.iqa, iqas)):
            combo.addItem("— not yet assigned —", None)
            for sid, name in people:
                combo.addItem(name, sid)
        self.assessor.setCurrentIndex(max(self.assessor.findData(me), 0))
        form.addRow("Qualification", self.qualification)
        form.addRow("AB registration number", self.registration)
        form.addRow("Assessor", self.assessor)
        form.addRow("IQA", self.iqa)
        form.addRow("Start date", self.start)
        layout.addLayout(form)
        self.problem = ProblemLabel()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Enrol")
        buttons.button(QDialogButtonBox.Ok).setProperty("primary", True)
        buttons.accepted.connect(self._enrol)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _enrol(self) -> None:
        try:
            self.enrolment_id = self.bridge.store.write_now(
                enrol, self.learner_id, self.qualification.currentData(),
                registration_number=self.registration.text(),
                assessor_id=self.assessor.currentData(), iqa_id=self.iqa.currentData(),
                start_date=self.start.text(), mandatory_units=True)
        except InvalidInput as exc:
            self.problem.show_problem(" ".join(exc.problems.values()))
            return
        self.accept()


class UnitChooser(QWidget):
    """Tick units; each change is saved at once and the rules' verdict shown beneath."""

    changed = Signal()

    def __init__(self, bridge: Bridge, enrolment: EnrolmentView, parent=None,
                 read_only: bool = False):
        super().__init__(parent)
        self.bridge, self.enrolment = bridge, enrolment
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget(objectName="unit_tree")
        self.tree.setHeaderLabels(["Unit", "Title", "Credit", "Level"])
        self.tree.setRootIsDecorated(True)
        self.tree.setMinimumHeight(220)
        self.verdict = label("", "hint")
        self.verdict.setObjectName("rules_verdict")
        layout.addWidget(self.tree)
        layout.addWidget(self.verdict)

        def read(session):
            return (unit_options(session, enrolment.qualification_id),
                    chosen_unit_ids(session, enrolment.id))

        options, chosen = bridge.store.read(read)
        groups: dict[str, QTreeWidgetItem] = {}
        self.tree.blockSignals(True)
        for option in options:
            group_name = option.group or "Units"
            parent_item = groups.get(group_name)
            if parent_item is None:
                parent_item = QTreeWidgetItem(self.tree, [group_name])
                parent_item.setFirstColumnSpanned(True)
                parent_item.setExpanded(True)
                groups[group_name] = parent_item
            item = QTreeWidgetItem(parent_item, [
                option.number, option.title + ("  (mandatory)" if option.mandatory else ""),
                "" if option.credit is None else str(option.credit),
                "" if option.level is None else str(option.level)])
            item.setData(0, Qt.UserRole, option.id)
            item.setCheckState(0, Qt.Checked if option.id in chosen else Qt.Unchecked)
            if read_only:    # an IQA's laptop: the ticks are shown, not changed
                item.setFlags(item.flags() & ~Qt.ItemIsUserCheckable)
        self.tree.blockSignals(False)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(1, 480)
        self.tree.setMinimumHeight(min(34 * (len(options) + len(groups)) + 40, 560))
        self.tree.itemChanged.connect(self._ticked)
        self._show_verdict(bridge.store.read(check_units, enrolment.qualification_id, chosen))

    def chosen(self) -> set[str]:
        out = set()
        root = self.tree.invisibleRootItem()
        for g in range(root.childCount()):
            group = root.child(g)
            for i in range(group.childCount()):
                item = group.child(i)
                if item.checkState(0) == Qt.Checked:
                    out.add(item.data(0, Qt.UserRole))
        return out

    def _ticked(self, _item, column: int) -> None:
        if column == 0:
            self.bridge.write(choose_units, self.enrolment.id, self.chosen(),
                              on_done=self._saved)

    def _saved(self, check) -> None:
        self._show_verdict(check)
        self.changed.emit()

    def _show_verdict(self, check) -> None:
        if not check.rules_stated:
            text = "ℹ " + check.summary()
        elif check.ok:
            text = "✔ " + check.summary()
        else:
            text = "✖ Rules of combination not yet met:\n• " + "\n• ".join(check.problems)
        self.verdict.setText(text)


class EnrolmentsPanel(QWidget):
    changed = Signal()

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.learner_id: str | None = None
        self.read_only = False    # an IQA's laptop: enrolments are the assessor's
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(label("Enrolments", "section"))
        top.addStretch()
        self.enrol_button = QPushButton("Enrol on a qualification…", objectName="enrol_button")
        self.enrol_button.clicked.connect(self._enrol)
        top.addWidget(self.enrol_button)
        self.layout_.addLayout(top)
        self.body = QVBoxLayout()
        self.layout_.addLayout(self.body)
        self.layout_.addStretch()
        self._choosers: list[UnitChooser] = []
        self._stale = False

    def load_when_shown(self, learner_id: str | None) -> None:
        """The learner page opens a learner: the unit choosers (a tree per enrolment, the
        slowest part of opening a learner) are built when this tab is looked at or read."""
        self.learner_id = learner_id
        self._stale = True
        if self.isVisible():
            self.load(learner_id)

    def showEvent(self, event) -> None:
        if self._stale:
            self.load(self.learner_id)
        super().showEvent(event)

    @property
    def choosers(self) -> list[UnitChooser]:
        if self._stale:
            self.load(self.learner_id)
        return self._choosers

    def load(self, learner_id: str | None) -> None:
        self._stale = False
        self.learner_id = learner_id
        while self.body.count():
            item = self.body.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._choosers = []
        self.enrol_button.setEnabled(not self.read_only)
        if not learner_id:
            return
        views = self.bridge.store.read(enrolments_of, learner_id)
        if not views:
            self.body.addWidget(label("Not enrolled yet. Enrol the learner to choose units and "
                                      "start recording evidence.", "hint"))
        for view in views:
            frame, box = card()
            box.addWidget(label(view.qualification, "section"))
            box.addWidget(label(
                f"Registration {view.registration_number or '—'} · Assessor {view.assessor or '—'}"
                f" · IQA {view.iqa or '—'} · Started {format_date(view.start_date) or '—'}"
                f" · {view.status.replace('_', ' ').capitalize()}", "subtitle"))
            chooser = UnitChooser(self.bridge, view, read_only=self.read_only)
            chooser.changed.connect(self.changed)
            self._choosers.append(chooser)
            box.addWidget(chooser)
            self.body.addWidget(frame)

    def _enrol(self) -> None:
        if not self.learner_id or self.read_only:
            return
        dialog = EnrolDialog(self.bridge, self.learner_id, self)
        if dialog.exec() == QDialog.Accepted:
            self.load(self.learner_id)
            self.changed.emit()
