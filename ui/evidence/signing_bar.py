"""The strip above a record that moves it towards a signed decision: where it stands (in
words), "Ready for signatures", a large "Sign…" that says who still has to sign, and the
record's audit trail. Signing itself happens in ui.signing's dialog. Once everyone has
signed here, a unit the record has made ready to sign off is offered ("Sign off unit 202…"):
the next step of the visit one click away, not three (tab, unit, button)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout

from app.claims.sign_off import units_ready_through
from app.evidence.records import RecordView, mark_ready_judged, set_record_state, state_of
from app.models.evidence import JUDGEMENT_FLAGS
from app.models.signing import SIGNER_ROLES
from app.signing.evidence_states import still_to_sign
from ui.signing import open_signing
from ui.signing.audit_trail_view import open_audit_trail
from ui.widgets import ProblemLabel, label

SIGN_SHORTCUT = "Ctrl+Shift+S"
# Two lines, as wide as "Ready for signatures": the row must keep "Sign…" in view.
READY_AND_JUDGED = "✓ Ready for signatures\n(judged on all five)"


class SigningBar(QFrame):
    state_changed = Signal(str)   # record id: marked ready or back to draft
    signed = Signal(str)          # record id, after each signature
    sign_off_requested = Signal(str, str)   # enrolment id, unit id: sign that unit off

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.record: RecordView | None = None
        self.to_sign: list[str] = []
        self.dialog = None
        self.read_only = False    # an IQA's laptop: it signs only where the IQA is to sign
        self.before_action = lambda: None   # the editor saves pending typing first
        # The five judgements ticked on screen; none ticked offers to record all five with
        # "ready" (the button says so), some ticked is a choice the operation checks.
        self.judged: Callable[[], list[str]] = lambda: list(JUDGEMENT_FLAGS)
        self.setObjectName("signing_bar")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 4)
        # Words on one line across the editor's width, the large buttons on the next: the
        # editor column is narrow on a 13-inch laptop.
        words = QHBoxLayout()
        self.where = label("", "section")
        self.where.setObjectName("record_state_words")
        self.who = label("", "hint")
        words.addWidget(self.where)
        words.addWidget(self.who, 1)
        outer.addLayout(words)
        row = QHBoxLayout()
        self.ready_button = QPushButton("✓ Ready for signatures", objectName="mark_ready")
        self.ready_button.setToolTip("The record is complete: nothing more to add before signing")
        self.ready_button.clicked.connect(self.toggle_ready)
        self.trail_button = QPushButton("Audit trail…", objectName="record_audit_trail")
        self.trail_button.clicked.connect(self.show_trail)
        self.sign_button = QPushButton("✍ Sign…", objectName="open_signing")
        self.sign_button.setProperty("primary", True)
        self.sign_button.setToolTip(f"Collect signatures ({SIGN_SHORTCUT})")
        self.sign_button.clicked.connect(self.sign)
        # The audit trail is looked at, the other two are pressed: it stays smaller and to
        # the left, so the row fits the editor's column on a 1280-pixel screen.
        self.sign_off_button = QPushButton("", objectName="sign_off_next")
        self.sign_off_button.setProperty("primary", True)
        self.sign_off_button.clicked.connect(self._sign_off)
        self.sign_off_button.hide()
        self._ready_units: list = []
        # Records signed here this session: only they are asked what they made ready (the
        # question reads the whole enrolment, too slow to ask on every record opened).
        self._signed_here: set[str] = set()
        row.addWidget(self.trail_button)
        row.addStretch()
        for b in (self.ready_button, self.sign_button, self.sign_off_button):
            b.setMinimumHeight(48)
            row.addWidget(b)
        self.trail_button.setMinimumHeight(40)
        self.sign_button.setMinimumWidth(120)
        outer.addLayout(row)
        self.problem = ProblemLabel()
        outer.addWidget(self.problem)
        QShortcut(QKeySequence(SIGN_SHORTCUT), self, activated=self.sign,
                  whatsThis="Evidence: collect signatures on the open record (Sign…)")

    def load(self, record: RecordView | None, to_sign: list[str] | None = None) -> None:
        """`to_sign`: who still signs, when the caller has just read it (the record list
        reads it for every record), saving a read on every record opened."""
        self.record = record
        self.problem.show_problem(None)
        self.setVisible(record is not None)
        if record is None:
            return
        self.to_sign = list(to_sign) if to_sign is not None else \
            self.bridge.store.read(still_to_sign, record.id)
        self._show()
        self._ready_units = []
        self.sign_off_button.hide()
        if record.state == "signed" and not self.to_sign and record.id in self._signed_here:
            self.bridge.read(units_ready_through, record.id,
                             on_done=lambda units, rid=record.id: self._offer_sign_off(rid, units))

    def _offer_sign_off(self, record_id: str, units: list) -> None:
        if self.record is None or self.record.id != record_id or not units or self.read_only:
            return     # an answer for a record no longer shown, or nothing to sign off
        self._ready_units = units
        first = units[0]
        more = f" (and {len(units) - 1} more)" if len(units) > 1 else ""
        self.sign_off_button.setText(f"Sign off unit {first.unit_number}…{more}")
        self.sign_off_button.setToolTip(f"Unit {first.unit_number}: {first.unit_title} is "
                                        "ready to sign off: every AC is met and every required "
                                        "method is present.")
        self.sign_off_button.show()

    def _sign_off(self) -> None:
        if self.record is not None and self._ready_units:
            self.sign_off_requested.emit(self.record.enrolment_id, self._ready_units[0].unit_id)

    def _show(self) -> None:
        r = self.record
        state = r.state
        if state == "signed" and not self.to_sign:
            self.where.setText("Signed ✓ — locked")
            self.who.setText("Everyone has signed.")
        elif state == "signed":
            self.where.setText("Part signed — locked")
            self.who.setText("Still to sign: " + ", ".join(self.to_sign) + ".")
        elif state == "ready" and self.read_only:    # an IQA's laptop
            self.where.setText("Ready for signatures")
            self.who.setText("To sign on the assessor's laptop: " + ", ".join(self.to_sign) + ".")
        elif state == "ready":
            self.where.setText("Ready for signatures")
            self.who.setText("To sign: " + ", ".join(self.to_sign) + ". Any change puts it back "
                             "to draft.")
        elif self.read_only:
            self.where.setText("Draft")
            self.who.setText("The assessor is still writing it.")
        else:
            self.where.setText("Draft")
            self.who.setText("Mark it ready when it is complete; then the "
                             + " and the ".join(self.to_sign).lower() + " sign.")
        self.ready_button.setVisible(state != "signed" and not self.read_only)
        self.show_ready_words()
        self.ready_button.setProperty("primary", state == "draft")
        self.ready_button.style().unpolish(self.ready_button)
        self.ready_button.style().polish(self.ready_button)
        self._fit_ready_button()
        can_sign = state == "ready" or (state == "signed" and bool(self.to_sign))
        if self.read_only:
            can_sign = can_sign and SIGNER_ROLES["iqa"] in self.to_sign
        self.sign_button.setVisible(state != "signed" or bool(self.to_sign))
        self.sign_button.setEnabled(can_sign)
        self.sign_button.setText("✍ Sign… " + (f"({len(self.to_sign)} to sign)" if can_sign else ""))

    def show_ready_words(self) -> None:
        """'Back to draft' on a ready record; on a draft, 'Ready for signatures', and where
        no judgement is ticked yet, the declaration the press makes with it."""
        state = self.record.state if self.record is not None else "draft"
        self.ready_button.setText("↩ Back to draft" if state == "ready" else
                                  READY_AND_JUDGED if not self.judged() else
                                  "✓ Ready for signatures")
        self._fit_ready_button()

    def _fit_ready_button(self) -> None:
        """Two lines need more than the row's 48 pixels: they were cut at top and bottom.
        The style sheet's size hint counts one line, and polishing (a state change) puts its
        own min-height back, so this runs after every polish and every change of words."""
        lines = self.ready_button.text().count("\n")
        self.ready_button.setMinimumHeight(48 + lines * self.ready_button.fontMetrics().lineSpacing())

    def toggle_ready(self) -> None:
        if self.record is None or self.record.state == "signed" or self.read_only:
            return
        # Chosen before saving pending typing: that save may itself put a ready record back.
        target = "draft" if self.record.state == "ready" else "ready"
        judging = target == "ready" and not self.judged()
        self.before_action()
        record_id = self.record.id
        self.bridge.write(mark_ready_judged if judging else set_record_state, record_id,
                          *(() if judging else (target,)),
                          on_done=lambda _r: self.state_changed.emit(record_id),
                          on_error=lambda exc: self.problem.show_problem(
                              " ".join(getattr(exc, "problems", {"": str(exc)}).values())))

    def sign(self):
        if self.record is None or not self.sign_button.isEnabled() or not self.sign_button.isVisible():
            return None
        self.before_action()   # what is signed must be what is on screen
        record_id = self.record.id
        if self.bridge.store.read(state_of, record_id) == "draft":
            # Saving what was on screen changed a ready record, so it went back to draft.
            self.state_changed.emit(record_id)
            self.problem.show_problem("It changed after it was marked ready, so it is back to "
                                      "draft: check it, then mark it ready again to sign.")
            return None
        self.dialog = open_signing(self.window(), self.bridge, "evidence_record", self.record.id,
                                   on_signed=self._signature_made)
        return self.dialog

    def _signature_made(self, record_id: str) -> None:
        self._signed_here.add(record_id)
        self.signed.emit(record_id)

    def show_trail(self):
        if self.record is None:
            return None
        return open_audit_trail(self.window(), self.bridge, self.record.id,
                                f"{self.record.printed_ref or self.record.portfolio_ref} "
                                f"{self.record.method_name}"
                                + (" (correction)" if self.record.amends_id else ""))
