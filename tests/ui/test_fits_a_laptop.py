"""Every screen and dialog fits a 1280×720 laptop (a 1080p screen at Windows' 150% scaling)
less its taskbar and title bar: no minimum size larger than that, and the buttons an
assessor presses next are on screen, not scrolled or clipped out of view."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt, QThread
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from app.caseload.profile import set_up
from app.evidence.records import records_of_learner
from app.models import Learner
from ui.main_window import MainWindow

# 720 less a 40-pixel taskbar and a 30-pixel title bar; 16 pixels of frame across.
WINDOW = QSize(1264, 650)


def fits(widget: QWidget) -> None:
    wanted = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    assert wanted.width() <= WINDOW.width() and wanted.height() <= WINDOW.height(), (
        f"{type(widget).__name__} needs at least {wanted.toTuple()}")


def on_screen(button: QPushButton) -> None:
    """Shown, and not clipped by a scroll area or the window's edge (once laid out)."""
    assert button.isVisible(), f"{button.text()} is hidden"
    for _ in range(100):
        QApplication.processEvents()
        shown = button.visibleRegion().boundingRect()
        if shown.size() == button.size():
            # and tall enough for its words (a two-line label was cut at top and bottom; the
            # style sheet's size hint counts one line): its lines, 6 px padding, 1 px border
            needed = (button.text().count("\n") + 1) * button.fontMetrics().lineSpacing() + 14
            assert button.height() >= needed, \
                f"“{button.text()}” is {button.height()} high for words needing {needed}"
            return
        QThread.msleep(10)
    raise AssertionError(f"“{button.text()}” shows only {shown.size().toTuple()} of "
                         f"{button.size().toTuple()}")


@pytest.fixture(autouse=True)
def app_style(qapp):
    """The application's style sheet, as the real window has it: its padding and minimum
    heights decide what fits (a two-line button was cut only under it)."""
    from app import paths
    before = qapp.styleSheet()
    qapp.setStyleSheet((paths.resources_dir() / "style.qss").read_text(encoding="utf-8"))
    yield
    qapp.setStyleSheet(before)


@pytest.fixture
def window(qtbot, demo_store):
    demo_store.write_now(set_up, "Alex Morgan", "assessor", "Riverside", "RT1")
    win = MainWindow(demo_store)
    qtbot.addWidget(win)
    win.show()
    win.resize(WINDOW)
    qtbot.waitUntil(lambda: win.caseload.model.rowCount() == 12, timeout=5000)
    yield win
    win.close()


def learner(store, name):
    return store.read(lambda s: next(l.id for l in s.query(Learner) if l.full_name == name))


def find(win, name) -> QPushButton:
    button = win.findChild(QPushButton, name)
    assert button is not None, name
    return button


def test_main_window_fits_with_each_kind_of_record_open(qtbot, window, demo_store):
    win = window
    fits(win)
    amelia = learner(demo_store, "Amelia Hughes")
    win.open_learner(amelia)
    page = win.page
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        fits(win)
    page.tabs.setCurrentIndex(0)
    on_screen(find(win, "edit_employer"))
    page.tabs.setCurrentWidget(page.tabs.widget(1))
    on_screen(find(win, "enrol_button"))

    page.tabs.setCurrentWidget(page.evidence)
    panel = page.evidence
    seen = set()
    for record in demo_store.read(records_of_learner, amelia):
        if (record.method, record.state) in seen:
            continue
        seen.add((record.method, record.state))
        panel.select_record(record.id)
        for tab in range(panel.editor.tabs.count()):
            panel.editor.tabs.setCurrentIndex(tab)
            qtbot.wait(10)
            fits(win)
            on_screen(find(win, "new_record"))
            if panel.editor.signing_bar.sign_button.isVisibleTo(win):
                on_screen(find(win, "open_signing"))
            if record.state != "signed":
                on_screen(find(win, "mark_ready"))
    assert {"Obs", "PD", "Q", "Wt", "P"} <= {method for method, _ in seen}
    assert "signed" in {state for _, state in seen}

    page.tabs.setCurrentWidget(page.claims)
    qtbot.wait(20)
    for name in ("sign_off_unit", "make_claim", "save_pdf", "print_pdf"):
        on_screen(find(win, name))

    for name in ("Kwame Mensah",):          # an empty learner, and a new one being typed
        win.open_learner(learner(demo_store, name))
        fits(win)
    win.new_action.trigger()
    fits(win)


def test_the_last_criteria_can_be_reached(qtbot, window, demo_store):
    win = window
    win.open_learner(learner(demo_store, "Amelia Hughes"))
    win.page.tabs.setCurrentWidget(win.page.evidence)
    editor = win.page.evidence.editor
    editor.tabs.setCurrentWidget(editor.picker)
    tree = editor.picker.tree
    qtbot.wait(20)
    last = list(editor.picker.ac_items())[-1]
    tree.scrollToItem(last)
    qtbot.wait(20)
    rect = tree.visualItemRect(last)
    assert rect.isValid() and tree.viewport().rect().contains(rect.topLeft())
    assert tree.viewport().height() >= 150     # room to read a few criteria at a time




def test_every_dialog_fits_and_keeps_its_buttons_in_view(qtbot, window, demo_store):
    win = window
    amelia = learner(demo_store, "Amelia Hughes")
    win.open_learner(amelia)
    ready = next(r for r in demo_store.read(records_of_learner, amelia) if r.state == "ready")
    win.page.tabs.setCurrentWidget(win.page.evidence)
    win.page.evidence.select_record(ready.id)
    opened = []

    def check(dialog: QWidget, *buttons: str) -> None:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(30)
        fits(dialog)
        dialog.resize(dialog.size().boundedTo(WINDOW))
        qtbot.wait(10)
        for name in buttons:
            on_screen(find(dialog, name) if dialog.findChild(QPushButton, name) else
                      next(b for b in dialog.findChildren(QPushButton) if b.text() == name))
        opened.append(type(dialog).__name__)
        dialog.close()

    win.page.evidence.editor.signing_bar.sign()
    signing = win.page.evidence.editor.signing_bar.dialog
    check(signing, "Sign")
    win.page.tabs.setCurrentWidget(win.page.claims)
    from ui.claims.claim_dialog import ClaimDialog
    check(ClaimDialog(win.page.claims, win.bridge, win.page.claims.enrolment_id, [], None), "Close")
    check(win.open_catalogue())
    check(win.open_employers())
    from ui.enrolments_panel import EnrolDialog
    check(EnrolDialog(win.bridge, amelia, win), "Cancel")
    from ui.setup_dialog import SetupDialog
    check(SetupDialog(demo_store))
    win.page.tabs.setCurrentWidget(win.page.evidence)
    win.verify_action.trigger()
    for top in QApplication.topLevelWidgets():
        if top.isVisible() and isinstance(top, QDialog) and top.windowTitle() and top is not win:
            check(top)
    assert {"SigningDialog", "ClaimDialog", "CatalogueBrowser", "EmployersDialog",
            "EnrolDialog", "SetupDialog"} <= set(opened)


def test_no_screen_is_more_than_two_levels_of_tabs_deep(window):
    from PySide6.QtWidgets import QTabWidget
    deepest = 0
    for tabs in window.findChildren(QTabWidget):
        depth, parent = 1, tabs.parentWidget()
        while parent is not None:
            depth += isinstance(parent, QTabWidget)
            parent = parent.parentWidget()
        deepest = max(deepest, depth)
    assert deepest == 2


def test_a_long_name_never_pushes_progress_out_of_view(qtbot, window, demo_store):
    from app.caseload.learners import autosave_learner
    # Kwame: he has no signed work, so his name may change (a signed learner's may not).
    kwame = learner(demo_store, "Kwame Mensah")
    assert demo_store.write_now(autosave_learner, kwame, {
        "given_names": "Kwame Oluwaseun Adebayo Emmanuel", "family_name": "Mensah-Montgomery"}) == {}
    window.caseload.refresh()
    qtbot.waitUntil(lambda: any(r.name.startswith("Kwame Oluwaseun")
                                for r in window.caseload.model.rows), timeout=5000)
    table = window.caseload.table
    progress = table.horizontalHeader()
    x = progress.sectionViewportPosition(3)
    assert 0 <= x and x + progress.sectionSize(3) <= table.viewport().width()


# The status bar at 1366×768 less the same frame, taskbar and title bar.
WIDE = QSize(1350, 698)
LONG_CENTRE = "Calder Valley Building Skills and Construction Training Centre"


def status_bar_fits(win) -> None:
    """Every part of the status bar is inside it, none over another, and the short ones
    (name, "Saved as you type", buttons) whole; a headline too long ends in "…"."""
    from ui.fitting_label import FittingLabel
    bar = win.statusBar()
    for _ in range(5):
        QApplication.processEvents()
    parts = [win.who_label, win.offline_label] + [
        w for w in win.sync_area.findChildren(QWidget) if w.isVisible()]
    places = []
    for part in parts:
        if not part.isVisible():
            continue
        place = part.geometry().translated(part.parentWidget().mapTo(bar, part.parentWidget().rect().topLeft()))
        name = part.objectName() or type(part).__name__
        assert bar.rect().contains(place), f"{name} at {place.getRect()} is outside {bar.rect().getRect()}"
        for other_name, other in places:
            assert not place.intersects(other), f"{name} lies over {other_name}"
        places.append((name, place))
        if isinstance(part, FittingLabel):
            assert part.width() >= part.minimumSizeHint().width(), name
            shown = part.shown_text()
            assert shown == part.full_text() or shown.endswith("…"), (name, shown)
        else:
            assert part.width() >= part.sizeHint().width(), \
                f"“{part.text()}” is {part.width()} wide for words needing {part.sizeHint().width()}"


def test_the_status_bar_fits_in_every_sync_state(qtbot, window, demo_store):
    """At 1280 and 1366 pixels: not connected, idle with files to send, a failed sync with a
    long reason (a few words in the bar, the whole reason once a click away), things that
    need attention, and a sync sending files."""
    from app.sync import state
    from app.sync.failure_words import unreachable
    from app.transfer.outgoing import FilesProgress
    from app.transfer.sync_step import files_words
    import httpx
    win, area = window, window.sync_area

    def shown(size: QSize) -> None:
        win.resize(size)
        qtbot.waitUntil(lambda: win.width() == size.width(), timeout=2000)
        fits(win)
        status_bar_fits(win)

    def now(**settings) -> None:
        def put(session):
            for key, value in settings.items():
                state.put(session, key, value)
        demo_store.write_now(put)
        area.refresh()
        want = demo_store.read(state.status)
        qtbot.waitUntil(lambda: area.status == want, timeout=5000)

    for size in (WINDOW, WIDE):
        shown(size)                                             # not connected
    assert "kept on this laptop only" in area.headline.text()

    now(url="http://127.0.0.1:9", token="t", centre_name=LONG_CENTRE, staff_name="Alex Morgan",
        role="assessor", last_success_at="2026-12-05T18:57:00+00:00")
    for size in (WINDOW, WIDE):
        shown(size)
    assert area.headline.text().startswith(f"Connected to {LONG_CENTRE}")

    reason = unreachable("http://127.0.0.1:18471", httpx.RemoteProtocolError(
        "Server disconnected without sending a response."))
    now(last_error=reason)
    for size in (WINDOW, WIDE):
        shown(size)
        assert area.headline.shown_text().startswith("Last sync failed: the centre did not answer")
        assert area.details_button.isVisible()
    assert "Server disconnected" not in reason          # httpx's words are not the user's
    assert area.headline.toolTip().count("did not answer") == 1    # the reason once
    area.details_button.click()
    qtbot.waitUntil(lambda: area.details_box is not None and area.details_box.isVisible(),
                    timeout=2000)
    assert area.details_box.text().count(reason) == 1
    area.details_box.close()

    import dataclasses                       # and twelve things needing attention
    area._show(dataclasses.replace(area.status, attention=12, waiting=140, files_waiting=12,
                                   file_bytes_waiting=2_000_000_000))
    for size in (WINDOW, WIDE):
        shown(size)
        assert area.attention_button.isVisible()

    # A sync sending a large recording: its progress takes the headline's place.
    area.runner.start = lambda: True
    area.runner._busy = True
    area.sync_now()
    area.runner.progress.emit(files_words(FilesProgress(
        3, 97 * 1024 * 1024, "ab" * 32, "discussion-long-second-visit-with-the-employer.wav",
        40, 100)))
    for size in (WINDOW, WIDE):
        shown(size)
        assert not area.headline.isVisible() and area.progress.isVisible()
        assert area.cancel_button.isVisible()
    area.runner._busy = False


def words_fit(widget, text: str, room: int) -> None:
    needed = widget.fontMetrics().horizontalAdvance(text)
    assert needed <= room, f"“{text}” needs {needed} pixels and has {room}"


def combo_fits(combo) -> None:
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.CC_ComboBox, option,
                                         QStyle.SC_ComboBoxEditField, combo)
    words_fit(combo, combo.currentText(), field.width())


def test_words_are_whole_at_1280(qtbot, window, demo_store, tmp_path):
    """The caseload filters ("Any employ", "Any qualific"), a file's line on the files tab
    ("waiting to go to the") and a dialog's Undo ("delete Calder Valley Building Sc") were
    cut at 1280×720; every one of them is measured here, under the style sheet."""
    from app.evidence.attachments import attach_file
    from app.evidence.records import create_record
    from app.models import Enrolment
    from app.sync import state
    from app.caseload.employers import save_employer
    win = window
    for combo in (win.caseload.employer_filter, win.caseload.qualification_filter,
                  win.caseload.status_filter):
        combo_fits(combo)

    def connected(session):      # so each file says "waiting to go to the centre"
        for key, value in dict(url="http://127.0.0.1:9", token="t", centre_name="Riverside").items():
            state.put(session, key, value)
    demo_store.write_now(connected)
    amelia = learner(demo_store, "Amelia Hughes")
    enrolment_id = demo_store.read(
        lambda s: s.query(Enrolment).filter_by(learner_id=amelia).first().id)
    record_id = demo_store.write_now(create_record, enrolment_id, "PD", title="Complaints")
    for name in ("discussion-with-the-store-manager.wav", "till-photo-1.jpg"):
        (tmp_path / name).write_bytes(name.encode() * 1000)
        attach_file(demo_store, record_id, tmp_path / name)
    win.open_learner(amelia)
    panel = win.page.evidence
    win.page.tabs.setCurrentWidget(panel)
    panel.select_record(record_id)
    files = panel.editor.files
    panel.editor.tabs.setCurrentWidget(files)
    qtbot.waitUntil(lambda: files.list.count() == 2, timeout=5000)
    qtbot.wait(30)
    room = files.list.viewport().width() - 8
    for row in range(files.list.count()):
        item = files.list.item(row)
        icon = 0 if item.icon().isNull() else files.list.iconSize().width() + 6
        assert "waiting to go to the centre" in item.text()
        for line in item.text().splitlines():
            words_fit(files.list, line, room - icon)

    calder = demo_store.write_now(save_employer, None,
                                  {"name": "Calder Valley Building Society Apprenticeships"})
    dialog = win.open_employers(calder)
    qtbot.addWidget(dialog)
    dialog.resize(dialog.size().boundedTo(WINDOW))
    dialog.confirm_delete = lambda _name: True     # asked and answered (test_employers_window)
    dialog.delete_current()
    qtbot.waitUntil(lambda: dialog.undo_button.isVisible(), timeout=5000)
    on_screen(dialog.undo_button)
    words_fit(dialog.undo_button, dialog.undo_button.text(), dialog.undo_button.width() - 24)
    assert dialog.undo_button.text().startswith("Undo delete Calder")
    dialog.close()


def test_no_caseload_column_is_a_sliver_at_the_edge(qtbot, window):
    """At 1280 the qualification column showed as a sliver with half a header ("ıli"): a
    column is shown whole, or at least 140 pixels of it, or not at all."""
    table = window.caseload.table
    header = table.horizontalHeader()
    qtbot.wait(30)
    for size in (WINDOW, WIDE):
        window.resize(size)
        qtbot.waitUntil(lambda: window.width() == size.width(), timeout=2000)
        qtbot.wait(30)
        room = table.viewport().width()
        for column in range(header.count()):
            if header.isSectionHidden(column):
                continue
            x, width = header.sectionViewportPosition(column), header.sectionSize(column)
            assert x + width <= room or room - x >= 140, (
                f"{window.caseload.model.HEADERS[column]}: {room - x} of {width} pixels shown")
    model = window.caseload.model                           # hidden, it is in the tooltip
    assert model.data(model.index(0, 2)) in model.data(model.index(0, 0), Qt.ToolTipRole)
