"""The learner page's "Sign-off and claims" tab: each unit with where it stands (a symbol
and words, never colour alone) and what is missing; sign-offs waiting for signatures; the
learner's claims, withdrawn ones included; and the buttons that end the job: "Sign off
unit…", "Make a claim…", the IQA's samples, withdrawing what nobody has signed yet,
"Save as PDF…" and "Print…"."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSplitter,
    QVBoxLayout, QWidget,
)

from app.sync.iqa_laptop import an_iqa_laptop
from app.caseload.profile import current_profile
from app.caseload.queries import enrolments_of
from app.claims.claim import claims_of
from app.claims.sign_off import sign_offs_of, unit_readiness
from app.claims.withdrawal import withdrawn_claims
from app.models import Enrolment, StaffMember
from ui.claims.printing import WHAT_LABELS, Paperwork
from ui.widgets import label, scrolling


def _read_state(session, enrolment_id: str) -> dict:
    readiness = unit_readiness(session, enrolment_id)
    sign_offs = {v.unit_id: v for v in sign_offs_of(session, enrolment_id)}
    profile = current_profile(session)
    enrolment = session.get(Enrolment, enrolment_id)
    iqa = session.get(StaffMember, enrolment.iqa_id) if enrolment.iqa_id else None
    iqa_name = iqa.name if iqa else ""
    if an_iqa_laptop(session) and profile:   # the IQA using this laptop samples, as the
        iqa_name = profile.name              # centre knows them (app/sync/enrolment.py)
    return {"readiness": readiness, "sign_offs": sign_offs,
            "claims": claims_of(session, enrolment_id),
            "withdrawn": withdrawn_claims(session, enrolment_id),
            "assessor": profile.name if profile else "", "iqa": iqa_name}


class ClaimsPanel(QWidget):
    changed = Signal(str)     # learner id

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.learner_id: str | None = None
        self.learner_name = ""
        self.state: dict = {}
        self.read_only = False   # an IQA's laptop: sample and sign as IQA, nothing more
        self._pending_sign_off: str | None = None   # a unit to sign off once it is shown
        self._stale = False      # read when looked at (see refresh)
        self.paperwork = Paperwork(bridge, self)
        # Scrolls when the window is short, rather than making it taller than the screen.
        body = QWidget()
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.addWidget(scrolling(body))
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 4, 0)
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
        self.iqa_button = self._button("IQA sample of unit…", "iqa_sample", self.iqa_sample,
                                       "Ctrl+Shift+Q")
        self.withdraw_sign_off_button = self._button(
            "Withdraw sign-off…", "withdraw_sign_off", self.withdraw_sign_off, "Ctrl+Shift+W")
        for b in (self.sign_off_button, self.sign_button, self.iqa_button,
                  self.withdraw_sign_off_button):
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
        self.claims.setMaximumHeight(150)
        self.claims.setWordWrap(True)
        self.claims.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.claims.itemActivated.connect(lambda item: self.make_claim(item.data(Qt.UserRole)))
        self.claims.currentItemChanged.connect(lambda *_: self._enable())
        rbox.addWidget(self.claims)
        claim_row = QHBoxLayout()
        self.claim_button = self._button("Make a claim…", "make_claim", self.make_claim,
                                         "Ctrl+Shift+M")
        self.claim_iqa_button = self._button("IQA sample of claim…", "iqa_sample_claim",
                                             self.iqa_sample_claim, "Ctrl+Shift+I")
        self.withdraw_claim_button = self._button("Withdraw claim…", "withdraw_claim",
                                                  self.withdraw_claim, "Ctrl+Shift+X")
        for b in (self.claim_button, self.claim_iqa_button, self.withdraw_claim_button):
            claim_row.addWidget(b)
        claim_row.addStretch()
        rbox.addLayout(claim_row)
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
        # On an IQA's laptop a key does no more than its button (the assessor's are disabled).
        QShortcut(QKeySequence(keys), self, context=Qt.WidgetWithChildrenShortcut,
                  activated=lambda: None if self.read_only and not button.isEnabled() else slot(),
                  whatsThis=f"Sign-off and claims: {text}")
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
        """Where the units and claims stand, read on the reader pool. While the tab is not
        looked at, only noted: reading every unit's readiness for each learner opened (and
        after every save) took a third of opening a learner, for a tab not showing. The
        Sign-off menu brings it up to date before it opens (`bring_up_to_date`)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        enrolment_id = self.enrolment_id
        if not enrolment_id:
            self._show_nothing()
            self.detail.setText("Enrol the learner on a qualification first.")
            return
        self.bridge.read(_read_state, enrolment_id,
                         on_done=lambda state, e=enrolment_id: self._show(e, state))

    def _show_nothing(self) -> None:
        """No enrolment to show: no units, no claims, nothing to press."""
        self.state = {}
        self.units.clear()
        self.claims.clear()
        self._enable()

    def showEvent(self, event) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def bring_up_to_date(self) -> None:
        """Read now, on this thread, if the tab has not been looked at since a change: the
        Sign-off menu shows which of these buttons can be pressed."""
        if not self._stale:
            return
        self._stale = False
        enrolment_id = self.enrolment_id
        if not enrolment_id:
            self._show_nothing()
            return
        self._show(enrolment_id, self.bridge.store.read(_read_state, enrolment_id))

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
        self._show_claims(state)
        self._show_unit()
        if self._pending_sign_off is not None:
            unit_id, self._pending_sign_off = self._pending_sign_off, None
            for i in range(self.units.count()):
                if self.units.item(i).data(Qt.UserRole) == unit_id:
                    self.units.setCurrentRow(i)
                    self.units.scrollToItem(self.units.item(i))
                    self.sign_off()
                    break

    def _show_claims(self, state: dict) -> None:
        keep = self._selected_claim()
        self.claims.blockSignals(True)
        self.claims.clear()
        rows = [(c.reference, c.id, _claim_line(c), "") for c in state["claims"]]
        rows += [(w.reference, w.id, _withdrawn_line(w), w.withdrawal.sentence())
                 for w in state.get("withdrawn", [])]
        for _, claim_id, text, withdrawn in sorted(rows):
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, claim_id)
            if withdrawn:
                item.setToolTip(withdrawn)
                item.setForeground(self.palette().color(QPalette.Disabled, QPalette.Text))
            self.claims.addItem(item)
            if claim_id == keep:
                self.claims.setCurrentItem(item)
        if self.claims.currentItem() is None and self.read_only:
            # On an IQA's laptop the claim waiting for their sample is chosen already, so
            # "IQA sample of claim…" is ready to press (the assessor's laptop chooses none:
            # "Withdraw claim…" must not be one click from a claim nobody picked).
            waiting = [c.id for c in state["claims"]
                       if c.signed_by_both and "iqa" not in c.signed_roles]
            for i in range(self.claims.count()):
                if self.claims.item(i).data(Qt.UserRole) in waiting[:1]:
                    self.claims.setCurrentRow(i)
        self.claims.blockSignals(False)

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
            sampled = (f"\nIQA sample: {done.iqa_sampled_on:%d/%m/%Y}, {done.iqa_name or '—'} "
                       f"({done.iqa_initials})" if done.iqa_sampled_on
                       else "\nNot sampled by the IQA.")
            self.detail.setText(
                f"Unit {r.unit_number} — {done.status}.\nSummative assessment date "
                f"{done.summative_date:%d/%m/%Y}; assessor {done.assessor_name}.\n"
                f"Signed by: {roles}.{sampled}"
                + ("" if done.signed_off else "\nUse “Collect signatures…” for the learner and "
                                               "assessor to sign.")
                + ("" if done.signed_roles else "\nA detail wrong? “Withdraw sign-off…” before "
                                                "anyone signs, then sign the unit off again."))
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
        mine = not self.read_only   # an IQA's laptop: only the samples are the IQA's
        self.sign_off_button.setEnabled(bool(r and r.ready and done is None) and mine)
        self.sign_button.setEnabled(bool(done and not done.signed_off) and mine)
        self.iqa_button.setEnabled(bool(done and done.signed_off and "iqa" not in done.signed_roles))
        # Offered on any sign-off: for a signed one the dialog says why it stays on file.
        self.withdraw_sign_off_button.setEnabled(done is not None and mine)
        why_not = self._nothing_to_claim()
        self.claim_button.setEnabled(why_not is None and mine)
        self.claim_button.setToolTip(
            "An IQA's laptop samples claims; the assessor makes them" if not mine
            else why_not or "Claim the signed-off units not yet in a claim (Ctrl+Shift+M)")
        claim = self._current_claim()
        self.claim_iqa_button.setEnabled(bool(claim and claim.signed_by_both
                                              and "iqa" not in claim.signed_roles))
        self.withdraw_claim_button.setEnabled(claim is not None and mine)
        # The IQA samples; on the assessor's laptop only when the IQA is there to sign (the
        # centre takes samples from either laptop: server/permissions.py).
        for button, what, keys in ((self.iqa_button, "unit", "Ctrl+Shift+Q"),
                                   (self.claim_iqa_button, "claim", "Ctrl+Shift+I")):
            button.setToolTip(
                f"Record your sample of the chosen {what}, then sign it as IQA ({keys})"
                if self.read_only else
                f"For the IQA, when they are with you: their sample of the chosen {what} and "
                f"their signature. An IQA with their own laptop samples there ({keys})")
        for b in (self.save_button, self.print_button):
            b.setEnabled(bool(self.enrolment_id))

    def _nothing_to_claim(self) -> str | None:
        """Why there is nothing to claim (None when a signed-off unit is in no claim yet): a
        unit in a claim that stands cannot be claimed again (app/claims/claim.py)."""
        signed = [v.id for v in (self.state.get("sign_offs") or {}).values() if v.signed_off]
        if not signed:
            return "Sign off a unit first: a claim is made of signed-off units"
        claimed = {i for c in self.state.get("claims", []) for i in c.sign_off_ids}
        if set(signed) - claimed:
            return None
        refs = ", ".join(c.reference for c in self.state.get("claims", []))
        return (f"Nothing left to claim: every signed-off unit is in {refs} already. "
                f"Double-click a claim to open it")

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

    def sign_off_unit(self, enrolment_id: str, unit_id: str) -> None:
        """Choose this unit (of this enrolment) and open its sign-off, once the panel has
        read where the units stand now (the record that made it ready has just been signed)."""
        self._pending_sign_off = unit_id
        index = self.enrolment.findData(enrolment_id)
        if index >= 0 and index != self.enrolment.currentIndex():
            self.enrolment.setCurrentIndex(index)    # refreshes
        else:
            self.refresh()

    def _signed_off(self, sign_off_id: str) -> None:
        self._changed()
        self._open_signing("unit_sign_off", sign_off_id)

    def collect_signatures(self) -> None:
        _, done = self._current()
        if done is not None and not done.signed_off:
            self._open_signing("unit_sign_off", done.id)

    def iqa_sample(self) -> None:
        r, done = self._current()
        if done and done.signed_off and "iqa" not in done.signed_roles:
            self._open_iqa_sample("unit_sign_off", done.id, f"unit {r.unit_number}",
                                  done.iqa_name, done.iqa_sampled_on, done.iqa_initials)

    def iqa_sample_claim(self) -> None:
        c = self._current_claim()
        if c and c.signed_by_both and "iqa" not in c.signed_roles:
            self._open_iqa_sample("claim", c.id, c.reference, c.iqa_name, c.iqa_sampled_on,
                                  c.iqa_initials)

    def _open_iqa_sample(self, record_type, record_id, what, name, sampled_on, initials):
        from ui.claims.iqa_sample_dialog import IqaSampleDialog
        dialog = IqaSampleDialog(self, self.bridge, record_type, record_id, what,
                                 name or self.state.get("iqa", ""), sampled_on, initials)
        dialog.recorded.connect(lambda kind, rid: (self._changed(),
                                                   self._open_signing(kind, rid)))
        dialog.open()
        self.iqa_dialog = dialog

    def withdraw_sign_off(self) -> None:
        r, done = self._current()
        if done is not None:
            self._open_withdraw("unit_sign_off", done.id, f"the sign-off of unit {r.unit_number}")

    def withdraw_claim(self) -> None:
        c = self._current_claim()
        if c is not None:
            self._open_withdraw("claim", c.id, c.reference)

    def _open_withdraw(self, record_type: str, record_id: str, what: str) -> None:
        from ui.claims.withdraw_dialog import WithdrawDialog
        dialog = WithdrawDialog(self, self.bridge, record_type, record_id, what)
        dialog.withdrawn.connect(lambda *_: self._changed())
        dialog.open()
        self.withdraw_dialog = dialog

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
        if claim_id is None and (why_not := self._nothing_to_claim()) is not None:
            self.status.setText(why_not + ".")   # Ctrl+Shift+M with the button greyed
            return
        withdrawn = next((w for w in self.state.get("withdrawn", []) if w.id == claim_id), None)
        if withdrawn is not None:   # nothing to edit or sign: say what became of it
            self.status.setText(f"{withdrawn.reference}: {withdrawn.withdrawal.sentence()}")
            return
        views = sorted(self.state.get("sign_offs", {}).values(), key=lambda v: v.unit_number)
        dialog = ClaimDialog(self, self.bridge, self.enrolment_id, views, claim_id)
        dialog.changed.connect(lambda _: self._changed())
        dialog.print_requested.connect(
            lambda claim: self.paperwork.print_(self.learner_id, "claim-pack", claim))
        dialog.open()
        self.claim_dialog = dialog

    def _selected_claim(self) -> str | None:
        item = self.claims.currentItem()
        return item.data(Qt.UserRole) if item else None

    def _current_claim(self):
        """The selected claim if it stands (None for a withdrawn one)."""
        claim_id = self._selected_claim()
        return next((c for c in self.state.get("claims", []) if c.id == claim_id), None)

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


def _units(numbers: list[str]) -> str:
    from app.documents.words import in_words
    return f"{in_words(len(numbers))} unit{'s' * (len(numbers) != 1)} ({', '.join(numbers)})"


def _claim_line(c) -> str:
    award = "full award" if c.full_award else "units only"
    roles = set(c.signed_roles)
    state = ("✔ signed" if c.signed_by_both else "◐ waiting for signatures" if roles
             else "✎ draft")
    if "iqa" in roles:
        state += ", IQA signed"
    elif c.iqa_sampled_on:
        state += f", IQA sampled {c.iqa_sampled_on:%d/%m/%Y} ({c.iqa_initials})"
    return f"{c.reference}: {_units(c.unit_numbers)}, {award} — {state}"


def _withdrawn_line(w) -> str:
    reason = w.withdrawal.reason
    if len(reason) > 60:
        reason = reason[:59].rsplit(" ", 1)[0] + "…"
    return (f"✗ {w.reference}: {_units(w.unit_numbers)} — withdrawn "
            f"{w.withdrawal.withdrawn_on:%d/%m/%Y}" + (f": {reason}" if reason else ""))
