"""Writing a learner's paperwork to a PDF file, as the window's "Save as PDF…" and the
command line do: build off the writer thread, write the file whole or not at all, and note
the export in the audit trail."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.claims.paperwork import claim_pack_data, enrolment_pack_data, learner_enrolment
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
             claim_id: str | None = None) -> tuple[ClaimPackData, str, str, str]:
    """(data, learner id, record type, record id) for a learner by ULN or id."""
    if claim_id:
        from app.models.claims import Claim
        claim = session.get(Claim, claim_id)
        return claim_pack_data(session, claim_id), claim.learner_id, "claim", claim_id
    enrolment_id = learner_enrolment(session, learner)
    enrolment = session.get(Enrolment, enrolment_id)
    return (enrolment_pack_data(session, enrolment_id, what), enrolment.learner_id,
            "enrolment", enrolment_id)


def print_job(session: Session, learner: str, what: str = "claim-pack",
              claim_id: str | None = None) -> PrintJob:
    """Read the data and lay out the PDF; run it on a reader thread (store.read_async or
    Bridge.read), never the window's thread: a large claim pack takes a second or two."""
    if what not in WHAT:
        raise ValueError(f"--what must be one of {', '.join(WHAT)}")
    pack, learner_id, record_type, record_id = pack_for(session, learner, what, claim_id)
    label = {"claim-pack": "claim pack", "matrix": "evidence matrices",
             "records": "records of evidence"}[what]
    return PrintJob(pdf_for(pack, what), f"{label} for {pack.header.learner_name}",
                    learner_id, record_type, record_id)


def build_print_job(store, learner: str, what: str = "claim-pack",
                    claim_id: str | None = None) -> PrintJob:
    return store.read(print_job, learner, what, claim_id)


def write_pdf(path: str | os.PathLike, pdf: bytes, private: bool = False) -> Path:
    """Whole file or nothing: a half-written PDF on a full disk must not look like a form.
    `private` keeps it readable by this user alone (a copy waiting to be printed)."""
    target = Path(path).expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fieldfolio-", suffix=".pdf", dir=target.parent)
    try:
        # mkstemp makes the file private; a saved form gets the permissions any new file would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o600 if private else 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(pdf)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def note_export(session: Session, job: PrintJob, action: str, where: str) -> None:
    record_event(session, action, job.record_type, job.record_id, learner_id=job.learner_id,
                 summary=f"{action.capitalize()} the {job.pages_of}" + (f" to {where}" if where else ""))
