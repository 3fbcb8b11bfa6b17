"""Choosing the ACs a record covers: a tree of unit > LO > AC over the enrolment's units.

Tick "Covers" to map an AC (working towards); tick "Met" as well when the evidence meets
it. A unit whose assessment rules bar this record's method is shown greyed with the
reason, and the refusal from `map_criteria` is shown in words if tried anyway.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QHeaderView, QLineEdit, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from app.evidence.mapping import barred_units, map_criteria, mappings_of, unmap_criteria
from app.evidence.progress import MET, STATUS_SYMBOLS, STATUS_WORDS, enrolment_progress
from app.evidence.records import RecordView
from ui.bridge import Bridge
from ui.widgets import ProblemLabel, label

AC_ROLE = Qt.UserRole + 1


class CriteriaPicker(QWidget):
    changed = Signal()

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record: RecordView | None = None
        self._stale = False
        self._loading = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(objectName="criteria_search")
        self.search.setPlaceholderText("Search units, outcomes and criteria")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.only_needed = QCheckBox("Show only what is still needed", objectName="only_needed")
        self.only_needed.toggled.connect(self._filter)
        top.addWidget(self.search, 1)
        top.addWidget(self.only_needed)
        layout.addLayout(top)
        self.summary = label("", "hint")
        layout.addWidget(self.summary)
        self.problem = ProblemLabel()
        self.problem.setObjectName("criteria_problem")
        layout.addWidget(self.problem)
        self.tree = QTreeWidget(objectName="criteria_tree")
        self.tree.setHeaderLabels(["Criterion", "Covers", "Met", "Progress so far"])
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Interactive)
        header.resizeSection(3, 190)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.tree.itemChanged.connect(self._item_changed)
        layout.addWidget(self.tree, 1)

    def load(self, record: RecordView) -> None:
        self.record = record
        self.problem.show_problem(None)
        # The tree (a few hundred rows) is built when the tab is first looked at, not on
        # every learner or record opened: opening a learner must stay under 100 ms.
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        if self._stale and self.record is not None:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        record = self.record
        self._stale = False

        def read(session):
            return (enrolment_progress(session, record.enrolment_id),
                    {m.criterion_id: m.status for m in mappings_of(session, record.id)},
                    barred_units(session, record.enrolment_id, record.method))

        progress, mapped, barred = self.bridge.store.read(read)
        scrolled = self.tree.verticalScrollBar().value()  # keep the assessor's place
        self._loading = True
        self.tree.clear()
        locked = record.state == "signed"
        for unit in progress.units:
            unit_item = QTreeWidgetItem([f"Unit {unit.number}: {unit.title}", "", "",
                                         f"{unit.percent}% met"])
            if unit.id in barred:
                unit_item.setText(3, "✖ method barred: hover")
                unit_item.setToolTip(0, barred[unit.id])
                unit_item.setToolTip(3, barred[unit.id])
                unit_item.setDisabled(True)
            self.tree.addTopLevelItem(unit_item)
            for lo in unit.outcomes:
                lo_item = QTreeWidgetItem([f"LO {lo.number} {lo.title}", "", "", f"{lo.percent}% met"])
                unit_item.addChild(lo_item)
                for ac in lo.criteria:
                    words = STATUS_WORDS[ac.status]
                    item = QTreeWidgetItem([f"{ac.number}  {ac.text}", "", "",
                                            f"{STATUS_SYMBOLS[ac.status]} {words}"
                                            + (f" · {ac.record_count} ({', '.join(ac.methods)})"
                                               if ac.record_count else "")])
                    item.setData(0, AC_ROLE, ac.id)
                    item.setData(3, AC_ROLE, ac.status)
                    item.setToolTip(0, ac.text)
                    flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
                    if not locked and unit.id not in barred:
                        flags |= Qt.ItemIsUserCheckable
                    item.setFlags(flags)
                    status = mapped.get(ac.id)
                    item.setCheckState(1, Qt.Checked if status else Qt.Unchecked)
                    item.setCheckState(2, Qt.Checked if status == MET else Qt.Unchecked)
                    lo_item.addChild(item)
            unit_item.setExpanded(unit.id not in barred)
            for i in range(unit_item.childCount()):
                unit_item.child(i).setExpanded(True)
        units_covered = len({ac_unit for ac_unit in self._mapped_units(progress, mapped)})
        self.summary.setText(f"{len(mapped)} criteria covered in {units_covered} unit(s). "
                             f"Tick “Covers” for working towards, “Met” when it is met."
                             + (" Greyed units bar this method: hover for the rule." if barred else ""))
        self._loading = False
        self._filter()
        self.tree.verticalScrollBar().setValue(scrolled)

    @staticmethod
    def _mapped_units(progress, mapped):
        for unit in progress.units:
            for ac in unit.criteria:
                if ac.id in mapped:
                    yield unit.id

    def ac_items(self):
        if self._stale:
            self.refresh()
        for i in range(self.tree.topLevelItemCount()):
            unit = self.tree.topLevelItem(i)
            for j in range(unit.childCount()):
                lo = unit.child(j)
                for k in range(lo.childCount()):
                    yield lo.child(k)

    def item_for(self, unit_number: str, ac_number: str) -> QTreeWidgetItem | None:
        if self._stale:
            self.refresh()
        for i in range(self.tree.topLevelItemCount()):
            unit = self.tree.topLevelItem(i)
            if unit.text(0).startswith(f"Unit {unit_number}:"):
                for j in range(unit.childCount()):
                    lo = unit.child(j)
                    for k in range(lo.childCount()):
                        if lo.child(k).text(0).split("  ")[0] == ac_number:
                            return lo.child(k)
        return None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._loading or column not in (1, 2):
            return
        criterion_id = item.data(0, AC_ROLE)
        if not criterion_id:
            return
        self._loading = True
        if column == 2 and item.checkState(2) == Qt.Checked:
            item.setCheckState(1, Qt.Checked)   # met implies covered
        if column == 1 and item.checkState(1) == Qt.Unchecked:
            item.setCheckState(2, Qt.Unchecked)
        self._loading = False
        record_id = self.record.id
        if item.checkState(1) == Qt.Checked:
            status = "met" if item.checkState(2) == Qt.Checked else "working_towards"
            self.bridge.write(map_criteria, record_id, {criterion_id: status},
                              on_done=lambda _ids: self._done(), on_error=self._refused)
        else:
            self.bridge.write(unmap_criteria, record_id, [criterion_id],
                              on_done=lambda _r: self._done(), on_error=self._refused)

    def _done(self) -> None:
        self.problem.show_problem(None)
        self.refresh()
        self.changed.emit()

    def _refused(self, exc: Exception) -> None:
        problems = getattr(exc, "problems", None) or {"": str(exc)}
        self.refresh()
        self.problem.show_problem(" ".join(dict.fromkeys(problems.values())))

    def _filter(self, *_args) -> None:
        words = self.search.text().strip().lower()
        needed_only = self.only_needed.isChecked()
        for i in range(self.tree.topLevelItemCount()):
            unit = self.tree.topLevelItem(i)
            unit_match = words in unit.text(0).lower()
            unit_visible = False
            for j in range(unit.childCount()):
                lo = unit.child(j)
                lo_match = unit_match or words in lo.text(0).lower()
                lo_visible = False
                for k in range(lo.childCount()):
                    ac = lo.child(k)
                    visible = (lo_match or words in ac.text(0).lower())
                    if needed_only and ac.data(3, AC_ROLE) == MET and ac.checkState(1) != Qt.Checked:
                        visible = False
                    ac.setHidden(not visible)
                    lo_visible |= visible
                lo.setHidden(not lo_visible)
                unit_visible |= lo_visible
            unit.setHidden(not unit_visible)
