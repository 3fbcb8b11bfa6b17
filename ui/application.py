"""Starting the window: open the data folder, load the shipped catalogue, first-start set-up."""
from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app import __version__, paths
from app.caseload.profile import current_profile
from app.catalogue.loader import load_bundled_packs
from app.db.errors import StorageError
from app.db.store import Store


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Fieldfolio")
    app.setOrganizationName("Fieldfolio")
    app.setApplicationVersion(__version__)
    # Every window and dialog takes the application's icon (title bar, task bar, Alt+Tab).
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "fieldfolio.png")))
    style = paths.resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def open_store(data_dir, passphrase: str | None = None) -> Store:
    store = Store(data_dir, passphrase=passphrase).open()
    store.write_now(load_bundled_packs)
    return store


def start_window(data_dir=None, offer_encryption: bool = False):
    """Open the store and the main window (or the passphrase and set-up first). Returns
    (store, window), or (None, None) after telling the user why the data could not be
    opened. `offer_encryption` asks to encrypt a plain folder (the real app, not probes)."""
    from ui.lock.at_start import passphrase_at_start
    from ui.main_window import MainWindow
    from ui.setup_dialog import SetupDialog
    from app.safekeeping.wipe import was_wiped
    if was_wiped(paths.resolve_data_dir(data_dir)):
        from ui.sync.revoked import explain_at_start
        if not explain_at_start(paths.resolve_data_dir(data_dir)):
            return None, None
    go_on, passphrase = passphrase_at_start(data_dir, offer_encryption)
    if not go_on:
        return None, None
    try:
        store = open_store(data_dir, passphrase)
    except StorageError as exc:
        QMessageBox.critical(None, "Fieldfolio cannot open its data", str(exc))
        return None, None
    if store.read(current_profile) is None:
        if SetupDialog(store).exec() != QDialog.Accepted:
            store.close()
            return None, None
    keep_a_log(store.data_dir)
    window = MainWindow(store)
    if store.encrypted:
        from app.safekeeping.lock_policy import idle_minutes
        from ui.lock.idle_lock import IdleLock
        from app.safekeeping.pin import PIN_DAY
        from ui.lock.pin_dialog import pin_checker
        PIN_DAY.passphrase_typed()    # the passphrase opened the folder just now
        window.idle_lock = IdleLock(store.data_dir, store.read(idle_minutes), window,
                                    pin_check=pin_checker(store))
    return store, window


def keep_a_log(data_dir) -> None:
    """Failures the window shows in words are kept with their details in the data folder,
    for support, rather than printed where an assessor never looks."""
    import logging
    logging.basicConfig(filename=str(data_dir / "fieldfolio.log"), level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def run_window(data_dir=None) -> int:
    from app.fault_log import start_logging
    from ui import fault_report
    folder = paths.resolve_data_dir(data_dir)
    # The one line a normal start prints: where the caseload is, for backups and support.
    print(f"Fieldfolio data folder: {folder}", file=sys.stderr, flush=True)
    start_logging(folder) if folder.is_dir() else None
    fault_report.install(folder)       # before Qt says anything
    app = make_app()
    store, window = start_window(data_dir, offer_encryption=True)
    start_logging(folder)        # a first start has only now made the folder
    if window is None:
        return 1
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
