"""`fieldfolio verify` (exit 1 when anything fails, naming each record) and `fieldfolio audit`."""
from __future__ import annotations

import argparse
import sys

from app.cli import print_json
from app.signing.audit import events_for_learner, events_for_record
from app.signing.integrity import verify_integrity


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check every signature, hash and device chain; exits 1 "
                                      "if any record was altered outside Fieldfolio")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_verify)
    p = sub.add_parser("audit", help="show the audit trail of a learner or a record")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--learner", help="learner id")
    group.add_argument("--record", help="record id")
    p.set_defaults(run=_audit)
    p = sub.add_parser("verify-page", help="check printed pages: a page's code (the text of "
                                           "its QR, or the footer's reference and "
                                           "fingerprint), a PDF, or a scan; exits 1 if any "
                                           "page does not match what was signed")
    p.add_argument("pages", nargs="+", help="a code, or a PDF / PNG / JPEG file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_verify_page)


def _verify(store, args) -> int:
    report = store.read(verify_integrity)
    if args.json:
        print_json({"ok": report.ok, "records_checked": report.records_checked,
                    "signatures_checked": report.signatures_checked,
                    "problems": [p.__dict__ for p in report.problems]})
    else:
        (sys.stdout if report.ok else sys.stderr).write(report.summary() + "\n")
    return 0 if report.ok else 1


def _verify_page(store, args) -> int:
    from app.signing.page_check import check_pages
    from app.signing.page_reading import UnreadablePage
    results = []
    for given in args.pages:
        try:
            checked = store.read(check_pages, given)
        except UnreadablePage as exc:
            print(str(exc), file=sys.stderr)
            return 1
        results += [{"where": where, "ok": c.ok if c else None, "code": c.code if c else "",
                     "lines": c.lines() if c else [
                         "no signed record's code on this page (contents, or a page "
                         "generated from the records such as a summary)"]}
                    for where, c in checked]
    if not any(r["ok"] is not None for r in results):
        print("No Fieldfolio page code was found.", file=sys.stderr)
        return 1
    if args.json:
        print_json(results)
    else:
        for r in results:
            head = f"{r['where']}: " if r["where"] else ""
            print(head + {True: "matches", False: "DOES NOT MATCH", None: "no code"}[r["ok"]])
            for line in r["lines"]:
                print(f"  {line}")
    return 1 if any(r["ok"] is False for r in results) else 0


def _audit(store, args) -> int:
    from app.cli_errors import CommandFailed
    kind, wanted = ("learner", args.learner) if args.learner else ("record", args.record)
    if not store.read(audit_subject_exists, kind, wanted):
        where = ("`fieldfolio learners --json`" if kind == "learner" else
                 "`fieldfolio audit --learner ID`")
        raise CommandFailed(f"No {kind} has the id '{wanted}' ({kind} ids are listed by "
                            f"{where}).")
    events = store.read(events_for_learner, args.learner) if args.learner else \
        store.read(events_for_record, args.record)
    for e in events:
        print(f"{e.occurred_at:%d/%m/%Y %H:%M} UTC  {e.action:<8} {e.actor_name:<20} {e.summary}")
    if not events:
        print(f"Nothing is in the audit trail for this {kind} yet.", file=sys.stderr)
    return 0


def audit_subject_exists(session, kind: str, wanted: str) -> bool:
    """A learner or record Fieldfolio has heard of: a row, or anything in the audit trail
    (a deleted learner's trail is still there to read)."""
    from sqlalchemy import select
    from app.models import AuditEvent, EvidenceRecord, Learner
    column = AuditEvent.learner_id if kind == "learner" else AuditEvent.record_id
    model = Learner if kind == "learner" else EvidenceRecord
    return (session.get(model, wanted) is not None or
            session.scalar(select(AuditEvent.id).where(column == wanted).limit(1)) is not None)
