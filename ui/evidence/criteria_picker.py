"""Choosing the ACs a record covers: a tree of unit > LO > AC over the enrolment's units.

Tick "Covers" to map an AC (working towards); tick "Met" as well when the evidence meets
it. Ticking a learning outcome's or unit's row ticks every AC under it in one write, and
the window's Undo (Ctrl+Z) puts them back as they were. A unit whose assessment rules bar
this record's method is shown greyed with the reason, and the refusal from `map_criteria`
is shown in words if tried anyway.

Each AC reads in full (wrapped, never cut to a tooltip), with a detail line under it: where
the learner stands on it, then one line from each function in `AC_DETAIL_READERS`. A
feature adds what it wants shown at the AC (assessment requirements, say) by appending
`reader(session, enrolment_id, method) -> {criterion_id: "text"}`; it runs in the same read.
The AC the assessor is on shows its learning outcome's assessment requirements in full,
judged for this record, in a strip under the tree (ui/evidence/requirements_at_ac.py).
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QHeaderView, QLineEdit, QSplitter, QStyledItemDelegate,
    QStyleOptionViewItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from sqlalchemy.orm import Session

from app.evidence.mapping import (
    barred_units, map_criteria, mappings_of, set_mappings, unmap_criteria,
)
from app.evidence.progress import MET, STATUS_SYMBOLS, STATUS_WORDS, enrolment_progress
from app.evidence.records import RecordView
from app.evidence.requirements import requirement_lines
from ui.bridge import Bridge
from ui.evidence.requirements_at_ac import RequirementsAtAC
from ui.widgets import ProblemLabel, label

AC_ROLE = Qt.UserRole + 1
GROUP_ROLE = Qt.UserRole + 2     # on unit and LO rows: the ids of the ACs under them
STATUS_ROLE = Qt.UserRole + 3    # on AC rows: where the learner stands on the AC
PLACE_ROLE = Qt.UserRole + 4     # a unit's (id, number), an LO's number

# reader(session, enrolment_id, method) -> {criterion_id: "one line shown under the AC"}
AC_DETAIL_READERS: list[Callable[[Session, str, str], dict[str, str]]] = [
    requirement_lines,      # the assessment rules at the AC, each with its source line
]


class WrappedText(QStyledItemDelegate):
    """Rows as tall as their words at the column's real width: Qt's own guess measures
    before the column has its width and cut long ACs off with an ellipsis."""

    def __init__(self, tree: QTreeWidget):
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != 0:
            return hint
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.tree.header().sectionSize(0) - self.tree.indentation() * (depth + 1) - 12
        text = index.data(Qt.DisplayRole) or ""
        rect = option.fontMetrics.boundingRect(0, 0, max(width, 80), 100_000,
                                               int(Qt.TextWordWrap), text)
        return QSize(hint.width(), max(hint.height(), rect.height() + 8))


class CriteriaPicker(QWidget):
    changed = Signal()

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record: RecordView | None = None
        self._stale = False
        self._loading = False
        self.read_only = False    # an IQA's laptop: the ticks are shown, not changed
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
        # The criterion's words take all the width left by two tick columns: the assessor
        # reads the whole AC before ticking it.
        self.tree.setHeaderLabels(["Criterion (and where the learner stands)", "Covers", "Met"])
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.ElideNone)
        self.tree.setVerticalScrollMode(QTreeWidget.ScrollPerPixel)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        self.tree.setItemDelegate(WrappedText(self.tree))
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())
        self.tree.itemChanged.connect(self._item_changed)
        self.requirements = RequirementsAtAC(self.bridge)
        # The ACs keep most of the height; the assessor drags the divider to read more rules.
        split = QSplitter(Qt.Vertical, objectName="criteria_split")
        split.addWidget(self.tree)
        split.addWidget(self.requirements)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        self.tree.currentItemChanged.connect(self._show_requirements)

    def load(self, record: RecordView) -> None:
        self.record = record
        self.requirements.load(record)
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
            details: dict[str, list[str]] = {}
            for reader in AC_DETAIL_READERS:
                for criterion_id, text in reader(session, record.enrolment_id,
                                                 record.method).items():
                    details.setdefault(criterion_id, []).append(text)
            return (enrolment_progress(session, record.enrolment_id),
                    {m.criterion_id: m.status for m in mappings_of(session, record.id)},
                    barred_units(session, record.enrolment_id, record.method), details)

        progress, mapped, barred, details = self.bridge.store.read(read)
        self.mapped = mapped
        scrolled = self.tree.verticalScrollBar().value()  # keep the assessor's place
        self._loading = True
        self.tree.clear()
        locked = record.state == "signed" or self.read_only
        checkable = Qt.ItemIsEnabled | Qt.ItemIsSelectable | (
            Qt.NoItemFlags if locked else Qt.ItemIsUserCheckable)
        for unit in progress.units:
            unit_item = QTreeWidgetItem([f"Unit {unit.number}: {unit.title}\n"
                                         f"{unit.percent}% met · tick here for every AC"])
            unit_item.setData(0, GROUP_ROLE, [ac.id for ac in unit.criteria])
            unit_item.setData(0, PLACE_ROLE, (unit.id, unit.number))
            unit_item.setFlags(checkable)
            if unit.id in barred:
                unit_item.setText(0, f"Unit {unit.number}: {unit.title}\n"
                                     f"✖ method barred: {barred[unit.id]}")
                unit_item.setToolTip(0, barred[unit.id])
                unit_item.setDisabled(True)
            self.tree.addTopLevelItem(unit_item)
            for lo in unit.outcomes:
                lo_item = QTreeWidgetItem([f"LO {lo.number} {lo.title}\n{lo.percent}% met"])
                lo_item.setData(0, GROUP_ROLE, [ac.id for ac in lo.criteria])
                lo_item.setData(0, PLACE_ROLE, lo.number)
                lo_item.setFlags(checkable)
                unit_item.addChild(lo_item)
                for ac in lo.criteria:
                    detail = f"{STATUS_SYMBOLS[ac.shown]} {STATUS_WORDS[ac.shown]}" + (
                        f" · {ac.record_count} record(s): {', '.join(ac.methods)}"
                        if ac.record_count else "")
                    lines = [f"{ac.number}  {ac.text}", "    " + detail]
                    lines += ["    " + line for line in details.get(ac.id, [])]
                    item = QTreeWidgetItem(["\n".join(lines)])
                    item.setData(0, AC_ROLE, ac.id)
                    item.setData(0, STATUS_ROLE, ac.status)
                    item.setFlags(checkable if unit.id not in barred else
                                  Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                    status = mapped.get(ac.id)
                    item.setCheckState(1, Qt.Checked if status else Qt.Unchecked)
                    item.setCheckState(2, Qt.Checked if status == MET else Qt.Unchecked)
                    lo_item.addChild(item)
                self._show_group_state(lo_item)
            self._show_group_state(unit_item)
            unit_item.setExpanded(unit.id not in barred)
            for i in range(unit_item.childCount()):
                unit_item.child(i).setExpanded(True)
        units_covered = len({ac_unit for ac_unit in self._mapped_units(progress, mapped)})
        self.summary.setText(f"{len(mapped)} criteria covered in {units_covered} unit(s). "
                             f"Tick “Covers” for working towards, “Met” when it is met; tick "
                             f"an outcome or unit for all its criteria (Ctrl+Z undoes)."
                             + (" Greyed units bar this method (the rule is shown)." if barred else ""))
        self._loading = False
        self._filter()
        self.tree.verticalScrollBar().setValue(scrolled)

    def _show_requirements(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        """The LO's requirements for the AC (or LO) the assessor is on."""
        ac_number = None
        if item is not None and item.data(0, AC_ROLE):
            ac_number = item.text(0).split("  ")[0]
            item = item.parent()
        if item is None or item.parent() is None:
            return      # a unit row: its LOs differ, so wait for one of them
        unit_id, unit_number = item.parent().data(0, PLACE_ROLE)
        self.requirements.show_for(unit_id, unit_number, item.data(0, PLACE_ROLE), ac_number)

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
            if item.data(0, GROUP_ROLE):
                self._group_ticked(item, column)
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

    def _show_group_state(self, item: QTreeWidgetItem) -> None:
        """A unit's or LO's ticks say whether all, some or none of its ACs are ticked."""
        ids = item.data(0, GROUP_ROLE) or []
        for column, counted in ((1, lambda s: bool(s)), (2, lambda s: s == MET)):
            ticked = sum(counted(self.mapped.get(i)) for i in ids)
            item.setCheckState(column, Qt.Checked if ids and ticked == len(ids) else
                               Qt.PartiallyChecked if ticked else Qt.Unchecked)

    def _group_ticked(self, item: QTreeWidgetItem, column: int) -> None:
        """Every AC of an LO or unit at once: ticked means working towards ("Covers") or
        met ("Met"); unticking "Covers" removes them all. One write, one Undo."""
        ids = item.data(0, GROUP_ROLE)
        ticked = item.checkState(column) != Qt.Unchecked
        before = {i: self.mapped.get(i) for i in ids}
        if column == 2:
            after = {i: (MET if ticked else ("working_towards" if before[i] else None))
                     for i in ids}
        else:
            after = {i: ((before[i] or "working_towards") if ticked else None) for i in ids}
        record_id = self.record.id
        name = item.text(0).split("\n")[0]
        words = ("met" if column == 2 else "covered") if ticked else "not covered"
        if all(before[i] == after[i] for i in ids):
            self.refresh()
            return

        def done(_r):
            self._done()
            self.bridge.undoable(f"tick {name} as {words}", (set_mappings, (record_id, before)),
                                 (set_mappings, (record_id, after)))

        self.bridge.write(set_mappings, record_id, after, on_done=done, on_error=self._refused)

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
                    if needed_only and ac.data(0, STATUS_ROLE) == MET and ac.checkState(1) != Qt.Checked:
                        visible = False
                    ac.setHidden(not visible)
                    lo_visible |= visible
                lo.setHidden(not lo_visible)
                unit_visible |= lo_visible
            unit.setHidden(not unit_visible)
