"""The caseload list: every learner, with search and filters, always one click from a page."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, Signal, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton,
    QStackedWidget, QTableView, QVBoxLayout, QWidget,
)

from app.caseload.employers import live_employers
from app.caseload.queries import CaseloadRow, caseload_rows, qualifications
from ui.bridge import Bridge
from ui.widgets import label

STATUS_LABELS = {"active": "Active", "on_break": "On a break", "completed": "Completed",
                 "withdrawn": "Withdrawn", "not enrolled": "Not enrolled",
                 "deleted": "Deleted (to restore)"}


# Narrower than this, a qualification's title says nothing ("City & Gu…").
QUALIFICATION_LEAST = 140
EMPLOYER_WIDTH = 110


class CaseloadModel(QAbstractTableModel):
    # The ULN is searchable and shown on the learner page and in the tooltip; as a column
    # it pushed the qualification out of sight on a laptop screen.
    # Status is a filter above the list and shown beside progress only when it is not
    # "active": as a column of its own it squeezed the qualification out of sight.
    HEADERS = ["Learner", "Employer", "Qualification", "Progress"]

    def __init__(self):
        super().__init__()
        self.rows: list[CaseloadRow] = []

    def set_rows(self, rows: list[CaseloadRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        row = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return [row.name, row.employer, "; ".join(row.qualifications) or "—",
                    _progress_text(row)][index.column()]
        if role == Qt.ToolTipRole:
            return "\n".join([f"{row.name} · ULN {row.uln or '—'}", row.employer, *row.qualifications,
                              STATUS_LABELS.get(row.status, row.status)])
        if role == Qt.UserRole:
            return row.learner_id
        return None

    def row_of(self, learner_id: str) -> int:
        for i, row in enumerate(self.rows):
            if row.learner_id == learner_id:
                return i
        return -1


def _progress_text(row: CaseloadRow) -> str:
    # Met, and on a line of its own (the column stays narrow) how much of it is signed: a
    # tick on a draft is not yet an achievement. "…" while it is being counted at start-up.
    if not row.progress_known:
        return "…" + (f" · {STATUS_LABELS.get(row.status, row.status)}"
                      if row.status != "active" else "")
    text = f"{row.progress_percent}%"
    if row.last_evidence is not None:
        text += f" · {row.last_evidence.strftime('%d/%m')}"
    if row.status != "active":
        text += f" · {STATUS_LABELS.get(row.status, row.status)}"
    return text + f"\n{row.signed_percent}% signed"


class CaseloadPanel(QWidget):
    learner_chosen = Signal(str)
    demo_requested = Signal()
    new_learner_requested = Signal()

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(label("Caseload", "section"))
        self.search = QLineEdit(objectName="caseload_search")
        self.search.setPlaceholderText("Search name, ULN, registration no. or employer (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        # Two rows: three in one row read "Any employ" and "Any qualific" at 1280 pixels.
        filters, second = QHBoxLayout(), QHBoxLayout()
        self.employer_filter = QComboBox(objectName="filter_employer")
        self.qualification_filter = QComboBox(objectName="filter_qualification")
        self.status_filter = QComboBox(objectName="filter_status")
        for combo in (self.employer_filter, self.qualification_filter, self.status_filter):
            combo.setMinimumContentsLength(5)   # the panel fits beside a learner at 1280 px
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        filters.addWidget(self.employer_filter, 3)
        filters.addWidget(self.status_filter, 2)
        second.addWidget(self.qualification_filter, 1)
        self.status_filter.addItem("Any status", None)
        for key, text in STATUS_LABELS.items():
            self.status_filter.addItem(text, key)
        layout.addLayout(filters)
        layout.addLayout(second)

        self.stack = QStackedWidget()
        self.model = CaseloadModel()
        self.table = QTableView(objectName="caseload_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # Two lines a row: progress puts how much is signed on a line of its own, and at one
        # line's height that line was hidden and the first cut to "14% · 02/…". Measured
        # again whenever the table's font is settled or changes (the style sheet's font
        # arrives when the table is polished, after this constructor).
        self._fit_rows()
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.table.horizontalHeader()
        # Progress sits beside the name and sizes to its words; a long name is cut with an
        # ellipsis (the tooltip has it whole) rather than pushing progress out of view.
        header.moveSection(3, 1)
        header.setSectionResizeMode(3, QHeaderView.ResizeToContents)
        for column, width in ((0, 150), (1, EMPLOYER_WIDTH)):
            header.setSectionResizeMode(column, QHeaderView.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setMinimumSectionSize(60)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.stack.addWidget(self.table)

        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch()
        self.empty_text = label("No learners yet.", "subtitle")
        # Centred by the label, not the layout: a layout-aligned label that wraps is given
        # one line's height and its second and third lines were cut off.
        self.empty_text.setAlignment(Qt.AlignHCenter)
        empty_layout.addWidget(self.empty_text)
        self.demo_button = QPushButton("Load demo caseload", objectName="load_demo")
        self.demo_button.setProperty("primary", True)
        self.demo_button.clicked.connect(self.demo_requested)
        self.add_button = QPushButton("Add a learner  (Ctrl+N)", objectName="add_learner")
        self.add_button.clicked.connect(self.new_learner_requested)
        empty_layout.addWidget(self.demo_button, alignment=Qt.AlignHCenter)
        empty_layout.addWidget(self.add_button, alignment=Qt.AlignHCenter)
        empty_layout.addStretch()
        self.stack.addWidget(empty)
        layout.addWidget(self.stack, 1)
        self.count = label("", "hint")
        layout.addWidget(self.count)

        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.employer_filter, self.qualification_filter, self.status_filter):
            combo.currentIndexChanged.connect(lambda _i: self._debounce.start())
        self._selected: str | None = None


    def _fit_rows(self) -> None:
        self.table.verticalHeader().setDefaultSectionSize(
            2 * self.table.fontMetrics().lineSpacing() + 12)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() in (QEvent.Polish, QEvent.FontChange,
                                                     QEvent.StyleChange):
            self._fit_rows()
        if watched is self.table.viewport() and event.type() == QEvent.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """The qualification column shows only when there is room to read some of it: at
        1280 pixels it was a sliver at the table's edge with half a header ("ıli"). The
        tooltip and the qualification filter still name it."""
        header = self.table.horizontalHeader()
        others = header.sectionSize(0) + header.sectionSize(3) + EMPLOYER_WIDTH
        hide = self.table.viewport().width() - others < QUALIFICATION_LEAST
        if header.isSectionHidden(2) == hide:
            return
        header.setSectionHidden(2, hide)
        # Without it the employer takes what is left, whole (it was cut at the edge too);
        # with it, its own width again.
        header.setSectionResizeMode(1, QHeaderView.Stretch if hide else QHeaderView.Interactive)
        if not hide:
            header.resizeSection(1, EMPLOYER_WIDTH)
    def refresh_filters(self) -> None:
        def fill(result):
            employers, quals = result
            for combo, first, items in ((self.employer_filter, "Any employer", employers),
                                        (self.qualification_filter, "Any qualification", quals)):
                current = combo.currentData()
                combo.blockSignals(True)
                combo.clear()
                combo.addItem(first, None)
                for key, text in items:
                    combo.addItem(text, key)
                index = combo.findData(current)
                combo.setCurrentIndex(max(index, 0))
                combo.blockSignals(False)
        self.bridge.read(lambda s: ([(e.id, e.name) for e in live_employers(s)], qualifications(s)),
                         on_done=fill)

    def refresh(self, select_id: str | None = None) -> None:
        if select_id:
            self._selected = select_id
        # Reads run on a pool and can finish out of order: only the newest request may
        # paint, or an older, emptier answer could hide a learner just saved.
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation
        filters = (self.search.text(), self.employer_filter.currentData(),
                   self.qualification_filter.currentData(), self.status_filter.currentData())
        full = lambda: self.bridge.read(caseload_rows, *filters,  # noqa: E731
                                        on_done=lambda rows: self._show_rows(rows, generation))
        if not getattr(self, "_painted", False):
            # The first read counts every learner's progress (a third of a second for 300
            # learners): the names come first, "…" in the progress column until it is in,
            # and the count starts once they are painted, not competing with them.
            self._painted = True

            def names(rows) -> None:
                self._show_rows(rows, generation, final=False)
                full()
            self.bridge.read(caseload_rows, *filters, False, on_done=names)
            return
        full()

    def _show_rows(self, rows: list[CaseloadRow], generation: int | None = None,
                   final: bool = True) -> None:
        if generation is not None and generation != self._generation:
            return
        if not final and getattr(self, "_final_for", None) == generation:
            return      # the names-only answer came after the full one: keep the full one
        if final:
            self._final_for = generation
        keep = self._selected
        self.model.set_rows(rows)
        filtered = bool(self.search.text() or self.employer_filter.currentData()
                        or self.qualification_filter.currentData() or self.status_filter.currentData())
        if rows or filtered:
            self.stack.setCurrentIndex(0)
        else:
            self.stack.setCurrentIndex(1)
        self.count.setText(f"{len(rows)} learner{'s' if len(rows) != 1 else ''}"
                           + (" match" if filtered else ""))
        if keep:
            row = self.model.row_of(keep)
            if row >= 0:
                self.table.blockSignals(True)
                self.table.selectRow(row)
                self.table.blockSignals(False)

    def _row_changed(self, current: QModelIndex, _previous) -> None:
        if current.isValid():
            learner_id = self.model.rows[current.row()].learner_id
            if learner_id != self._selected:
                self._selected = learner_id
                self.learner_chosen.emit(learner_id)

    def clear_selection(self) -> None:
        self._selected = None
        self.table.clearSelection()
