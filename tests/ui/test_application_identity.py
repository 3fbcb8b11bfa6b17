"""The window says what it is: Fieldfolio's icon on every window and its version, as the
taskbar, Alt+Tab and Help -> About show them."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog

from app import __version__
from ui.application import make_app


def test_every_window_takes_the_fieldfolio_icon(qtbot):
    app = make_app()
    assert app.applicationVersion() == __version__
    icon = app.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).toImage().pixelColor(32, 8).name() == "#1f5fa8"  # the folio's blue
    dialog = QDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowIcon().cacheKey() == icon.cacheKey()
