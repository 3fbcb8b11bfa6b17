"""`fieldfolio pdf LEARNER --what claim-pack|matrix|records --out FILE`: the same PDFs the
window makes, for batch printing and checks."""
from __future__ import annotations

import argparse
import sys

from app.claims.print import WHAT


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pdf", help="write a learner's claim pack, evidence matrices or records "
                                   "as a PDF")
    p.add_argument("learner", metavar="LEARNER", help="the learner's ULN or id")
    p.add_argument("--what", choices=WHAT, default="claim-pack",
                   help="claim-pack (the latest claim with everything behind it), matrix "
                        "(every unit's evidence matrix) or records (records of evidence, "
                        "witnesses and unit summary)")
    p.add_argument("--claim", default=None, help="a claim id, instead of the latest claim")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.set_defaults(run=_pdf)


def _pdf(store, args) -> int:
    from app.claims.export import build_print_job, note_export, write_pdf
    job = build_print_job(store, args.learner, args.what, args.claim)
    path = write_pdf(args.out, job.pdf)
    store.write_now(note_export, job, "exported", str(path))
    from pypdf import PdfReader
    import io
    pages = len(PdfReader(io.BytesIO(job.pdf)).pages)
    print(f"Wrote the {job.pages_of} to {path} ({pages} page{'s' * (pages != 1)}).",
          file=sys.stdout)
    return 0
