"""File ▸ Import qualification…: choose a pack file, check it whole off the GUI thread,
then load it in one write. A malformed file is refused with each problem's line."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.catalogue.importer import PackImportError, import_pack, prepare_pack

_checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldfolio-pack-check")
MAX_SHOWN = 15


def problems_text(exc: PackImportError) -> str:
    shown = exc.problems[:MAX_SHOWN]
    more = len(exc.problems) - len(shown)
    return (f"{exc.file} was not imported, and nothing in the catalogue has changed.\n\n"
            + "\n".join(f"• {p}" for p in shown)
            + (f"\n• … and {more} more" if more > 0 else ""))


def import_qualification_file(parent, bridge, path: str, on_imported=None, status=None) -> None:
    """Check `path`, then import it. `on_imported(result)` after a successful import;
    `status(text)` for progress messages."""
    say = status or (lambda text: None)
    say(f"Checking {path}…")

    def checked(prepared):
        say("Importing…")
        bridge.write(import_pack, prepared, on_done=imported, on_error=failed)

    def imported(result):
        say(result.message())
        if on_imported:
            on_imported(result)

    def failed(exc):
        say("The qualification was not imported.")
        if isinstance(exc, PackImportError):
            QMessageBox.warning(parent, "Import qualification", problems_text(exc))
        else:
            QMessageBox.critical(parent, "Import qualification",
                                 f"The qualification was not imported, and nothing in the "
                                 f"catalogue has changed: {exc}")

    bridge.when_done(_checker.submit(prepare_pack, path), checked, failed)


def ask_and_import(parent, bridge, on_imported=None, status=None) -> None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import qualification",
                                          "", "Specification packs (*.json)")
    if path:
        import_qualification_file(parent, bridge, path, on_imported, status)
