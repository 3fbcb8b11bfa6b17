"""The main window: caseload on the left, the current learner on the right."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QMainWindow, QMessageBox, QPushButton, QSizePolicy, QSplitter,
    QStackedWidget, QToolBar, QVBoxLayout, QWidget,
)

from app.caseload.demo import load_demo_caseload
from app.caseload.drafts import drafts_for
from app.caseload.deletion import ASK, REFUSED, deletion_check
from app.caseload.learners import DRAFT_FORM, delete_learner, restore_learner
from app.caseload.validation import InvalidInput
from app.caseload.profile import ROLE_LABELS, current_profile
from app.caseload.status import changes_waiting_for_sync
from app.catalogue.loader import load_bundled_packs
from app.db.changes import SYNC, Changes
from app.models import Learner
from app.sync.iqa_laptop import an_iqa_laptop
from ui.bridge import Bridge
from ui.caseload_panel import CaseloadPanel
from ui.evidence.media_support import stop_all_recordings
from ui.evidence.recording_recovery import recover_recordings
from ui.learner_page import LearnerPage
from ui.window_undo import UndoChange, forget_reversed
from ui.widgets import fit_to_screen, label


class MainWindow(QMainWindow):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.bridge = Bridge(store, self)
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle("Fieldfolio")
        fit_to_screen(self, 1360, 860)

        self.caseload = CaseloadPanel(self.bridge)
        self.page = LearnerPage(self.bridge)
        self.right = QStackedWidget()
        welcome = QWidget()
        wl = QVBoxLayout(welcome)
        wl.addStretch()
        self.welcome_text = label("Choose a learner from the caseload, or press Ctrl+N to add one.",
                                  "subtitle")
        self.welcome_text.setAlignment(Qt.AlignCenter)
        wl.addWidget(self.welcome_text)
        wl.addStretch()
        self.right.addWidget(welcome)
        self.right.addWidget(self.page)
        splitter = QSplitter()
        splitter.addWidget(self.caseload)
        splitter.addWidget(self.right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        # The learner's page gets the width: at 1280 pixels the caseload keeps name and
        # progress in view, and can be widened by dragging.
        splitter.setSizes([400, 960])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._build_failure_bar())
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_status_bar()
        self.caseload.learner_chosen.connect(self.open_learner)
        self.caseload.demo_requested.connect(self.load_demo)
        self.caseload.new_learner_requested.connect(self.new_learner)
        self.page.learner_saved.connect(self._learner_saved)
        self.page.employers_requested.connect(self.open_employers)
        self.bridge.failed.connect(self.show_failure)
        self.bridge.changed.connect(self._changes_arrived)
        self.bridge.undo_stack = self.undo_stack    # dialogs over the window offer it too
        self.bridge.undoable_change.connect(
            lambda text, undo, redo, after, stands: self.undo_stack.push(
                UndoChange(self, text, undo, redo, after, stands)))
        self.caseload.refresh_filters()
        self.caseload.refresh()
        self._restore_unsaved_new_learner()
        self.follow_role()
        QTimer.singleShot(0, lambda: recover_recordings(self, self.bridge))

    # -- actions -----------------------------------------------------------------------
    def _build_actions(self) -> None:
        toolbar = QToolBar("Main", objectName="main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(toolbar)

        def action(text, shortcut, slot, name):
            act = QAction(text, self, objectName=name)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
            act.triggered.connect(slot)
            return act

        self.new_action = action("New learner", QKeySequence.New, self.new_learner, "act_new")
        self.delete_action = action("Delete learner", "Ctrl+Delete", self.delete_current, "act_delete")
        self.find_action = action("Find", QKeySequence.Find, self._focus_search, "act_find")
        self.demo_action = action("Load demo caseload", None, self.load_demo, "act_demo")
        self.undo_action = self.undo_stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcut(QKeySequence.Redo)
        # The toolbar's Undo keeps one short word: the stack's "Undo tick Unit 202: <its whole
        # title> as met" pushed the catalogue button off a 1280-pixel toolbar. What it undoes
        # is in its tooltip, and in full under Edit.
        self.toolbar_undo = QAction("Undo", self, objectName="act_toolbar_undo")
        self.toolbar_undo.setEnabled(False)
        self.toolbar_undo.triggered.connect(self.undo_stack.undo)
        self.undo_stack.canUndoChanged.connect(self.toolbar_undo.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: self.toolbar_undo.setToolTip(f"Undo {text} (Ctrl+Z)"))
        for act in (self.new_action, self.delete_action, self.toolbar_undo, self.find_action):
            toolbar.addAction(act)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        self.catalogue_action = action("Qualification catalogue", "Ctrl+K", self.open_catalogue,
                                       "act_catalogue")
        self.import_qualification_action = action("Import qualification…", None,
                                                  self.import_qualification, "act_import_qual")
        file_menu.addAction(self.catalogue_action)
        file_menu.addAction(self.import_qualification_action)
        toolbar.addAction(self.catalogue_action)
        file_menu.addSeparator()
        # Sync with the centre (ui/sync): connect once, then Sync now (F9), here and in the
        # status area (built after the menus, hence the lambda).
        self.connect_action = action("Connect to centre…", None, self.connect_to_centre,
                                     "act_connect")
        file_menu.addAction(self.connect_action)
        self.sync_action = action("Sync now", "F9", lambda: self.sync_area.sync_now(), "act_sync")
        file_menu.addAction(self.sync_action)
        from ui.sync.auto_sync import add_automatic_action
        add_automatic_action(self, file_menu)
        file_menu.addSeparator()
        file_menu.addAction(action("Quit", QKeySequence.Quit, self.close, "act_quit"))
        edit_menu = self.menuBar().addMenu("&Edit")
        for act in (self.undo_action, self.redo_action, self.delete_action, self.find_action):
            edit_menu.addAction(act)
        self.menus = {"file": file_menu, "edit": edit_menu}
        from ui.visit_menus import add_visit_menus   # the learner page's buttons, as menus
        add_visit_menus(self)
        # Signing (ui/signing): check every hash, signature and device chain on demand.
        self.verify_action = action(
            "Verify integrity…", None,
            lambda: __import__("ui.signing", fromlist=["open_verify"]).open_verify(self, self.bridge),
            "act_verify")
        self.menus["tools"] = self.menuBar().addMenu("&Tools")
        self.menus["tools"].addAction(self.verify_action)
        self.menus["tools"].addAction(action(
            "Check a printed page…", None,
            lambda: __import__("ui.signing", fromlist=["open_page_check"]).open_page_check(
                self, self.bridge), "act_check_page"))
        # The PIN for the lock screen and for taking the laptop back from a learner; a plain
        # data folder needs one as much (ui/lock/pin_dialog.py).
        self.pin_action = action("Lock PIN…", None, self.open_pin, "act_pin")
        self.menus["tools"].addAction(self.pin_action)
        self.employers_action = action("Employers…", None, lambda: self.open_employers(),
                                       "act_employers")
        self.menus["tools"].addAction(self.employers_action)
        self.erase_action = action(       # a learner's right to erasure (ui/erase_learner.py)
            "Erase learner's data on request…", None,
            lambda: __import__("ui.erase_learner", fromlist=["erase_current_learner"])
            .erase_current_learner(self), "act_erase_learner")
        self.menus["tools"].addAction(self.erase_action)
        self.shortcuts_action = action("Keyboard shortcuts", "F1", self.show_shortcuts,
                                       "act_shortcuts")
        self.menus["help"] = self.menuBar().addMenu("&Help")
        self.menus["help"].addAction(self.shortcuts_action)
        # The version and the licences of everything inside (ui/about_dialog.py).
        self.about_action = action("About Fieldfolio", None, self.open_about, "act_about")
        self.about_action.setMenuRole(QAction.AboutRole)  # macOS puts it in the app menu
        self.menus["help"].addAction(self.about_action)
        from ui.sync_file_actions import add_sync_file_actions  # USB-stick sync
        add_sync_file_actions(self)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        who = self._who()
        self.offline_label = QLabel("● Saved as you type")
        self.offline_label.setObjectName("offline_state")
        self.sync_label = QLabel("")
        self.sync_label.setObjectName("sync_state")
        self.who_label = QLabel(who)
        from ui.sync.status_area import SyncStatusArea
        self.sync_area = SyncStatusArea(self.bridge, self)
        self.sync_area.connect_requested.connect(self.connect_to_centre)
        # Connected, the headline names the centre: said twice, the bar overflowed 1280 pixels.
        self.sync_area.shown.connect(self._show_who)
        self.sync_area.attention_requested.connect(self.open_attention)
        self.sync_area.runner.finished.connect(self._follow_lock_rule)  # the centre's minutes
        from ui.sync.revoked import wipe_revoked_laptop  # the centre marked this laptop lost
        self.sync_area.runner.revoked.connect(lambda revoked: wipe_revoked_laptop(self, revoked))
        self.sync_area.runner.finished.connect(lambda _outcome: self.sync_settled())
        self.sync_area.runner.failed.connect(lambda _why: self.sync_settled())  # some went
        self.sync_label.hide()  # the sync area says it, knowing whether there is a centre
        for widget in (self.who_label, self.sync_area, self.sync_label, self.offline_label):
            bar.addPermanentWidget(widget)
        # The name and "Saved as you type" are short and always whole (cut, they read "Sam
        # Pat" and "Savec"); on a narrow screen the sync area gives way instead, its
        # headline ending in "…" with every word in its tooltip.
        for widget in (self.who_label, self.offline_label):
            widget.setSizePolicy(QSizePolicy.Minimum, QSizePolicy.Preferred)
        self.sync_label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.sync_label.setMinimumWidth(60)
        self.offline_label.setToolTip(f"Everything is saved on this laptop as you type. "
                                      f"Data folder: {self.store.data_dir}")
        self.who_label.setToolTip(who)
        self._status_timer = QTimer(self, interval=5000)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        self.refresh_status()

    def _who(self) -> str:
        """Who uses this laptop: once enrolled, the name (app/sync/enrolment.py) and role the
        centre knows them by."""
        def read(session):
            from app.sync import state
            return current_profile(session), state.get(session, "role")
        profile, centre_role = self.store.read(read)
        if profile is None:
            return ""
        role = centre_role if centre_role in ROLE_LABELS else profile.role
        return f"{profile.name} · {ROLE_LABELS.get(role, role)} · {profile.centre_name}"

    def _show_who(self, status) -> None:
        who = self._who()
        self.who_label.setText(who.rsplit(" · ", 1)[0] if status.enrolled and who else who)
        self.who_label.setToolTip(who)

    def refresh_status(self) -> None:
        if hasattr(self, "sync_area"):
            self.sync_area.refresh()
        self.bridge.read(changes_waiting_for_sync, on_done=lambda n: self.sync_label.setText(
            f"{n} change{'s' if n != 1 else ''} waiting to go to the centre" if n else
            "Nothing waiting to sync"))

    def connect_to_centre(self) -> None:
        from ui.sync.connect_dialog import ConnectDialog
        dialog = ConnectDialog(self.store, self)
        if dialog.exec():
            self.follow_role()
            self.refresh_status()

    def follow_role(self) -> None:
        """An IQA's laptop (enrolled as one) adds no learners and deletes none: the centre
        sends the learners assigned to them, read only but for samples and IQA signatures
        (app/sync/iqa_laptop.py)."""
        from app.sync import state
        iqa = self.store.read(an_iqa_laptop)
        # Set up as an IQA and not yet connected: just a laptop (the demo is refused only
        # once the centre says whose it is), but the big "Load demo caseload" invited an
        # IQA to fill it with learners the centre would refuse from her; the way to her
        # learners is the centre.
        iqa_to_be = not iqa and self.store.read(
            lambda s: (lambda me: bool(me) and me.role == "iqa"
                       and not state.get(s, "token"))(current_profile(s)))
        for act in (self.new_action, self.delete_action, self.erase_action, self.demo_action):
            act.setEnabled(not iqa)
        for button in (self.caseload.add_button, self.caseload.demo_button):
            button.setVisible(not iqa)
        self.caseload.demo_button.setVisible(not iqa and not iqa_to_be)
        self.caseload.empty_text.setText(
            "No learners assigned to you yet: once the centre assigns them, Sync now (F9) "
            "brings them here." if iqa else
            "No learners yet: connect to your centre (File → Connect to centre…) and it "
            "sends the learners you sample." if iqa_to_be else "No learners yet.")
        self.welcome_text.setText(
            "Choose a learner from the caseload: the centre sends the learners assigned to "
            "you to sample." if iqa else
            "Choose a learner from the caseload, or press Ctrl+N to add one.")
        if self.right.currentWidget() is self.page and self.page.learner_id:
            self.page.show_learner(self.page.learner_id)

    def attention_dialog(self):
        """Needs attention, wired to this window: what it settles (a conflict kept, a
        learner merged) is a local edit, which refreshes only the screens that asked."""
        from ui.sync.attention_dialog import AttentionDialog
        dialog = AttentionDialog(self.bridge, self)
        dialog.records_changed.connect(lambda: self.caseload.refresh())
        return dialog

    def open_attention(self) -> None:
        self.attention_dialog().exec()
        self.refresh_status()

    # -- failures and what changed (ui/bridge.py) ----------------------------------------
    def _build_failure_bar(self) -> QWidget:
        """A failed operation is said at the top of the window, where the assessor looks,
        and stays until dismissed: a status-bar message would be gone in seconds."""
        self.failure_bar = QWidget(objectName="failure_bar")
        self.failure_bar.setAttribute(Qt.WA_StyledBackground, True)
        row = QHBoxLayout(self.failure_bar)
        row.setContentsMargins(12, 6, 12, 6)
        self.failure_text = label("", "problem")
        self.failure_text.setObjectName("failure_text")
        dismiss = QPushButton("Dismiss", objectName="failure_dismiss")
        dismiss.clicked.connect(self.failure_bar.hide)
        row.addWidget(self.failure_text, 1)
        row.addWidget(dismiss)
        self.failure_bar.hide()
        return self.failure_bar

    def show_failure(self, words: str, typing_kept: bool = True) -> None:
        words = words.rstrip(".")
        self.failure_text.setText(f"⚠ Not done: {words}." + (
            " Nothing you typed has been lost: it is still on screen and is saved again as "
            "you type." if typing_kept else ""))
        self.failure_bar.show()

    def _changes_arrived(self, changes: Changes) -> None:
        # Local edits refresh their own screens as they finish; rows pulled by sync arrive
        # only here, so everything that shows them is refreshed.
        if changes.source == SYNC:
            forget_reversed(self.undo_stack)   # a delete the centre refused is back already
            self.refresh_for(changes)

    def sync_settled(self) -> None:
        """A sync ended, over the network or by file. The centre's answer moves records and
        their files from "waiting to go to the centre" to "at the centre" without changing
        them, so no change report names them: the open learner's list and the open record's
        files are read again (the words changed only when another record was clicked)."""
        if self.right.currentWidget() is not self.page:
            return
        self.page.evidence.refresh(keep=True)
        files = self.page.evidence.editor.files
        if files.record is not None:
            files.refresh()

    def refresh_for(self, changes: Changes) -> None:
        if changes.employers:
            self.caseload.refresh_filters()
            self.page.employers_changed()
            if getattr(self, "employers_dialog", None) is not None:   # kept once opened
                self.employers_dialog.follow_sync(
                    {record_id for table, record_id in changes.rows if table == "employer"})
        if changes.caseload:
            self.caseload.refresh(select_id=self.page.learner_id
                                  if self.right.currentWidget() is self.page else None)
        if self.right.currentWidget() is self.page and changes.touches(self.page.learner_id):
            self.page.evidence.refresh(keep=True)
            self.page.claims.refresh()
        self.refresh_status()

    # -- learners ----------------------------------------------------------------------
    def open_learner(self, learner_id: str) -> None:
        deleted = self.store.read(lambda s: (lambda l: l.full_name if l is not None
                                             and l.deleted_at is not None else None)(
            s.get(Learner, learner_id)))
        if deleted is not None:   # chosen from the Deleted filter: the one thing to do
            self.offer_restore(learner_id, deleted)
            return
        self.page.show_learner(learner_id)
        self.right.setCurrentWidget(self.page)

    def offer_restore(self, learner_id: str, name: str) -> None:
        answer = QMessageBox.question(
            self, "Restore a deleted learner",
            f"{name} was deleted. Restore them, with their evidence, to the caseload?",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            return
        try:
            self.store.write_now(restore_learner, learner_id)
        except InvalidInput as exc:
            self.show_failure(" ".join(exc.problems.values()))
            return
        status = self.caseload.status_filter
        status.setCurrentIndex(status.findData(None))   # back to the caseload, to see them
        self.refresh_after_undo((learner_id,))
        self.statusBar().showMessage(f"Restored {name}.", 8000)

    def new_learner(self) -> None:
        self.caseload.clear_selection()
        self.page.show_learner(None)
        self.right.setCurrentWidget(self.page)
        # The names are typed on the Details tab: show it, whatever tab was open before,
        # so the keys go where the assessor can see them.
        self.page.tabs.setCurrentIndex(0)
        self.page.form.editors["given_names"].setFocus()

    def _restore_unsaved_new_learner(self) -> None:
        def orphan_drafts(session):
            return [(rid, fields) for rid, fields in drafts_for(session, DRAFT_FORM)
                    if session.get(Learner, rid) is None]
        drafts = self.store.read(orphan_drafts)
        if drafts:
            learner_id, fields = drafts[0]
            self.page.show_draft(learner_id, fields)
            self.right.setCurrentWidget(self.page)
            self.statusBar().showMessage(
                "Restored a new learner you were typing when Fieldfolio last closed.", 10000)

    def _learner_saved(self, learner_id: str) -> None:
        self.caseload.refresh(select_id=learner_id)
        self.refresh_status()

    def delete_current(self) -> None:
        learner_id = self.page.learner_id if self.right.currentWidget() is self.page else None
        if not learner_id:
            return
        check = self.store.read(deletion_check, learner_id)
        if check.verdict == REFUSED:
            if check.name:
                self.show_failure(check.words, typing_kept=False)
            return
        if check.verdict == ASK and QMessageBox.question(
                self, "Delete a learner with evidence", check.words,
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        name = check.name
        self.page.form.flush()
        self.store.write_now(delete_learner, learner_id)
        self.caseload.clear_selection()
        self.caseload.refresh()
        self.right.setCurrentIndex(0)
        self.statusBar().showMessage(f"Deleted {name}. Press Ctrl+Z to undo.", 10000)
        self.undo_stack.push(UndoChange(self, f"delete {name}", (restore_learner, (learner_id,)),
                                        (delete_learner, (learner_id,))))

    def refresh_after_undo(self, args: tuple) -> None:
        """A restore (or its redo) has committed: show it where the assessor is; a learner
        brought back opens, one deleted again leaves the page."""
        self.caseload.refresh_filters()   # a learner's employer may have come back too
        learner_id = args[0] if args else None
        live = self.store.read(lambda s: (lambda l: None if l is None else l.deleted_at is None)(
            s.get(Learner, learner_id))) if learner_id else None
        if live is True:
            self.caseload.refresh(select_id=learner_id)
            self.open_learner(learner_id)
        elif live is False:
            self.caseload.clear_selection()
            self.caseload.refresh()
            self.right.setCurrentIndex(0)
        else:
            on_page = self.right.currentWidget() is self.page and self.page.learner_id
            if on_page:
                self.page.evidence.refresh(keep=True)
                if args and self.page.evidence.current_record_id() != args[0]:
                    self.page.evidence.select_record(args[0])    # a record brought back
                editor = self.page.evidence.editor
                if editor.record is not None:     # ticks put back, or a file brought back
                    editor.picker.load(editor.record)
                    editor.files.refresh()
                self.page.evidence.changed.emit(self.page.learner_id)
                self.page.claims.refresh()
            self.caseload.refresh(select_id=self.page.learner_id if on_page else None)
        self.refresh_status()

    def load_demo(self) -> None:
        self.statusBar().showMessage("Loading the demo caseload…")

        def both(session):
            load_bundled_packs(session)
            return load_demo_caseload(session)

        def done(result):
            self.statusBar().showMessage(
                f"Demo caseload loaded: {result['learners']} learners at "
                f"{result['employers']} employers, {result['evidence_records']} evidence "
                f"records.", 8000)
            self.caseload.refresh_filters()
            self.caseload.refresh()
            self.refresh_status()

        self.bridge.write(both, on_done=done, on_error=lambda e: QMessageBox.critical(
            self, "Demo caseload", f"The demo caseload could not be loaded: {e}"))

    # -- employers (ui/employers_dialog.py) ------------------------------------------------
    def lock_sentence(self) -> str:
        """How the window locks, and who set it (shown in Help → About)."""
        from app.safekeeping.lock_policy import describe, lock_rule
        from app.sync import state
        minutes, by_centre = self.store.read(lock_rule)
        if not self.store.encrypted:
            return ("This data folder is not encrypted, so the window does not lock; "
                    f"once encrypted it locks after {minutes} idle minutes.")
        return describe(minutes, by_centre, self.store.read(state.get, "centre_name") or "")

    def _follow_lock_rule(self, _outcome=None) -> None:
        if getattr(self, "idle_lock", None) is None:
            return
        from app.safekeeping.lock_policy import idle_minutes
        self.bridge.read(idle_minutes, on_done=self.idle_lock.set_minutes)

    def open_pin(self):
        from ui.lock.pin_dialog import PinDialog
        self.pin_dialog = PinDialog(self.bridge, self)
        self.pin_dialog.accepted.connect(
            lambda: self.statusBar().showMessage(self.pin_dialog.result_text, 10000))
        self.pin_dialog.open()
        return self.pin_dialog

    def open_about(self):
        from ui.about_dialog import AboutDialog
        self.about_dialog = AboutDialog(self, lock_text=self.lock_sentence())
        self.about_dialog.open()
        return self.about_dialog

    def open_employers(self, select_id: str = ""):
        from ui.employers_dialog import EmployersDialog
        self.page.form.flush()   # a just-chosen employer counts as placed before it opens
        if select_id == "" and self.right.currentWidget() is self.page:
            select_id = self.page.form.editors["employer_id"].currentData() or ""
        if getattr(self, "employers_dialog", None) is None:
            self.employers_dialog = EmployersDialog(self.bridge, self)
            self.employers_dialog.changed.connect(self._employers_changed)
        self.employers_dialog.start(select_id or None)
        self.employers_dialog.open()
        return self.employers_dialog

    def _employers_changed(self, _employer_id: str) -> None:
        self.caseload.refresh_filters()
        self.caseload.refresh()
        self.page.employers_changed()
        self.refresh_status()

    # -- catalogue (ui/catalogue) -----------------------------------------------------------
    def open_catalogue(self):
        from ui.catalogue.browser import CatalogueBrowser
        if getattr(self, "catalogue_browser", None) is None:
            # its own window, owned by this one so it closes with it
            self.catalogue_browser = CatalogueBrowser(self.bridge, self)
            self.catalogue_browser.setWindowFlag(Qt.Window)
        self.catalogue_browser.show()
        self.catalogue_browser.raise_()
        self.catalogue_browser.activateWindow()
        return self.catalogue_browser

    def import_qualification(self, path: str | None = None) -> None:
        from ui.catalogue.import_action import ask_and_import, import_qualification_file

        def imported(result):
            if getattr(self, "catalogue_browser", None) is not None:
                self.catalogue_browser.refresh(select_id=result.qualifications[0][0])

        status = lambda text: self.statusBar().showMessage(text, 10000)  # noqa: E731
        if path:
            import_qualification_file(self, self.bridge, path, imported, status)
        else:
            ask_and_import(self, self.bridge, imported, status)

    def show_shortcuts(self):
        from ui.shortcuts_help import ShortcutsDialog
        dialog = ShortcutsDialog(self)
        dialog.open()
        return dialog

    def _focus_search(self) -> None:
        self.caseload.search.setFocus()
        self.caseload.search.selectAll()

    def settle(self) -> None:
        """Everything typed or recorded goes to the writer, and nothing more starts: before
        the window closes, or before a revoked laptop's caseload is wiped."""
        self._status_timer.stop()
        self.sync_area.runner.cancel()
        stop_all_recordings()
        self.page.form.flush()
        self.page.evidence.editor.flush()
        if getattr(self, "employers_dialog", None) is not None:
            self.employers_dialog.flush()
        if getattr(self, "idle_lock", None) is not None:
            self.idle_lock.stop()

    def closeEvent(self, event) -> None:
        self.settle()
        super().closeEvent(event)
