"""`fieldfolio pdf LEARNER --what claim-pack|matrix|records --out FILE`: the same PDFs the
window makes, for batch printing and checks; `fieldfolio learner-show LEARNER` lists the
enrolment, sign-off and claim ids it takes.

The PDF never lands inside the data folder and never replaces a file without --force; it is
written whole to a temporary name, noted in the audit trail, then renamed into place."""
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
    p.add_argument("--enrolment", default=None,
                   help="an enrolment id, instead of the newest (see learner-show)")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--force", action="store_true", help="replace the file if it exists")
    p.set_defaults(run=_pdf)
    p = sub.add_parser("learner-show", help="a learner's enrolments, unit sign-offs and claims "
                                            "with their ids")
    p.add_argument("learner", metavar="LEARNER", help="the learner's ULN or id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_learner_show)


def _pdf(store, args) -> int:
    from app.claims.export import (
        PdfTargetRefused, StagedPdf, build_print_job, note_export, pdf_target,
    )
    from app.cli_errors import CommandFailed, disk_problem
    try:
        target = pdf_target(args.out, store.data_dir, overwrite=args.force)
    except PdfTargetRefused as exc:
        raise CommandFailed(str(exc)) from None
    if not target.parent.is_dir():
        raise CommandFailed(f"The folder {target.parent} does not exist; create it first.")
    job = build_print_job(store, args.learner, args.what, args.claim, args.enrolment)
    from pypdf import PdfReader
    import io
    pages = len(PdfReader(io.BytesIO(job.pdf)).pages)
    try:
        staged = StagedPdf(target, job.pdf, overwrite=args.force)
    except OSError as exc:
        raise CommandFailed(disk_problem(exc, f"write the PDF to {target}", name_file=False) +
                            " Nothing was written.") from None
    try:
        store.write_now(note_export, job, "exported", str(target))
    except BaseException:
        staged.discard()          # a PDF the audit trail does not know about is not left
        raise
    try:
        path = staged.commit()
    except PdfTargetRefused as exc:
        raise CommandFailed(str(exc)) from None
    print(f"Wrote the {job.pages_of} to {path} ({pages} page{'s' * (pages != 1)}).",
          file=sys.stdout)
    return 0


def _learner_show(store, args) -> int:
    from app.claims.learner_ids import learner_paperwork
    name, enrolments = store.read(learner_paperwork, args.learner)
    if args.json:
        from app.cli import print_json
        print_json({"learner": name, "enrolments": [e.__dict__ for e in enrolments]})
        return 0
    print(name)
    if not enrolments:
        print("  not enrolled on a qualification")
    for e in enrolments:
        print(f"  enrolment {e.id}  {e.qualification}  {e.status}"
              + (f"  started {e.started}" if e.started else ""))
        for s in e.sign_offs:
            print(f"    sign-off {s['id']}  unit {s['unit']}  summative {s['summative_date']}")
        for c in e.claims:
            print(f"    claim {c['id']}  {c['reference']}  units {', '.join(c['units']) or '-'}"
                  + ("  (withdrawn)" if c["withdrawn"] else ""))
    return 0
