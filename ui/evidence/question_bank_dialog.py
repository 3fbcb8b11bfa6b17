"""The question bank from a questioning record: tick questions kept for the learner's units
and they are added to the record, ready for the learner's answer and the decision; keep a
question typed in the record for next time; add, edit and delete bank questions (a delete
is undone by the window's one Undo, offered here too).

The chosen questions go into the record through its questions list, so they save like
anything typed (and a signed record, being read-only, offers neither button).
"""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialogButtonBox, QHBoxLayout, QHeaderView, QLineEdit, QPushButton,
    QStyledItemDelegate, QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator, QVBoxLayout,
    QWidget,
)

from app.evidence.question_bank import (
    BankQuestion, RecordBank, add_question, bank_for_record, delete_question, restore_question,
    save_from_record, update_question,
)
from app.evidence.records import RecordView
from ui.bridge import Bridge
from ui.evidence.bank_question_form import BankQuestionForm
from ui.evidence.fields import ListField
from ui.widgets import Dialog, ProblemLabel, card, fit_to_screen, label
from ui.window_undo import WindowUndoButton

QUESTION_ROLE = Qt.UserRole + 1


def _same(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip("?.! ")


class _Wrapping(QStyledItemDelegate):
    """Rows tall enough for the whole question: a tree view sizes rows for one line and
    elides the rest, and a question cut off mid-sentence cannot be chosen."""

    def sizeHint(self, option, index) -> QSize:
        base = super().sizeHint(option, index)
        view = self.parent()
        width = view.header().sectionSize(index.column()) - 12
        if index.column() == 0:
            depth, parent = 1, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= view.indentation() * depth + (28 if index.flags() & Qt.ItemIsUserCheckable else 0)
        text = index.data() or ""
        lines = option.fontMetrics.boundingRect(QRect(0, 0, max(width, 60), 100000),
                                                Qt.TextWordWrap, text)
        return QSize(base.width(), max(base.height(), lines.height() + 10))


class QuestionBankDialog(Dialog):
    questions_chosen = Signal(list)    # question texts, in the bank's order

    def __init__(self, parent, bridge: Bridge, record_id: str, asked: list[str]):
        super().__init__(parent)
        self.bridge, self.record_id = bridge, record_id
        self.asked = {_same(q) for q in asked if q.strip()}
        self.bank: RecordBank | None = None
        self.form: BankQuestionForm | None = None
        self.setWindowTitle("Question bank")
        self.setWindowModality(Qt.WindowModal)
        fit_to_screen(self, 940, 680)

        box = QVBoxLayout(self)
        self.heading = label("Question bank", "title")
        box.addWidget(self.heading)
        self.intro = label("", "hint")
        box.addWidget(self.intro)
        self.search = QLineEdit(objectName="bank_search", clearButtonEnabled=True)
        self.search.setPlaceholderText("Search questions, good answers, units and AC numbers")
        self.search.textChanged.connect(self._filter)
        box.addWidget(self.search)
        self.empty = label("", "hint")
        self.empty.setObjectName("bank_empty")
        box.addWidget(self.empty)
        self.tree = QTreeWidget(objectName="bank_tree")
        self.tree.setHeaderLabels(["Question", "ACs"])
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setItemDelegate(_Wrapping(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.Interactive)
        header.resizeSection(1, 150)
        header.sectionResized.connect(lambda *_: self.tree.doItemsLayout())  # re-wrap
        self.tree.itemChanged.connect(self._ticked)
        self.tree.currentItemChanged.connect(self._show_current)
        self.tree.itemDoubleClicked.connect(self._toggle)
        box.addWidget(self.tree, 1)

        answer_card, answer_box = card()
        answer_box.addWidget(label("What a good answer covers", "section"))
        self.expected = label("Choose a question to see what a good answer covers.", "hint")
        self.expected.setObjectName("bank_expected")
        self.expected.setTextInteractionFlags(Qt.TextSelectableByMouse)
        answer_box.addWidget(self.expected)
        box.addWidget(answer_card)

        manage = QHBoxLayout()
        self.new_button = QPushButton("New question…", objectName="bank_new")
        self.edit_button = QPushButton("Edit…", objectName="bank_edit")
        self.delete_button = QPushButton("Delete from the bank", objectName="bank_delete")
        self.undo_button = WindowUndoButton(bridge, "bank_undo")
        self.new_button.clicked.connect(self.new_question)
        self.edit_button.clicked.connect(self.edit_question)
        self.delete_button.clicked.connect(self.delete_current)
        for b in (self.new_button, self.edit_button, self.delete_button, self.undo_button):
            manage.addWidget(b)
        manage.addStretch()
        box.addLayout(manage)
        self.status = label("", "hint")
        self.status.setObjectName("bank_status")
        box.addWidget(self.status)
        self.problem = ProblemLabel()
        box.addWidget(self.problem)

        buttons = QDialogButtonBox()
        self.add_button = QPushButton("", objectName="bank_add_chosen")
        self.add_button.setProperty("primary", True)
        self.add_button.setDefault(True)
        buttons.addButton(self.add_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(QDialogButtonBox.Close)
        buttons.accepted.connect(self.add_chosen)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.refresh()

    # -- showing the bank -------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the bank again, keeping what was ticked and where the assessor was."""
        ticked = {q.id for q in self.chosen()}
        current = self.current_question()
        self.bank = self.bridge.store.read(bank_for_record, self.record_id)
        ref = self.bank.portfolio_ref
        self.heading.setText(f"Question bank · {ref}")
        self.intro.setText(f"Questions kept for this learner's units, those {ref} covers first. "
                           f"Tick the ones to ask: they are added to {ref} for you to fill in "
                           f"the learner's answer and your decision.")
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for unit in self.bank.units:
            if not unit.questions:
                continue
            top = QTreeWidgetItem([f"{unit.label}  ({len(unit.questions)})", ""])
            top.setFont(0, bold)
            top.setFlags(Qt.ItemIsEnabled)
            top.setToolTip(0, unit.label + (f"\nNational reference {unit.reference}"
                                            if unit.reference else ""))
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            for q in unit.questions:
                item = QTreeWidgetItem([q.question, q.criterion_refs])
                item.setData(0, QUESTION_ROLE, q)
                tip = q.expected_answer or "No expected answer kept."
                if q.saved_on:
                    tip += f"\n\nSaved on {q.saved_on} (the same national unit)."
                if _same(q.question) in self.asked:
                    item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                    item.setText(1, (q.criterion_refs + " · " if q.criterion_refs else "")
                                 + f"in {ref}")
                    for col in (0, 1):
                        item.setForeground(col, QBrush(QColor("#5b6574")))
                    tip = f"Already in {ref}.\n\n" + tip
                else:
                    item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
                    item.setCheckState(0, Qt.Checked if q.id in ticked else Qt.Unchecked)
                item.setToolTip(0, tip)
                top.addChild(item)
                if current is not None and q.id == current.id:
                    self.tree.setCurrentItem(item)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        has_any = self.tree.topLevelItemCount() > 0
        self.tree.setVisible(has_any)
        self.empty.setVisible(not has_any)
        self.empty.setText("No questions are kept yet for this learner's units. Press "
                           "New question… to add one, or keep a question you typed in a record "
                           "with Save question to bank….")
        self._filter()
        self._show_current()
        self._ticked()

    def _filter(self, *_args) -> None:
        needle = self.search.text().strip().casefold()
        found = 0
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            unit_hit = needle in top.text(0).casefold()
            shown = 0
            for j in range(top.childCount()):
                item = top.child(j)
                q: BankQuestion = item.data(0, QUESTION_ROLE)
                hit = not needle or unit_hit or any(
                    needle in text.casefold()
                    for text in (q.question, q.expected_answer, q.criterion_refs))
                item.setHidden(not hit)
                shown += hit
            top.setHidden(shown == 0)
            found += shown
        if self.tree.topLevelItemCount():
            self.empty.setText(f"No question matches “{self.search.text().strip()}”."
                               if not found else "")
            self.empty.setVisible(not found)

    def _items(self):
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            if item.data(0, QUESTION_ROLE) is not None:
                yield item
            it += 1

    def chosen(self) -> list[BankQuestion]:
        return [item.data(0, QUESTION_ROLE) for item in self._items()
                if item.flags() & Qt.ItemIsUserCheckable and item.checkState(0) == Qt.Checked]

    def current_question(self) -> BankQuestion | None:
        item = self.tree.currentItem()
        return item.data(0, QUESTION_ROLE) if item is not None else None

    def _ticked(self, *_args) -> None:
        n = len(self.chosen())
        ref = self.bank.portfolio_ref if self.bank else "the record"
        self.add_button.setText(f"Add {n} question{'s' if n != 1 else ''} to {ref}" if n
                                else f"Tick questions to add them to {ref}")
        self.add_button.setEnabled(n > 0)

    def _toggle(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.flags() & Qt.ItemIsUserCheckable:
            item.setCheckState(0, Qt.Unchecked if item.checkState(0) == Qt.Checked else Qt.Checked)

    def _show_current(self, *_args) -> None:
        q = self.current_question()
        self.edit_button.setEnabled(q is not None)
        self.delete_button.setEnabled(q is not None)
        if q is None:
            self.expected.setText("Choose a question to see what a good answer covers.")
            return
        text = q.expected_answer or "Nothing kept yet: Edit… to add the points you listen for."
        if q.criterion_refs:
            text = f"ACs {q.criterion_refs}. {text}"
        if q.saved_on:
            text += f"\n(Saved on {q.saved_on}, the same national unit.)"
        self.expected.setText(text)

    # -- adding the chosen questions to the record ------------------------------------------
    def add_chosen(self) -> None:
        chosen = self.chosen()
        if chosen:
            self.questions_chosen.emit([q.question for q in chosen])
            self.accept()

    # -- managing the bank --------------------------------------------------------------------
    def _units(self) -> list[tuple[str, str]]:
        return [(u.unit_id, u.label) for u in self.bank.units]

    def _unit_of(self, q: BankQuestion) -> str:
        """The unit of this learner the question was listed under."""
        for unit in self.bank.units:
            if any(other.id == q.id for other in unit.questions):
                return unit.unit_id
        return q.unit_id

    def _open_form(self, form: BankQuestionForm, done_words: str) -> None:
        self.form = form
        form.saved.connect(lambda _id: (self.status.setText(done_words), self.refresh()))
        form.open()

    def new_question(self) -> None:
        current = self.current_question()
        unit_id = self._unit_of(current) if current else (
            self.bank.units[0].unit_id if self.bank.units else None)
        self._open_form(BankQuestionForm(
            self, self.bridge, self._units(),
            lambda s, unit, question, refs, expected: add_question(s, unit, question, expected, refs),
            heading="New question for the bank", button_text="Keep in the bank",
            unit_id=unit_id), "Question kept in the bank.")

    def edit_question(self) -> None:
        q = self.current_question()
        if q is None:
            return

        def save(session, _unit, question, refs, expected):
            update_question(session, q.id, question=question, criterion_refs=refs,
                            expected_answer=expected)
            return q.id

        note = "Records that already asked it keep the wording they were asked with."
        if q.saved_on:
            note = (f"Saved on {q.saved_on}, the same national unit: the change shows there "
                    f"too. " + note)
        self._open_form(BankQuestionForm(
            self, self.bridge, self._units(), save, heading="Edit a bank question",
            button_text="Save changes", unit_id=self._unit_of(q), question=q.question,
            criterion_refs=q.criterion_refs, expected_answer=q.expected_answer,
            unit_fixed=True, note=note), "Question changed.")

    def delete_current(self) -> None:
        q = self.current_question()
        if q is None:
            return
        self.bridge.store.write_now(delete_question, q.id)
        self.status.setText(f"Deleted from the bank: “{q.question}”. Undo delete brings it back.")
        self.refresh()
        # A restore refused (the same question added again meanwhile) is said in the
        # window's bar, as for any undo (ui/window_undo.py).
        short = q.question if len(q.question) <= 40 else q.question[:39] + "…"
        self.bridge.undoable(f"delete “{short}”", (restore_question, (q.id,)),
                             (delete_question, (q.id,)), after=self._undone_or_redone)

    def _undone_or_redone(self) -> None:
        self.problem.show_problem(None)
        self.status.setText("Question bank updated (Undo/Redo).")
        self.refresh()


class QuestionBankRow(QWidget):
    """Under a questioning record's questions: ask questions from the bank, or keep one."""

    def __init__(self, bridge: Bridge, questions: ListField, record: RecordView,
                 before_action=None, parent=None):
        super().__init__(parent)
        self.bridge, self.questions, self.record = bridge, questions, record
        self.before_action = before_action     # saves pending typing first
        self.dialog: QuestionBankDialog | None = None
        self.form: BankQuestionForm | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add from question bank…", objectName="add_from_bank")
        self.add_button.setToolTip("Choose questions kept for this learner's units")
        self.add_button.clicked.connect(self.open_bank)
        self.save_button = QPushButton("Save question to bank…", objectName="save_to_bank")
        self.save_button.clicked.connect(self.save_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.save_button)
        row.addStretch()
        box.addLayout(row)
        self.note = label("", "hint")
        self.note.setObjectName("bank_note")
        self.note.hide()
        box.addWidget(self.note)
        questions.table.currentCellChanged.connect(lambda *_: self._update())
        questions.table.itemChanged.connect(lambda *_: self._update())
        locked = record.state == "signed"
        self.add_button.setEnabled(not locked)
        self._update()

    def _selected_question(self) -> tuple[int, str]:
        table = self.questions.table
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return row, (item.text().strip() if item is not None else "")

    def _update(self) -> None:
        row, text = self._selected_question()
        can = bool(text) and self.record.state != "signed"
        self.save_button.setEnabled(can)
        self.save_button.setToolTip("Keep this question in the bank for next time" if can else
                                    "Select a question in the list to keep it in the bank")

    def open_bank(self) -> None:
        asked = [row.get("question", "") for row in self.questions.value()]
        self.dialog = QuestionBankDialog(self, self.bridge, self.record.id, asked)
        self.dialog.questions_chosen.connect(self.add_questions)
        self.dialog.open()

    def add_questions(self, texts: list[str]) -> None:
        for text in texts:
            self.questions.add_row({"question": text})
        self.note.setText(f"{len(texts)} question{'s' if len(texts) != 1 else ''} added from "
                          f"the bank: type the learner's answers and your decisions.")
        self.note.show()

    def save_selected(self) -> None:
        row, text = self._selected_question()
        if not text:
            return
        if self.before_action is not None:
            self.before_action()
        table = self.questions.table
        # The record keeps only rows with something typed: count those above this one.
        index = sum(1 for r in range(row) if any(
            table.item(r, c) is not None and table.item(r, c).text().strip()
            for c in range(table.columnCount())))
        bank = self.bridge.store.read(bank_for_record, self.record.id)
        record_id = self.record.id

        def save(session, unit_id, question, refs, expected):
            return save_from_record(session, record_id, index, unit_id, question=question,
                                    expected_answer=expected, criterion_refs=refs)

        self.form = BankQuestionForm(
            self, self.bridge, [(u.unit_id, u.label) for u in bank.units], save,
            heading="Save a question to the bank", button_text="Keep in the bank",
            unit_id=bank.units[0].unit_id if bank.units else None, question=text,
            suggested_refs=bank.covered_refs,
            note="Word it for any learner (no names) and it will be offered whenever you "
                 "question a learner on this unit.")
        self.form.saved.connect(lambda _id: self._kept(self.form.unit.currentText()))
        self.form.open()

    def _kept(self, unit: str) -> None:
        self.note.setText(f"Question kept in the bank for {unit.split(':')[0]}.")
        self.note.show()
