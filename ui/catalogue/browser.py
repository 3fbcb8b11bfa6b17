"""The catalogue browser: qualifications, their units (filter by group, level, type), and a
reading pane with each unit's learning outcomes and ACs exactly as the source prints them.
The search box looks through the words of every AC in every qualification."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QSplitter, QStackedWidget, QTextBrowser, QVBoxLayout, QWidget,
)

from app.catalogue.browse import list_catalogue, qualification_detail, unit_detail
from app.catalogue.search import MARK_END, MARK_START, search_criteria
from ui.catalogue.detail_html import qualification_html, unit_html, unit_name
from ui.widgets import fit_to_screen, label

ALL = "__all__"


class CatalogueBrowser(QWidget):
    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.detail = None            # QualificationDetail shown
        self.unit = None              # UnitDetail shown
        self._pending_unit: tuple[str, str | None] | None = None
        self._wanted_unit: str | None = None
        self.setWindowTitle("Fieldfolio · Qualification catalogue")
        # two- and three-line entries need air between them to be read and tapped
        self.setStyleSheet("QListWidget::item { padding: 6px 4px; border-bottom: 1px solid #e3e7ed; }"
                           "QListWidget::item:selected { background: #dce8f7; color: #1b2430; }")
        fit_to_screen(self, 1400, 880)

        self.search = QLineEdit(objectName="catalogue_search", clearButtonEnabled=True)
        self.search.setPlaceholderText("Search the words of every assessment criterion, "
                                       "in every qualification (Ctrl+F)")
        self.search.setMinimumHeight(36)
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        QShortcut(QKeySequence.Find, self, activated=lambda: (self.search.setFocus(),
                                                                self.search.selectAll()))

        # left: qualifications and unit banks
        self.qualifications = QListWidget(objectName="qualifications")
        self.qualifications.setWordWrap(True)
        self.qualifications.currentItemChanged.connect(self._qualification_chosen)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(label("Qualifications and unit banks", "section"))
        ll.addWidget(self.qualifications)

        # middle: units of the chosen qualification, or search results
        self.overview_button = QPushButton("Rules of combination and notes",
                                           objectName="overview_button")
        self.overview_button.clicked.connect(self.show_overview)
        self.group_filter = QComboBox(objectName="group_filter")
        self.level_filter = QComboBox(objectName="level_filter")
        self.type_filter = QComboBox(objectName="type_filter")
        for combo in (self.group_filter, self.level_filter, self.type_filter):
            combo.currentIndexChanged.connect(self._fill_units)
        filters = QHBoxLayout()
        filters.addWidget(self.group_filter, 2)
        filters.addWidget(self.level_filter, 1)
        filters.addWidget(self.type_filter, 1)
        self.units = QListWidget(objectName="units")
        self.units.setWordWrap(True)
        self.units.currentItemChanged.connect(self._unit_chosen)
        self.units_count = label("", "hint")
        units_page = QWidget()
        ul = QVBoxLayout(units_page)
        ul.setContentsMargins(0, 0, 0, 0)
        self.qualification_title = label("", "section")
        ul.addWidget(self.qualification_title)
        ul.addWidget(self.overview_button)
        ul.addLayout(filters)
        ul.addWidget(self.units_count)
        ul.addWidget(self.units)

        self.results = QListWidget(objectName="search_results")
        self.results.setWordWrap(True)
        self.results.currentItemChanged.connect(self._result_chosen)
        self.results_count = label("", "hint")
        self.results_count.setTextFormat(Qt.PlainText)
        results_page = QWidget()
        rl = QVBoxLayout(results_page)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(label("Assessment criteria found", "section"))
        rl.addWidget(self.results_count)
        rl.addWidget(self.results)

        self.middle = QStackedWidget()
        self.middle.addWidget(units_page)
        self.middle.addWidget(results_page)

        # right: the reading pane
        self.reader = QTextBrowser(objectName="catalogue_reader")
        self.reader.setOpenLinks(False)
        self.reader.document().setDefaultStyleSheet(
            "h2 { color: #1b2430; } h3 { color: #1b2430; margin-top: 14px; }")

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.middle)
        splitter.addWidget(self.reader)
        splitter.setSizes([300, 430, 670])
        # Source files, line numbers and corrections are for whoever reviews the packs:
        # behind a box, so an assessor reads the qualification, not its provenance.
        self.show_source = QCheckBox("Source: show where each text comes from",
                                     objectName="show_source")
        self.show_source.toggled.connect(self._redraw)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.show_source)
        QShortcut(QKeySequence(Qt.Key_Escape), self, activated=self.close)
        self.refresh()

    def _redraw(self, *_args) -> None:
        if self.unit is not None:
            self.reader.setHtml(unit_html(self.unit, None, self.show_source.isChecked()))
        elif self.detail is not None:
            self.reader.setHtml(qualification_html(self.detail, self.show_source.isChecked()))

    # -- qualifications -------------------------------------------------------------------
    def refresh(self, select_id: str | None = None) -> None:
        keep = select_id or self.current_qualification_id()
        self.bridge.read(list_catalogue, on_done=lambda rows: self._fill_qualifications(rows, keep))

    def _fill_qualifications(self, rows, select_id) -> None:
        self.qualifications.blockSignals(True)
        self.qualifications.clear()
        for q in rows:
            kind = "Unit bank" if q.kind == "unit_bank" else "Qualification"
            numbers = " · ".join(n for n in (q.ab_number, q.regulator_number) if n)
            extra = f" · version {q.version_label}" if q.version_label else ""
            item = QListWidgetItem(f"{q.title}\n{kind} · {q.awarding_body}"
                                   f"{' · ' + numbers if numbers else ''} · {q.unit_count} units"
                                   f"{extra}")
            item.setData(Qt.UserRole, q.id)
            self.qualifications.addItem(item)
        self.qualifications.blockSignals(False)
        row = next((i for i in range(self.qualifications.count())
                    if self.qualifications.item(i).data(Qt.UserRole) == select_id), 0)
        if self.qualifications.count():
            self.qualifications.setCurrentRow(row)  # -1 -> row: loads its detail

    def current_qualification_id(self) -> str | None:
        item = self.qualifications.currentItem()
        return item.data(Qt.UserRole) if item else None

    def show_qualification(self, qualification_id: str, unit_id: str | None = None,
                           ac_id: str | None = None) -> None:
        self._pending_unit = (unit_id, ac_id) if unit_id else None
        for i in range(self.qualifications.count()):
            if self.qualifications.item(i).data(Qt.UserRole) == qualification_id:
                if self.qualifications.currentRow() == i and self.detail \
                        and self.detail.summary.id == qualification_id:
                    self._apply_pending()
                else:
                    self.qualifications.setCurrentRow(i)
                return

    def _qualification_chosen(self, item, _previous) -> None:
        if item is None:
            return
        self.bridge.read(qualification_detail, item.data(Qt.UserRole),
                         on_done=self._show_detail)

    def _show_detail(self, detail) -> None:
        # reads run on a pool: an answer for a qualification no longer chosen is dropped
        if detail is None or detail.summary.id != self.current_qualification_id():
            return
        self.detail = detail
        self.qualification_title.setText(detail.summary.title)
        groups = sorted({u.group for u in detail.units if u.group})
        levels = sorted({u.level for u in detail.units if u.level is not None})
        types = sorted({u.unit_type for u in detail.units if u.unit_type})
        for combo, first, values, show in (
                (self.group_filter, "All groups", groups, str),
                (self.level_filter, "All levels", levels, lambda v: f"Level {v}"),
                (self.type_filter, "All types", types, lambda v: str(v).capitalize())):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, ALL)
            for v in values:
                combo.addItem(show(v), v)
            combo.setEnabled(bool(values))
            combo.blockSignals(False)
        self._fill_units()
        if not self._apply_pending():
            self.show_overview()

    def show_overview(self) -> None:
        if self.detail is not None:
            self.units.blockSignals(True)
            self.units.setCurrentRow(-1)
            self.units.blockSignals(False)
            self.unit = None
            self._wanted_unit = None
            self.reader.setHtml(qualification_html(self.detail, self.show_source.isChecked()))

    # -- units ---------------------------------------------------------------------------
    def _fill_units(self) -> None:
        if self.detail is None:
            return
        group, level, kind = (c.currentData() for c in
                              (self.group_filter, self.level_filter, self.type_filter))
        current = self.unit.summary.id if self.unit else None
        self.units.blockSignals(True)
        self.units.clear()
        shown = 0
        for u in self.detail.units:
            if (group not in (ALL, None) and u.group != group) or \
                    (level not in (ALL, None) and u.level != level) or \
                    (kind not in (ALL, None) and u.unit_type != kind):
                continue
            facts = " · ".join(x for x in (
                u.reference or "no national reference",
                f"Level {u.level}" if u.level is not None else None,
                f"{u.credit} credits" if u.credit is not None else None,
                u.unit_type, u.group) if x)
            also = f"\nalso in: {', '.join(u.also_in)}" if u.also_in else ""
            item = QListWidgetItem(f"{u.number}  {u.title}\n{facts}{also}")
            item.setData(Qt.UserRole, u.id)
            item.setToolTip(f"{u.number} {u.title}")
            self.units.addItem(item)
            if u.id == current:
                self.units.setCurrentItem(item)
            shown += 1
        self.units.blockSignals(False)
        total = len(self.detail.units)
        self.units_count.setText(f"{shown} of {total} units shown" if shown != total
                                 else f"{total} units")

    def _unit_chosen(self, item, _previous) -> None:
        if item is not None:
            self.open_unit(item.data(Qt.UserRole))

    def open_unit(self, unit_id: str, ac_id: str | None = None) -> None:
        group = next((u.group for u in (self.detail.units if self.detail else [])
                      if u.id == unit_id), None)
        self._wanted_unit = unit_id
        self.bridge.read(unit_detail, unit_id, group,
                         on_done=lambda d: self._show_unit(d, ac_id))

    def _show_unit(self, detail, ac_id) -> None:
        if detail is None or detail.summary.id != self._wanted_unit:
            return
        self.unit = detail
        self.reader.setHtml(unit_html(detail, ac_id, self.show_source.isChecked()))
        if ac_id:
            self.reader.scrollToAnchor(f"ac-{ac_id}")
        else:
            self.reader.verticalScrollBar().setValue(0)

    def _apply_pending(self) -> bool:
        if not self._pending_unit:
            return False
        unit_id, ac_id = self._pending_unit
        self._pending_unit = None
        for i in range(self.units.count()):
            if self.units.item(i).data(Qt.UserRole) == unit_id:
                self.units.blockSignals(True)
                self.units.setCurrentRow(i)
                self.units.blockSignals(False)
        self.open_unit(unit_id, ac_id)
        return True

    # -- search --------------------------------------------------------------------------
    def run_search(self) -> None:
        typed = self.search.text().strip()
        if not typed:
            self.middle.setCurrentIndex(0)
            return
        self.middle.setCurrentIndex(1)
        self.bridge.read(search_criteria, typed, 200,
                         on_done=lambda hits: self._show_results(typed, hits))

    def _show_results(self, typed: str, hits) -> None:
        if typed != self.search.text().strip():
            return  # the person kept typing; a newer search is on its way
        self.results.blockSignals(True)
        self.results.clear()
        for h in hits:
            item = QListWidgetItem()
            item.setData(Qt.UserRole, (h.qualification_id, h.unit_id, h.ac_id))
            text = h.highlighted.replace(MARK_START, "»").replace(MARK_END, "«")
            item.setText(f"{h.number}  {text}\n{unit_name(h.unit_number)} {h.unit_title} · "
                         f"{h.qualification_title}")
            item.setToolTip(h.text)
            self.results.addItem(item)
        self.results.blockSignals(False)
        n = len(hits)
        self.results_count.setText(
            "No assessment criterion contains those words." if not n else
            f"{n}{'+' if n >= 200 else ''} criteri{'on' if n == 1 else 'a'} "
            f"contain “{typed}” (matches marked » «)")

    def _result_chosen(self, item, _previous) -> None:
        if item is None:
            return
        qualification_id, unit_id, ac_id = item.data(Qt.UserRole)
        if qualification_id:
            self.show_qualification(qualification_id, unit_id, ac_id)
        else:
            self.open_unit(unit_id, ac_id)
