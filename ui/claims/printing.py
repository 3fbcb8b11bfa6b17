"""Saving and printing the paperwork without ever blocking the window.

The PDF is laid out on a reader thread (Bridge.read); only the finished bytes come back.
Printing goes through the platform's print dialog, drawing each page of the PDF (QtPdf) on
the printer; where no printer is installed, the system's PDF viewer opens the file, which
is how macOS and many Linux desktops print.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRectF, QSize, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog, QFileDialog

from app.claims.export import (
    PdfTargetRefused, PrintJob, StagedPdf, note_export, pdf_target, print_job,
)
from app.claims.print_files import write_print_copy
from ui.system_viewer import open_in_system

WHAT_LABELS = {"claim-pack": "Claim pack", "matrix": "Evidence matrices",
               "records": "Records of evidence"}


def suggested_name(job_label: str, what: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in job_label).strip()
    return f"{safe or 'paperwork'} - {WHAT_LABELS[what].lower()}.pdf"


class Paperwork(QObject):
    """One PDF job at a time for the learner page; reports progress as plain sentences."""

    status = Signal(str)
    saved = Signal(str)          # path written
    ready = Signal(object)       # PrintJob, when built for printing

    def __init__(self, bridge, parent_widget):
        super().__init__(parent_widget)
        self.bridge, self.parent_widget = bridge, parent_widget
        self.busy = False

    def build(self, learner_id: str, what: str, claim_id: str | None, on_built) -> None:
        if self.busy:
            self.status.emit("Still building the last PDF…")
            return
        self.busy = True
        self.status.emit(f"Building the {WHAT_LABELS[what].lower()}…")

        def done(job: PrintJob) -> None:
            self.busy = False
            on_built(job)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.status.emit(f"⚠ Could not build the PDF: {exc}")
        self.bridge.read(print_job, learner_id, what, claim_id, on_done=done, on_error=failed)

    def save_as(self, learner_id: str, learner_name: str, what: str,
                claim_id: str | None = None, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.parent_widget, "Save as PDF", str(Path.home() / suggested_name(learner_name, what)),
                "PDF files (*.pdf)")
            if not path:
                return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"

        def write(job: PrintJob) -> None:
            # As the command line does: the PDF is staged whole beside its target, the export
            # noted in the audit trail, and only then put in place, so no PDF is left behind
            # that the audit trail does not know about.
            try:   # never over the database, key or attachments (the save dialog allows it)
                target = pdf_target(path, self.bridge.store.data_dir)
                staged = StagedPdf(target, job.pdf)
            except PdfTargetRefused as exc:
                self.status.emit(f"⚠ {exc}")
                return
            except OSError as exc:
                self.status.emit(f"⚠ Could not save {path}: {exc.strerror or exc}. "
                                 f"Nothing was written.")
                return

            def audited(_result) -> None:
                try:
                    placed = staged.commit()
                except (PdfTargetRefused, OSError) as exc:
                    self.status.emit(f"⚠ Could not save {path}: {exc}")
                    return
                self.status.emit(f"✔ Saved the {job.pages_of} to {placed}")
                self.saved.emit(str(placed))

            def not_audited(exc: BaseException) -> None:
                staged.discard()
                self.status.emit(f"⚠ The {job.pages_of} was not saved: the audit trail could "
                                 f"not note it ({exc}).")
            if self.bridge.write(note_export, job, "exported", str(target),
                                 on_done=audited, on_error=not_audited) is None:
                staged.discard()      # the data folder closed meanwhile: nothing noted
        self.build(learner_id, what, claim_id, write)

    def print_(self, learner_id: str, what: str, claim_id: str | None = None) -> None:
        def show(job: PrintJob) -> None:
            self.ready.emit(job)
            print_pdf(self.parent_widget, job, self.bridge, self.status.emit)
        self.build(learner_id, what, claim_id, show)


def print_pdf(parent, job: PrintJob, bridge, report) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
    path = write_print_copy(suggested_name(job.pages_of, "claim-pack"), job.pdf)
    if not QPrinterInfo.availablePrinters():
        # No printer known to Qt: hand the file to the system's PDF viewer to print. Nothing
        # has been printed yet, so the audit trail says the file was exported, and where;
        # and if no viewer opened, the window says so and where the file is.
        opened = open_in_system(path)
        if opened:
            report(f"No printer is set up here: opened the {job.pages_of} in the PDF viewer "
                   f"to print from there ({path}).")
        else:
            report(f"⚠ No printer is set up here and no PDF viewer could be opened. The "
                   f"{job.pages_of} is saved at {path}: open it from there to print.")
        bridge.write(note_export, job, "exported", str(path))
        return
    printer = QPrinter(QPrinter.HighResolution)
    printer.setDocName(job.pages_of)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QDialog.Accepted:
        report("Printing cancelled.")
        return
    pages = render_to_printer(str(path), printer)
    bridge.write(note_export, job, "printed", printer.printerName())
    report(f"✔ Sent {pages} pages of the {job.pages_of} to {printer.printerName()}.")


def render_to_printer(pdf_path: str, printer) -> int:
    """Draw each PDF page to fill the printable area at the printer's resolution."""
    from PySide6.QtPdf import QPdfDocument
    document = QPdfDocument()
    document.load(pdf_path)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    dpi = printer.resolution()
    try:
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            size = document.pagePointSize(index)
            target = QSize(int(size.width() / 72 * dpi), int(size.height() / 72 * dpi))
            image = document.render(index, target)
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
    finally:
        painter.end()
    return document.pageCount()
