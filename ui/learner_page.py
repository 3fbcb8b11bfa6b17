"""One learner: a tab for details, one for enrolments and units, more added by features."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QScrollArea, QTabWidget, QVBoxLayout, QWidget

from app.caseload.employers import employer_choices
from app.models import Learner
from app.sync.iqa_laptop import read_only_line
from ui.bridge import Bridge
from ui.claims.claims_panel import ClaimsPanel
from ui.employer_dialog import EmployerDialog
from ui.enrolments_panel import EnrolmentsPanel
from ui.evidence.evidence_panel import EvidencePanel
from ui.learner_form import LearnerForm
from ui.signing.audit_trail_view import AuditTrailView
from ui.widgets import card, label


class LearnerPage(QWidget):
    learner_saved = Signal(str)
    employers_requested = Signal(str)   # open the Employers window at this employer

    def __init__(self, bridge: Bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        self.title = label("", "title")
        self.title.setObjectName("learner_title")
        self.subtitle = label("", "subtitle")
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        # On an IQA's laptop: whose learner this is, and what the IQA can do here (sample
        # and sign as IQA); every control for the assessor's work is disabled beneath it.
        self.read_only_line = label("", "notice")
        self.read_only_line.setObjectName("read_only_line")
        self.read_only_line.hide()
        outer.addWidget(self.read_only_line)
        # Tabs rather than columns: at a counter on a 13-inch laptop each part needs the
        # full width. Features add their own tab with `self.tabs.addTab(widget, title)`.
        self.tabs = QTabWidget(objectName="learner_tabs")
        details_card, details_box = card()
        self.saves_hint = label("Changes save as you type.", "hint")
        details_box.addWidget(self.saves_hint)
        self.form = LearnerForm(bridge)
        details_box.addWidget(self.form)
        details_box.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(details_card)
        self.tabs.addTab(scroll, "Details")
        self.details_tab = scroll
        self.enrolments = EnrolmentsPanel(bridge)
        right = QScrollArea()
        right.setWidgetResizable(True)
        right.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        right.setWidget(self.enrolments)
        self.tabs.addTab(right, "Enrolments and units")
        self.enrolments_tab = right
        self.evidence = EvidencePanel(bridge)
        self.tabs.addTab(self.evidence, "Evidence")
        self.tabs.addTab(self.evidence.progress_view, "Progress")
        self.enrolments.changed.connect(lambda: self.evidence.load(self.form.learner_id))
        # the caseload row follows an enrolment at once ("Not enrolled" no longer)
        self.enrolments.changed.connect(lambda: self.learner_saved.emit(self.form.learner_id))
        self.evidence.changed.connect(self.learner_saved)  # caseload progress follows
        self.claims = ClaimsPanel(bridge)
        self.tabs.addTab(self.claims, "Sign-off and claims")
        self.evidence.changed.connect(lambda _: self.claims.refresh())
        # A sign-off, sample, signature or claim saved here: the caseload's progress and the
        # status bar's "changes waiting" follow at once (left to the bar's timer, the count
        # changed seconds later, on whatever the user clicked next, as if that had written).
        self.claims.changed.connect(self.learner_saved)
        self.evidence.editor.sign_off_requested.connect(self.sign_off_unit)
        self.evidence.grid.record_wanted.connect(self.open_record)
        self.enrolments.changed.connect(lambda: self.claims.load(self.form.learner_id))
        # Signing (ui/signing): who did what to this learner's portfolio, read when shown.
        self.audit = AuditTrailView(bridge)
        self.tabs.addTab(self.audit, "Audit trail")
        self.tabs.currentChanged.connect(self._tab_shown)
        # From whatever tab is showing (the assessor has just chosen the learner, on Details):
        # the Evidence tab comes forward with a new record of the chosen method open.
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.new_record,
                  whatsThis="Evidence: new record of the chosen method")
        outer.addWidget(self.tabs, 1)
        self.form.saved.connect(self._saved)
        self.form.new_employer_requested.connect(self._new_employer)
        self.form.edit_employer_requested.connect(self.employers_requested)

    def new_record(self) -> str | None:
        self.tabs.setCurrentWidget(self.evidence)
        return self.evidence.new_record()

    def open_record(self, record_id: str) -> None:
        """From an AC in the progress grid: the record covering it, on the Evidence tab."""
        self.tabs.setCurrentWidget(self.evidence)
        self.evidence.select_record(record_id)

    def sign_off_unit(self, enrolment_id: str, unit_id: str) -> None:
        """From a record just signed: the Sign-off tab, that unit chosen, its sign-off open."""
        self.tabs.setCurrentWidget(self.claims)
        self.claims.sign_off_unit(enrolment_id, unit_id)

    def _tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.audit:
            self.audit.load_learner(self.form.learner_id)

    @property
    def learner_id(self) -> str | None:
        return self.form.learner_id

    def _follow_read_only(self, learner_id: str | None) -> None:
        """Before the tabs load: an IQA's laptop shows the assessor's work read only."""
        words = self.bridge.store.read(read_only_line, learner_id) if learner_id else ""
        self.read_only_line.setText(words)
        self.read_only_line.setVisible(bool(words))
        read_only = bool(words)
        self.saves_hint.setVisible(not read_only)
        self.form.set_read_only(read_only)
        self.enrolments.read_only = read_only
        self.evidence.set_read_only(read_only)
        self.claims.read_only = read_only

    def show_learner(self, learner_id: str | None) -> None:
        self._follow_read_only(learner_id)
        self.form.load(learner_id)
        self.enrolments.load_when_shown(learner_id)
        self.evidence.load(self.form.learner_id)
        self.claims.load(self.form.learner_id)
        self._tab_shown(self.tabs.currentIndex())
        self._update_title()

    def show_draft(self, learner_id: str, fields: dict) -> None:
        self._follow_read_only(None)
        self.form.load_draft_only(learner_id, fields)
        self.enrolments.load(learner_id)
        self.evidence.load(learner_id)
        self.claims.load(learner_id)
        self._update_title()

    def _saved(self, learner_id: str) -> None:
        if learner_id == self.form.learner_id:
            self._update_title()
            if not self.enrolments.learner_id or self.enrolments.learner_id != learner_id:
                self.enrolments.load(learner_id)
        self.learner_saved.emit(learner_id)

    def _update_title(self) -> None:
        learner_id = self.form.learner_id
        learner = self.bridge.store.read(
            lambda s: (lambda l: (l.full_name, l.uln, l.employer.name if l.employer else "")
                       if l else None)(s.get(Learner, learner_id)))
        if learner is None:
            values = self.form.values()
            name = f"{values['given_names']} {values['family_name']}".strip()
            self.title.setText(name or "New learner")
            self.subtitle.setText("Not saved yet: type the given and family names to save.")
        else:
            name, uln, employer = learner
            self.title.setText(name)
            self.subtitle.setText(" · ".join(x for x in (f"ULN {uln}" if uln else "No ULN yet",
                                                        employer) if x))

    def employers_changed(self) -> None:
        """An employer was edited, added, deleted or restored elsewhere: show its new name
        in the chooser and the heading, keeping the learner's choice and any typing."""
        employers = self.bridge.store.read(employer_choices, self.form.learner_id)
        self.form.set_employers(employers)
        if self.form.learner_id:
            self._update_title()

    def _new_employer(self) -> None:
        dialog = EmployerDialog(self.bridge.store, self)
        if dialog.exec() == QDialog.Accepted:
            employers = self.bridge.store.read(employer_choices, self.form.learner_id)
            self.form.set_employers(employers, select=dialog.employer_id)
