"""What Fieldfolio asks before it opens the data folder: the passphrase of an encrypted one, a
new passphrase on first start, and (from the real app only) whether to encrypt a folder from
before encryption. FIELDFOLIO_PASSPHRASE, when set, answers all of these: nothing is shown."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app import paths
from app.db.errors import StorageError
from app.safekeeping import convert, keys as folder_keys
from ui.lock.new_passphrase import CONVERTING, FIRST_START, NewPassphraseDialog
from ui.lock.unlock_dialog import UnlockDialog


def passphrase_at_start(data_dir, offer_encryption: bool) -> tuple[bool, str | None]:
    """(carry on?, passphrase to open with; None for plain or from the environment)."""
    folder = paths.resolve_data_dir(data_dir)
    if folder_keys.passphrase_from_environment():
        return True, None
    if folder_keys.is_encrypted(folder):
        dialog = UnlockDialog(folder, "Type your passphrase to open your caseload.",
                              leave="Quit")
        return (True, dialog.passphrase) if dialog.exec() == QDialog.Accepted else (False, None)
    database = folder / paths.DATABASE_NAME
    if not database.exists() or database.stat().st_size == 0:
        dialog = NewPassphraseDialog(FIRST_START)
        return (True, dialog.passphrase) if dialog.exec() == QDialog.Accepted else (False, None)
    if not offer_encryption:
        return True, None
    dialog = NewPassphraseDialog(CONVERTING, not_now=True)
    if dialog.exec() != QDialog.Accepted:
        return True, None             # not now: asked again at the next start
    return True, encrypt(folder, dialog.passphrase)


def encrypt(folder: Path, passphrase: str) -> str | None:
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        convert.encrypt_data_folder(folder, passphrase)
    except (StorageError, OSError) as exc:
        QApplication.restoreOverrideCursor()
        QMessageBox.warning(None, "Fieldfolio could not encrypt its data",
                            f"{exc}\n\nYour data is as it was, unencrypted. Fieldfolio will "
                            f"ask again next time it starts.")
        return None
    QApplication.restoreOverrideCursor()
    return passphrase
