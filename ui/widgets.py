"""Small building blocks the screens share: labelled fields with a problem line, cards."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QApplication, QComboBox, QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QScrollArea, QVBoxLayout, QWidget,
)


def label(text: str, role: str | None = None, wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    if role:
        lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    return lab


class Dialog(QDialog):
    """Every Fieldfolio dialog, so that Enter does one thing, the same in all of them:

    - in a field that acts on Enter itself (its returnPressed is connected: check a code,
      try a passphrase, choose a PIN), that alone. Qt passes the key on to the dialog as
      well, which pressed its default button too: a code was checked twice, a PIN chosen
      twice;
    - on a button that has the focus (tabbed to), that button, as Space does;
    - anywhere else, the dialog's own default button, once: the one given setDefault(True)
      (confirm_buttons and button_row do), else a button box's OK; nothing if it has none.
      Qt would otherwise make the first button in the tab order the default ("Open a PDF
      or scan…", "Forgot it?"), or whichever button last had the focus."""

    def setVisible(self, visible: bool) -> None:
        if visible:   # before Qt picks a default of its own (QDialog.setVisible does)
            for button in self.findChildren(QPushButton):
                button.setAutoDefault(False)
        super().setVisible(visible)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            focus = self.focusWidget()
            if isinstance(focus, QLineEdit) and _acts_on_enter(focus):
                event.accept()      # it has done so already: returnPressed came first
                return
            if isinstance(focus, QPushButton) and focus.isEnabled() and not focus.isDefault():
                event.accept()
                focus.click()
                return
        super().keyPressEvent(event)


def _acts_on_enter(field: QLineEdit) -> bool:
    meta = field.metaObject()
    return field.isSignalConnected(meta.method(meta.indexOfSignal("returnPressed()")))


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("card", True)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 12)
    return frame, layout


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field as wrong: the style sheet adds a red border; the problem text beside
    it says why, so colour is never the only signal."""
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class ProblemLabel(QLabel):
    """A '⚠ message' line under a field, hidden when there is nothing to say."""

    def __init__(self):
        super().__init__()
        self.setProperty("role", "problem")
        self.setWordWrap(True)
        self.hide()

    def show_problem(self, message: str | None) -> None:
        if message:
            self.setText("⚠ " + message)
            self.show()
        else:
            self.clear()
            self.hide()


def shrinkable(combo: QComboBox, characters: int = 14) -> QComboBox:
    """A combo box that does not widen to its longest entry (qualification titles run to
    90 characters, and the window must fit a 1366-pixel laptop)."""
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


def confirm_buttons(dialog: QDialog, text: str, name: str, on_confirm,
                    primary: bool = True) -> tuple[QDialogButtonBox, QPushButton]:
    """A dialog's large confirming button (Enter presses it) beside Cancel. The confirm
    runs `on_confirm` and leaves closing to it, since it closes only once the write is done."""
    buttons = QDialogButtonBox()
    ok = QPushButton(text, objectName=name)
    if primary:
        ok.setProperty("primary", True)
    ok.setMinimumHeight(48)
    ok.setDefault(True)
    buttons.addButton(ok, QDialogButtonBox.AcceptRole)
    buttons.addButton(QDialogButtonBox.Cancel).setMinimumHeight(48)
    buttons.accepted.connect(on_confirm)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Open at the size wanted, or the screen's work area if that is smaller: an assessor's
    laptop is often 1366×768, or 1280×720 at Windows' 150% scaling, less the taskbar.
    Room is left for the title bar and frame the window manager adds."""
    screen = window.screen() if window.screen() is not None else QApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    window.resize(min(width, area.width() - 16), min(height, area.height() - 40))


class _WrappedHeight(QObject):
    """A scroll area sizes its content by its minimum size, which counts a wrapped label as
    one line; squeezed to that, the content's buttons were cut off at the bottom. This keeps
    the content's minimum height at what its words need at the width it is given."""

    def __init__(self, scroll: QScrollArea):
        super().__init__(scroll)
        self.scroll = scroll

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Resize, QEvent.LayoutRequest):
            content = self.scroll.widget()
            layout = content.layout() if content is not None else None
            if layout is not None and layout.hasHeightForWidth():
                width = self.scroll.viewport().width()
                content.setMinimumHeight(layout.totalHeightForWidth(width))
        return False


def scrolling(content: QWidget) -> QScrollArea:
    """Content that scrolls vertically when the window is short instead of forcing the
    window taller than the screen (it still wraps to the width it is given)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    follower = _WrappedHeight(scroll)
    scroll.viewport().installEventFilter(follower)
    content.installEventFilter(follower)
    return scroll


# The foot of a small dialog: what may stand on the left (Forgot…, Remove PIN), then the way
# out, then the one primary button that Enter presses.
def button_row(primary: tuple[str, str], on_primary, leave: tuple[str, str] | None = None,
               on_leave=None, left: list[QWidget] = ()) -> tuple[QHBoxLayout, QPushButton]:
    """`primary` and `leave` are (text, objectName). Returns the row and the primary button."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    if leave is not None:
        out = QPushButton(leave[0], objectName=leave[1])
        out.clicked.connect(on_leave)
        row.addWidget(out)
    ok = QPushButton(primary[0], objectName=primary[1])
    ok.setProperty("primary", True)
    ok.setDefault(True)
    ok.clicked.connect(on_primary)
    row.addWidget(ok)
    return row, ok
