""""Make a claim…": choose the signed-off units, see at once whether they make a full award
and how many units that is in words, then write the two statements (saved as typed) and
collect the signatures. The first word typed in a statement starts the claim with the units
ticked ("Start the claim with these units" does the same without typing): the statements
are the next thing to do, so they are not behind a click."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QScrollArea, QVBoxLayout, QWidget,
)

from app.caseload.validation import InvalidInput
from app.claims.claim import (
    ASSESSOR_DECLARATION, ASSESSOR_PROMPTS, LEARNER_DECLARATION, LEARNER_PROMPTS,
    STATEMENT_MIN_WORDS, autosave_claim, combination_for, get_claim, problems_before_signing,
    start_claim, statement_length_words,
)
from app.claims.sign_off import SignOffView
from app.documents.words import in_words
from ui.widgets import Dialog, ProblemLabel, fit_to_screen, label


class ClaimDialog(Dialog):
    changed = Signal(str)     # claim id, whenever it was created or saved
    print_requested = Signal(str)   # claim id: print its claim pack (the panel prints)

    def __init__(self, parent, bridge, enrolment_id: str, sign_offs: list[SignOffView],
                 claim_id: str | None = None):
        super().__init__(parent)
        self.bridge, self.enrolment_id, self.claim_id = bridge, enrolment_id, claim_id
        self.setWindowTitle("Claim to competence")
        self.setWindowModality(Qt.WindowModal)
        fit_to_screen(self, 900, 780)
        outer = QVBoxLayout(self)
        self.body_scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        box = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        box.addWidget(label("Claim to competence", "title"))
        box.addWidget(label("1. Units to claim", "section"))
        self.units = QListWidget(objectName="claim_units")
        self.units.setMinimumHeight(150)
        for v in sign_offs:
            item = QListWidgetItem()
            if v.signed_off:
                item.setText(f"✔ Unit {v.unit_number}: {v.unit_title} — signed off "
                             f"{v.summative_date:%d/%m/%Y}")
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable)
                item.setCheckState(Qt.Checked)
            else:
                item.setText(f"◐ Unit {v.unit_number}: {v.unit_title} — {v.status}: "
                             "cannot be claimed until learner and assessor have signed")
                item.setFlags(Qt.ItemIsUserCheckable)   # shown, not choosable
                item.setCheckState(Qt.Unchecked)
            item.setData(Qt.UserRole, v.id)
            self.units.addItem(item)
        self.units.itemChanged.connect(lambda _: self._check_award())
        box.addWidget(self.units)
        self.verdict = label("", None)
        self.verdict.setObjectName("claim_verdict")
        box.addWidget(self.verdict)
        self.start_button = QPushButton("Start the claim with these units", objectName="start_claim")
        self.start_button.setProperty("primary", True)
        self.start_button.setMinimumHeight(48)
        self.start_button.clicked.connect(lambda: self._start())
        self.units_problem = ProblemLabel()
        box.addWidget(self.units_problem)
        box.addWidget(self.start_button)

        box.addWidget(label("2. Statements (saved as you type)", "section"))
        box.addWidget(label("Learner statement for the units/award to be claimed. Show:", "hint"))
        box.addWidget(label("\n".join("• " + p for p in LEARNER_PROMPTS), "hint"))
        self.learner_statement = QPlainTextEdit(objectName="learner_statement")
        self.learner_statement.setMinimumHeight(150)
        box.addWidget(self.learner_statement)
        # The length rule is told where the words are typed, not first met at signing.
        self.learner_count = label("", "hint")
        self.learner_count.setObjectName("learner_statement_words")
        box.addWidget(self.learner_count)
        box.addWidget(label(LEARNER_DECLARATION))
        self.learner_problem = ProblemLabel()
        box.addWidget(self.learner_problem)
        box.addWidget(label("Assessor summative statement. Give:", "hint"))
        box.addWidget(label("\n".join("• " + p for p in ASSESSOR_PROMPTS), "hint"))
        self.assessor_statement = QPlainTextEdit(objectName="assessor_statement")
        self.assessor_statement.setMinimumHeight(130)
        box.addWidget(self.assessor_statement)
        self.assessor_count = label("", "hint")
        self.assessor_count.setObjectName("assessor_statement_words")
        box.addWidget(self.assessor_count)
        box.addWidget(label(ASSESSOR_DECLARATION))
        self.assessor_problem = ProblemLabel()
        box.addWidget(self.assessor_problem)
        self.saved_label = label("", "hint")
        box.addWidget(self.saved_label)

        buttons = QHBoxLayout()
        self.sign_button = QPushButton("Sign the claim…", objectName="sign_claim")
        self.sign_button.setProperty("primary", True)
        self.sign_button.setMinimumHeight(48)
        self.sign_button.clicked.connect(self._sign)
        close = QPushButton("Close")
        close.setMinimumHeight(48)
        close.clicked.connect(self.accept)
        # Once signed, the next thing is the paper: printed from here, not after closing.
        self.print_button = QPushButton("Print the claim pack…", objectName="print_claim_pack")
        self.print_button.setProperty("primary", True)
        self.print_button.setMinimumHeight(48)
        self.print_button.clicked.connect(self._print)
        self.print_button.hide()
        buttons.addStretch()
        buttons.addWidget(close)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(self.print_button)
        outer.addLayout(buttons)

        self._timer = QTimer(self, singleShot=True, interval=500)
        self._timer.timeout.connect(self._save)
        self._loading = False
        self._starting = False
        for edit in (self.learner_statement, self.assessor_statement):
            edit.textChanged.connect(self._timer.start)
            edit.textChanged.connect(self._count_words)
            edit.textChanged.connect(self._start_on_typing)
        self._count_words()
        if claim_id:
            self._load(claim_id)
        else:
            self._set_started(False)
            self._check_award()

    # -- units and award ---------------------------------------------------------------
    def chosen(self) -> list[str]:
        return [self.units.item(i).data(Qt.UserRole) for i in range(self.units.count())
                if self.units.item(i).checkState() == Qt.Checked
                and self.units.item(i).flags() & Qt.ItemIsEnabled]

    def _check_award(self) -> None:
        ids = self.chosen()

        def show(check) -> None:
            words = in_words(len(ids))
            if not check.rules_stated:     # a unit bank: units, never an award
                self.verdict.setText(f"Number of units in this claim: {words}.   A claim for "
                                     f"units (a bank of units, not a qualification).")
                return
            award = "Yes" if check.ok else "No"
            self.verdict.setText(f"Number of units in this claim: {words}.   Full award: "
                                 f"{award}.\n{check.summary()}")
        self.bridge.read(combination_for, self.enrolment_id, ids, on_done=show)

    def _start_on_typing(self) -> None:
        if self.claim_id or self._starting or self._loading:
            return
        if not self.chosen():
            self.units_problem.show_problem("Tick the units to claim: the statements are "
                                            "kept once the claim has its units.")
            return
        self._start(typing=True)

    def _start(self, typing: bool = False) -> None:
        ids = self.chosen()
        self.start_button.setEnabled(False)
        self._starting = True
        if not typing:   # pressed Start: the statements open once the claim exists
            for edit in (self.learner_statement, self.assessor_statement):
                edit.setEnabled(False)

        def done(claim_id: str) -> None:
            self._starting = False
            for edit in (self.learner_statement, self.assessor_statement):
                edit.setEnabled(True)
            self.claim_id = claim_id
            self.units_problem.show_problem(None)
            self._set_started(True)
            self.changed.emit(claim_id)
            self._save()     # what was typed while the claim was being started
            if not (self.learner_statement.hasFocus() or self.assessor_statement.hasFocus()):
                self.learner_statement.setFocus()

        def failed(exc: Exception) -> None:
            self._starting = False
            for edit in (self.learner_statement, self.assessor_statement):
                edit.setEnabled(True)
            self.start_button.setEnabled(True)
            problems = exc.problems if isinstance(exc, InvalidInput) else {"units": str(exc)}
            self.units_problem.show_problem(" ".join(problems.values()))
        self.bridge.write(start_claim, self.enrolment_id, ids, on_done=done, on_error=failed)

    def _set_started(self, started: bool) -> None:
        self.units.setEnabled(not started)
        self.start_button.setVisible(not started)
        self.sign_button.setEnabled(started)
        if not started:
            self.saved_label.setText("Typing a statement starts the claim with the units "
                                     "ticked above.")

    def _load(self, claim_id: str) -> None:
        view = self.bridge.store.read(get_claim, claim_id)
        self._loading = True
        self.learner_statement.setPlainText(view.learner_statement)
        self.assessor_statement.setPlainText(view.assessor_statement)
        self._loading = False
        for i in range(self.units.count()):
            item = self.units.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in view.sign_off_ids
                               else Qt.Unchecked)
        self._set_started(True)
        self.verdict.setText(f"Number of units in this claim: {view.units_in_words}.   Full "
                             f"award: {'Yes' if view.full_award else 'No'}.\n"
                             f"{view.combination_summary}")
        if view.locked:
            for w in (self.learner_statement, self.assessor_statement):
                w.setReadOnly(True)
            self.print_button.show()
            self.saved_label.setText("✔ Signed: this claim is locked. Sign again to add the "
                                     "remaining signatures (IQA, if sampled).")

    def _print(self) -> None:
        self.print_requested.emit(self.claim_id)
        self.accept()

    # -- statements --------------------------------------------------------------------
    def _save(self, then=None) -> None:
        self._timer.stop()
        if not self.claim_id or self._loading or self.learner_statement.isReadOnly():
            if then:
                then()
            return
        fields = {"learner_statement": self.learner_statement.toPlainText(),
                  "assessor_statement": self.assessor_statement.toPlainText()}

        def done(_=None) -> None:
            self.saved_label.setText("✔ Saved")
            self.changed.emit(self.claim_id)
            if then:
                then()

        def failed(exc: Exception) -> None:
            self.saved_label.setText("⚠ Not saved: " + " ".join(
                getattr(exc, "problems", {"": str(exc)}).values()))
        self.bridge.write(autosave_claim, self.claim_id, fields, on_done=done, on_error=failed)

    def _count_words(self) -> None:
        for edit, shown in ((self.learner_statement, self.learner_count),
                            (self.assessor_statement, self.assessor_count)):
            words = statement_length_words(edit.toPlainText())
            # Short, the count says "at least 10 needed" itself: the rule is not said twice.
            shown.setText(words if "needed" in words
                          else f"{words} (a statement needs at least {STATEMENT_MIN_WORDS})")

    def _sign(self) -> None:
        from ui.signing import open_signing

        def open_it() -> None:
            # Checked here, while the assessor holds the laptop: a learner in hand-over
            # must never meet a problem only the assessor can put right.
            problems = self.bridge.store.read(problems_before_signing, self.claim_id)
            self.learner_problem.show_problem(problems.pop("learner_statement", None))
            self.assessor_problem.show_problem(problems.pop("assessor_statement", None))
            if problems:
                self.units_problem.show_problem(" ".join(problems.values()))
            first = next(((shown, edit) for shown, edit in (
                (self.units_problem, None), (self.learner_problem, self.learner_statement),
                (self.assessor_problem, self.assessor_statement)) if not shown.isHidden()), None)
            if first is not None:
                self._show_problem(*first)
                return
            open_signing(self, self.bridge, "claim", self.claim_id,
                         on_signed=lambda _: (self.changed.emit(self.claim_id),
                                              self._load(self.claim_id)))
        self._save(then=open_it)

    def _show_problem(self, problem, edit) -> None:
        """The first problem brought into view, its statement ready to type in: below the
        fold, a refusal looked like a button that did nothing."""
        if edit is not None:
            edit.setFocus()

        def scroll() -> None:   # once the layout has made room for the words just shown
            if edit is not None:
                self.body_scroll.ensureWidgetVisible(edit, 0, 0)
            self.body_scroll.ensureWidgetVisible(problem, 0, 20)
        QTimer.singleShot(0, scroll)

    def done(self, result: int) -> None:   # closing never drops what was typed
        if self._timer.isActive():
            self._save()
        super().done(result)
