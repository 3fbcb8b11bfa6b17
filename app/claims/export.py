"""Writing a learner's paperwork to a PDF file, as the window's "Save as PDF…" and the
command line do: build off the writer thread, write the file whole or not at all, and note
the export in the audit trail."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.claims.paperwork import (
    claim_pack_data, enrolment_pack_data, learner_enrolment, learner_named,
)
from app.claims.print import WHAT, pdf_for
from app.documents.model import ClaimPackData
from app.models import Enrolment
from app.signing.audit import record_event


@dataclass(frozen=True)
class PrintJob:
    pdf: bytes
    pages_of: str              # "claim pack for Amelia Hughes"
    learner_id: str
    record_type: str
    record_id: str


def pack_for(session: Session, learner: str, what: str = "claim-pack",
             claim_id: str | None = None, enrolment_id: str | None = None
             ) -> tuple[ClaimPackData, str, str, str]:
    """(data, learner id, record type, record id) for a learner by ULN or id. A claim or an
    enrolment named must be that learner's: printing another learner's by mistake would put
    the wrong person's evidence in front of an IQA."""
    from app.caseload.validation import InvalidInput
    named = learner_named(session, learner)
    if claim_id:
        from app.models.claims import Claim
        claim = session.get(Claim, claim_id)
        if claim is None:        # a withdrawn claim still prints (marked WITHDRAWN)
            raise InvalidInput({"claim": f"No claim has the id '{claim_id}'."})
        if claim.learner_id != named.id:
            raise InvalidInput({"claim": f"Claim {claim_id} is not {named.full_name}'s."})
        return claim_pack_data(session, claim_id), claim.learner_id, "claim", claim_id
    if enrolment_id:
        enrolment = session.get(Enrolment, enrolment_id)
        if enrolment is None or enrolment.deleted_at is not None:
            raise InvalidInput({"enrolment": f"No enrolment has the id '{enrolment_id}'."})
        if enrolment.learner_id != named.id:
            raise InvalidInput({"enrolment": f"Enrolment {enrolment_id} is not "
                                             f"{named.full_name}'s."})
    else:
        enrolment_id = learner_enrolment(session, learner)
        enrolment = session.get(Enrolment, enrolment_id)
    return (enrolment_pack_data(session, enrolment_id, what), enrolment.learner_id,
            "enrolment", enrolment_id)


def print_job(session: Session, learner: str, what: str = "claim-pack",
              claim_id: str | None = None, enrolment_id: str | None = None) -> PrintJob:
    """Read the data and lay out the PDF; run it on a reader thread (store.read_async or
    Bridge.read), never the window's thread: a large claim pack takes a second or two."""
    from app.caseload.validation import InvalidInput
    if what not in WHAT:
        raise ValueError(f"--what must be one of {', '.join(WHAT)}")
    pack, learner_id, record_type, record_id = pack_for(session, learner, what, claim_id,
                                                        enrolment_id)
    # An empty document is a file no PDF reader opens (0 pages): say what is missing instead.
    if what == "matrix" and not pack.matrices:
        raise InvalidInput({"what": f"{pack.header.learner_name}'s enrolment has no units "
                                    f"chosen yet, so there is no evidence matrix to print."})
    label = {"claim-pack": "claim pack", "matrix": "evidence matrices",
             "records": "records of evidence"}[what]
    return PrintJob(pdf_for(pack, what), f"{label} for {pack.header.learner_name}",
                    learner_id, record_type, record_id)


def build_print_job(store, learner: str, what: str = "claim-pack",
                    claim_id: str | None = None, enrolment_id: str | None = None) -> PrintJob:
    return store.read(print_job, learner, what, claim_id, enrolment_id)


class PdfTargetRefused(ValueError):
    """The place asked for cannot take the PDF; str() says why in one sentence."""


def pdf_target(path: str | os.PathLike, data_dir: os.PathLike | None = None,
               overwrite: bool = True) -> Path:
    """Where the PDF will go, or PdfTargetRefused: never a folder, never anything inside the
    data folder (its database, key or attachments would be replaced by a form), and never an
    existing file unless overwriting was asked for."""
    if not str(path).strip():
        raise PdfTargetRefused("No file name was given for the PDF.")
    target = Path(path).expanduser().resolve()
    if data_dir is not None:
        folder = Path(data_dir).expanduser().resolve()
        if target == folder or folder in target.parents:
            raise PdfTargetRefused(f"{target} is inside Fieldfolio's data folder ({folder}); "
                                   f"save the PDF somewhere else.")
    if target.is_dir():
        raise PdfTargetRefused(f"{target} is a folder; give a file name for the PDF inside it.")
    if target.exists() and not overwrite:
        raise PdfTargetRefused(f"{target} already exists; choose another name, or add --force "
                               f"to replace it.")
    return target


class StagedPdf:
    """A PDF written whole to a temporary file beside its target, not yet in place: the
    caller notes the export in the audit trail, then commit()s, or discard()s if that fails,
    so no PDF is left behind that the audit trail does not know about."""

    def __init__(self, target: Path, pdf: bytes, overwrite: bool = True, private: bool = False):
        self.target, self.overwrite = target, overwrite
        fd, tmp = tempfile.mkstemp(prefix=".fieldfolio-", suffix=".pdf", dir=target.parent)
        self.tmp = Path(tmp)
        try:
            # mkstemp makes the file private; a saved form gets the permissions a new file would.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o600 if private else 0o666 & ~umask)
            with os.fdopen(fd, "wb") as f:
                f.write(pdf)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            self.discard()
            raise

    def commit(self) -> Path:
        try:
            if self.overwrite:
                os.replace(self.tmp, self.target)
            else:
                # A link fails if the name was taken meanwhile: nothing is ever replaced.
                try:
                    os.link(self.tmp, self.target)
                except FileExistsError:
                    raise PdfTargetRefused(f"{self.target} already exists; choose another "
                                           f"name, or add --force to replace it.") from None
                except OSError:            # no hard links (FAT, some network drives)
                    if self.target.exists():
                        raise PdfTargetRefused(f"{self.target} already exists.") from None
                    os.replace(self.tmp, self.target)
        finally:
            self.discard()
        return self.target

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def write_pdf(path: str | os.PathLike, pdf: bytes, data_dir: os.PathLike | None = None,
              overwrite: bool = True, private: bool = False) -> Path:
    """Whole file or nothing: a half-written PDF on a full disk must not look like a form.
    `private` keeps it readable by this user alone (a copy waiting to be printed)."""
    target = pdf_target(path, data_dir, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    return StagedPdf(target, pdf, overwrite, private).commit()


def note_export(session: Session, job: PrintJob, action: str, where: str) -> None:
    record_event(session, action, job.record_type, job.record_id, learner_id=job.learner_id,
                 summary=f"{action.capitalize()} the {job.pages_of}" + (f" to {where}" if where else ""))
