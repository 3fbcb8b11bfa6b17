"""The red/amber/green grid (units by ACs) and the "what's still needed" visit plan.

Each cell carries a symbol and the AC number as well as its colour (○ not started,
◐ working towards, ◕ met by evidence not yet signed, ● met and signed), so it reads for
colour-blind users and in black and white.
A click on a covered AC opens the record covering it (the next one on another click): from
an AC to its evidence in one click.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout,
    QWidget,
)

from app.evidence.progress import (
    MET, MET_UNSIGNED, NOT_STARTED, STATUS_SYMBOLS, STATUS_WORDS, WORKING, EnrolmentProgress,
)
from ui.widgets import label

COLOURS = {NOT_STARTED: "#f6d5d2", WORKING: "#fbe3a6", MET_UNSIGNED: "#e4f1d0",
           MET: "#c7e8c9"}
STATUS_ROLE = Qt.UserRole + 2
RECORDS_ROLE = Qt.UserRole + 3
SHOWN_ROLE = Qt.UserRole + 4     # as shown: met-and-signed apart from met-but-unsigned


class DrawnWhenShown(QWidget):
    """Progress is kept, and drawn when the view is looked at (or read, see `_draw`):
    filling a few hundred grid cells on every learner opened cost a tenth of the open,
    for a tab that was not showing."""

    def show_progress(self, progress_list: list[EnrolmentProgress]) -> None:
        self._pending = progress_list
        if self.isVisible():
            self._draw()

    def showEvent(self, event) -> None:
        self._draw()
        super().showEvent(event)

    def _draw(self) -> None:
        raise NotImplementedError


class ProgressGrid(DrawnWhenShown):
    record_wanted = Signal(str)    # a record covering the AC clicked

    def __init__(self, parent=None):
        super().__init__(parent)
        self._last_click: tuple[int, int, int] | None = None   # row, column, which record
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = label("", "section")
        self.heading.setObjectName("progress_heading")
        layout.addWidget(self.heading)
        layout.addWidget(label("○ not started (red) · ◐ working towards (amber) · ◕ met, not yet "
                               "signed (pale green) · ● met and signed (green) · "
                               "⚠ n: assessment rules not yet met, such as a required method, "
                               "evidence from different occasions or the video cap (see “What's "
                               "still needed”). "
                               "Hover a cell for the criterion and the records covering it; "
                               "click it to open the record.", "hint"))
        self._pending: list[EnrolmentProgress] | None = None
        self._table = QTableWidget(objectName="progress_grid")
        self._table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self._table.horizontalHeader().hide()
        self._table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self._table.horizontalHeader().setDefaultSectionSize(52)
        self._table.verticalHeader().setDefaultSectionSize(34)
        self._table.cellClicked.connect(self._clicked)
        layout.addWidget(self._table, 1)

    def _clicked(self, row: int, col: int) -> None:
        item = self._table.item(row, col)
        records = item.data(RECORDS_ROLE) if item else None
        if not records:
            return
        again = self._last_click is not None and self._last_click[:2] == (row, col)
        which = (self._last_click[2] + 1) % len(records) if again else 0
        self._last_click = (row, col, which)
        self.record_wanted.emit(records[which])

    @property
    def table(self) -> QTableWidget:
        self._draw()
        return self._table

    def _draw(self) -> None:
        progress_list, self._pending = getattr(self, "_pending", None), None
        if progress_list is None:
            return
        units = [u for p in progress_list for u in p.units]
        width = max((len(u.criteria) for u in units), default=0)
        self._table.clear()
        self._last_click = None
        self._table.setRowCount(len(units))
        self._table.setColumnCount(width)
        labels = []
        for row, unit in enumerate(units):
            gaps = f"  ⚠{len(unit.outstanding)}" if unit.outstanding else ""
            labels.append(f"{STATUS_SYMBOLS[unit.shown]} {unit.number}  {unit.percent:>3}%{gaps}")
            for col, ac in enumerate(unit.criteria):
                item = QTableWidgetItem(f"{STATUS_SYMBOLS[ac.shown]} {ac.number}")
                item.setBackground(QBrush(QColor(COLOURS[ac.shown])))
                item.setForeground(QBrush(QColor("#1b2430")))
                item.setData(STATUS_ROLE, ac.status)
                item.setData(SHOWN_ROLE, ac.shown)
                item.setData(RECORDS_ROLE, list(ac.record_ids))
                item.setTextAlignment(Qt.AlignCenter)
                covered = (f"\n{ac.record_count} record(s): {', '.join(ac.refs)} "
                           f"({', '.join(ac.methods)})") if ac.record_count else ""
                item.setToolTip(f"Unit {unit.number} AC {ac.number}: {STATUS_WORDS[ac.shown]}"
                                f"{covered}\n{ac.text}"
                                + ("\nClick to open the record." if ac.record_count else ""))
                self._table.setItem(row, col, item)
        for row, unit in enumerate(units):
            header = QTableWidgetItem(labels[row])
            header.setToolTip(f"Unit {unit.number}: {unit.title}\n{unit.percent}% of ACs met, "
                              f"{unit.signed_percent}% on signed evidence; "
                              f"{STATUS_WORDS[unit.shown]}"
                              + "".join(f"\n⚠ {g.text}" for g in unit.outstanding))
            self._table.setVerticalHeaderItem(row, header)
        self._table.resizeColumnsToContents()
        overall = " · ".join(f"{p.qualification}: {p.percent}% met, {p.signed_percent}% signed"
                             for p in progress_list)
        self.heading.setText(overall or "Not enrolled yet: enrol the learner to see progress.")

    def status_at(self, unit_row: int, ac_col: int) -> str | None:
        item = self.table.item(unit_row, ac_col)
        return item.data(STATUS_ROLE) if item else None

    def shown_at(self, unit_row: int, ac_col: int) -> str | None:
        """The status as the cell shows it (MET_UNSIGNED apart from MET)."""
        item = self.table.item(unit_row, ac_col)
        return item.data(SHOWN_ROLE) if item else None


class StillNeeded(DrawnWhenShown):
    """Per unit: missing required methods first, then ACs not yet met."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser(objectName="still_needed")
        layout.addWidget(self.browser)

    def _draw(self) -> None:
        progress_list, self._pending = getattr(self, "_pending", None), None
        if progress_list is None:
            return
        parts = []
        for p in progress_list:
            parts.append(f"<h3>{_esc(p.qualification)} — {p.percent}% met, "
                         f"{p.signed_percent}% signed</h3>")
            for unit in p.units:
                lines = unit.still_needed()
                if not lines:
                    parts.append(f"<p><b>Unit {_esc(unit.number)}</b> ✔ nothing more needed.</p>")
                    continue
                parts.append(f"<p><b>Unit {_esc(unit.number)}: {_esc(unit.title)}</b> "
                             f"({unit.percent}% met)</p><ul>")
                for gap in unit.outstanding:
                    parts.append(f"<li>⚠ {_esc(gap.text)}</li>")
                for line in lines[len(unit.outstanding):]:
                    parts.append(f"<li>{_esc(line)}</li>")
                parts.append("</ul>")
        self.browser.setHtml("".join(parts) or "<p>Not enrolled yet.</p>")

    def text(self) -> str:
        self._draw()
        return self.browser.toPlainText()


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
