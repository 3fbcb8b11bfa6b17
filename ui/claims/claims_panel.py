"""The learner page's "Sign-off and claims" tab: each unit with where it stands (a symbol
and words, never colour alone) and what is missing; sign-offs waiting for signatures; the
learner's claims; and the buttons that end the job: "Sign off unit…", "Make a claim…",
"Save as PDF…" and "Print…"."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSplitter,
    QVBoxLayout, QWidget,
)

from app.caseload.profile import current_profile
from app.caseload.queries import enrolments_of
from app.claims.claim import claims_of
from app.claims.sign_off import sign_offs_of, unit_readiness
from app.models import Enrolment, StaffMember
from ui.claims.printing import WHAT_LABELS, Paperwork
from ui.widgets import label


def _read_state(session, enrolment_id: str) -> dict:
    readiness = unit_readiness(session, enrolment_id)
    sign_offs = {v.unit_id: v for v in sign_offs_of(session, enrolment_id)}
    profile = current_profile(session)
    enrolment = session.get(Enrolment, enrolment_id)
    iqa = session.get(StaffMember, enrolment.iqa_id) if enrolment.iqa_id else None
    return {"readiness": readiness, "sign_offs": sign_offs,
            "claims": claims_of(session, enrolment_id),
            "assessor": profile.name if profile else "", "iqa": iqa.name if iqa else ""}


class ClaimsPanel(QWidget):
    changed = Signal(str)     # learner id

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.learner_id: str | None = None
        self.learner_name = ""
        self.state: dict = {}
        self.paperwork = Paperwork(bridge, self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.enrolment = QComboBox(objectName="claims_enrolment")
        # Long qualification titles must not widen the window past a 13-inch screen.
        self.enrolment.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.enrolment.setMinimumContentsLength(18)
        self.enrolment.currentIndexChanged.connect(lambda _: self.refresh())
        outer.addWidget(self.enrolment)
        self.sign_off_button = self._button("Sign off unit…", "sign_off_unit", self.sign_off,
                                            "Ctrl+Shift+O", primary=True)
        self.sign_button = self._button("Collect signatures…", "collect_signatures",
                                        self.collect_signatures, "Ctrl+Shift+G")
        self.iqa_button = self._button("IQA sample…", "iqa_sample", self.iqa_sample,
                                       "Ctrl+Shift+Q")
        self.claim_button = self._button("Make a claim…", "make_claim", self.make_claim,
                                         "Ctrl+Shift+M")
        for b in (self.sign_off_button, self.sign_button, self.iqa_button, self.claim_button):
            top.addWidget(b)
        top.addStretch()
        outer.addLayout(top)

        split = QSplitter(Qt.Horizontal)
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(label("Units", "section"))
        self.units = QListWidget(objectName="sign_off_units")
        self.units.setSpacing(3)
        self.units.setWordWrap(True)
        self.units.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.units.currentItemChanged.connect(lambda *_: self._show_unit())
        lbox.addWidget(self.units, 1)
        split.addWidget(left)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(label("What the selected unit needs", "section"))
        self.detail = label("", None)
        self.detail.setObjectName("unit_detail")
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        detail_scroll.setWidget(self.detail)
        rbox.addWidget(detail_scroll, 1)
        rbox.addWidget(label("Claims", "section"))
        self.claims = QListWidget(objectName="claims_list")
        self.claims.setMaximumHeight(140)
        self.claims.itemActivated.connect(lambda item: self.make_claim(item.data(Qt.UserRole)))
        rbox.addWidget(self.claims)
        split.addWidget(right)
        split.setSizes([520, 480])
        outer.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.what = QComboBox(objectName="pdf_what")
        for key, text in WHAT_LABELS.items():
            self.what.addItem(text, key)
        bottom.addWidget(label("Paperwork:", None, wrap=False))
        bottom.addWidget(self.what)
        self.save_button = self._button("Save as PDF…", "save_pdf", self.save_pdf, "Ctrl+Shift+E")
        self.print_button = self._button("Print…", "print_pdf", self.print_pdf, "Ctrl+P")
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.print_button)
        self.status = label("", "hint")
        self.status.setObjectName("paperwork_status")
        bottom.addWidget(self.status, 1)
        outer.addLayout(bottom)
        self.paperwork.status.connect(self.status.setText)

    def _button(self, text, name, slot, keys, primary=False) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setMinimumHeight(44)
        button.setToolTip(keys)
        button.clicked.connect(lambda: slot())
        if primary:
            button.setProperty("primary", True)
        QShortcut(QKeySequence(keys), self, activated=slot, context=Qt.WidgetWithChildrenShortcut)
        return button

    # -- loading -----------------------------------------------------------------------
    def load(self, learner_id: str | None) -> None:
        self.learner_id = learner_id
        self.enrolment.blockSignals(True)
        self.enrolment.clear()
        enrolments = self.bridge.store.read(enrolments_of, learner_id) if learner_id else []
        for e in enrolments:
            self.enrolment.addItem(e.qualification, e.id)
        self.enrolment.blockSignals(False)
        self.learner_name = ""
        if learner_id:
            from app.models import Learner
            self.learner_name = self.bridge.store.read(
                lambda s: (lambda l: l.full_name if l else "")(s.get(Learner, learner_id)))
        self.refresh()

    @property
    def enrolment_id(self) -> str | None:
        return self.enrolment.currentData()

    def refresh(self) -> None:
        enrolment_id = self.enrolment_id
        if not enrolment_id:
            self.state = {}
            self.units.clear()
            self.claims.clear()
            self.detail.setText("Enrol the learner on a qualification first.")
            self._enable()
            return
        self.bridge.read(_read_state, enrolment_id,
                         on_done=lambda state, e=enrolment_id: self._show(e, state))

    def _show(self, enrolment_id: str, state: dict) -> None:
        if enrolment_id != self.enrolment_id:
            return   # an answer for an enrolment no longer shown
        keep = self.units.currentItem().data(Qt.UserRole) if self.units.currentItem() else None
        self.state = state
        self.units.clear()
        for r in state["readiness"]:
            done = state["sign_offs"].get(r.unit_id)
            if done and done.signed_off:
                text = f"● Unit {r.unit_number}: {r.unit_title}\n     signed off {done.summative_date:%d/%m/%Y}"
            elif done:
                text = f"◐ Unit {r.unit_number}: {r.unit_title}\n     {done.status}"
            elif r.ready:
                text = f"✓ Unit {r.unit_number}: {r.unit_title}\n     ready to sign off"
            else:
                n = len(r.missing)
                text = f"○ Unit {r.unit_number}: {r.unit_title}\n     not ready: {n} thing{'s' * (n != 1)} missing"
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, r.unit_id)
            self.units.addItem(item)
            if r.unit_id == keep:
                self.units.setCurrentItem(item)
        if self.units.currentItem() is None and self.units.count():
            self.units.setCurrentRow(0)
        self.claims.clear()
        for c in state["claims"]:
            award = "full award" if c.full_award else "units only"
            lock = "✔ signed" if c.locked else "✎ draft"
            item = QListWidgetItem(f"{c.reference}: {c.units_in_words} unit"
                                   f"{'s' * (len(c.sign_off_ids) != 1)} "
                                   f"({', '.join(c.unit_numbers)}), {award} — {lock}")
            item.setData(Qt.UserRole, c.id)
            self.claims.addItem(item)
        self._show_unit()

    def _current(self):
        item = self.units.currentItem()
        if item is None or not self.state:
            return None, None
        unit_id = item.data(Qt.UserRole)
        r = next((r for r in self.state["readiness"] if r.unit_id == unit_id), None)
        return r, self.state["sign_offs"].get(unit_id)

    def _show_unit(self) -> None:
        r, done = self._current()
        if r is None:
            self.detail.setText("")
        elif done is not None:
            roles = ", ".join(done.signed_roles) or "nobody yet"
            sampled = (f"\nIQA sample: {done.iqa_sampled_on:%d/%m/%Y} ({done.iqa_initials})"
                       if done.iqa_sampled_on else "\nNot sampled by the IQA.")
            self.detail.setText(
                f"Unit {r.unit_number} — {done.status}.\nSummative assessment date "
                f"{done.summative_date:%d/%m/%Y}; assessor {done.assessor_name}.\n"
                f"Signed by: {roles}.{sampled}"
                + ("" if done.signed_off else "\nUse “Collect signatures…” for the learner and "
                                               "assessor to sign."))
        elif r.ready:
            refs = ", ".join(e["ref"] for e in r.evidence)
            self.detail.setText(f"✓ Unit {r.unit_number} is ready to sign off: every AC is met "
                                f"and every required method is present.\nEvidence: {refs}")
        else:
            self.detail.setText(f"Unit {r.unit_number} cannot be signed off yet:\n• "
                                + "\n• ".join(r.missing))
        self._enable()

    def _enable(self) -> None:
        r, done = self._current()
        self.sign_off_button.setEnabled(bool(r and r.ready and done is None))
        self.sign_button.setEnabled(bool(done and not done.signed_off))
        self.iqa_button.setEnabled(bool(done and done.signed_off and "iqa" not in done.signed_roles))
        has_signed = any(v.signed_off for v in (self.state.get("sign_offs") or {}).values())
        self.claim_button.setEnabled(has_signed or self.claims.count() > 0)
        for b in (self.save_button, self.print_button):
            b.setEnabled(bool(self.enrolment_id))

    # -- actions -----------------------------------------------------------------------
    def sign_off(self) -> None:
        from ui.claims.sign_off_dialog import SignOffDialog
        r, done = self._current()
        if not (r and r.ready and done is None):
            return
        dialog = SignOffDialog(self, self.bridge, self.enrolment_id, r.unit_id,
                               f"unit {r.unit_number}: {r.unit_title}", self.state["assessor"],
                               [e["ref"] for e in r.evidence])
        dialog.created.connect(self._signed_off)
        dialog.open()
        self.sign_off_dialog = dialog

    def _signed_off(self, sign_off_id: str) -> None:
        self._changed()
        self._open_signing("unit_sign_off", sign_off_id)

    def collect_signatures(self) -> None:
        _, done = self._current()
        if done is not None and not done.signed_off:
            self._open_signing("unit_sign_off", done.id)

    def iqa_sample(self) -> None:
        from ui.claims.iqa_sample_dialog import IqaSampleDialog
        r, done = self._current()
        if not (done and done.signed_off):
            return
        dialog = IqaSampleDialog(self, self.bridge, done.id, f"unit {r.unit_number}",
                                 self.state.get("iqa", ""))
        dialog.recorded.connect(lambda sid: (self._changed(),
                                             self._open_signing("unit_sign_off", sid)))
        dialog.open()
        self.iqa_dialog = dialog

    def _open_signing(self, record_type: str, record_id: str) -> None:
        from ui.signing import open_signing
        self.signing_dialog = open_signing(self, self.bridge, record_type, record_id,
                                           on_signed=lambda _: self._changed())

    def make_claim(self, claim_id: str | None = None) -> None:
        from ui.claims.claim_dialog import ClaimDialog
        if not self.enrolment_id:
            return
        if claim_id is None and self.claims.currentItem() is not None and not self.state.get(
                "sign_offs"):
            claim_id = self.claims.currentItem().data(Qt.UserRole)
        views = sorted(self.state.get("sign_offs", {}).values(), key=lambda v: v.unit_number)
        dialog = ClaimDialog(self, self.bridge, self.enrolment_id, views, claim_id)
        dialog.changed.connect(lambda _: self._changed())
        dialog.open()
        self.claim_dialog = dialog

    def _selected_claim(self) -> str | None:
        item = self.claims.currentItem()
        return item.data(Qt.UserRole) if item else None

    def save_pdf(self, path: str | None = None) -> None:
        if self.learner_id:
            what = self.what.currentData()
            self.paperwork.save_as(self.learner_id, self.learner_name, what,
                                   self._selected_claim() if what == "claim-pack" else None, path)

    def print_pdf(self) -> None:
        if self.learner_id:
            what = self.what.currentData()
            self.paperwork.print_(self.learner_id, what,
                                  self._selected_claim() if what == "claim-pack" else None)

    def _changed(self) -> None:
        self.refresh()
        if self.learner_id:
            self.changed.emit(self.learner_id)
