"""Caseload subcommands: setup, demo, learners, learner add."""
from __future__ import annotations

import argparse

from app.caseload.demo import load_demo_caseload
from app.caseload.learners import LEARNER_FIELDS, save_learner
from app.caseload.profile import set_up
from app.caseload.queries import caseload_rows
from app.catalogue.loader import load_bundled_packs


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="set the assessor's name, role and centre")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=["assessor", "trainee_assessor", "iqa"])
    p.add_argument("--centre", required=True)
    p.add_argument("--centre-number", default="")
    p.set_defaults(run=_setup)

    p = sub.add_parser("demo", help="load the demo caseload (learners, employers, enrolments, "
                                     "evidence)")
    p.set_defaults(run=_demo)

    p = sub.add_parser("learners", help="list the caseload")
    p.add_argument("--search", default="")
    p.add_argument("--deleted", action="store_true",
                   help="list deleted learners instead (to restore one)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_learners)

    p = sub.add_parser("learner-restore", help="bring back a deleted learner, with their "
                                                "evidence (by ULN or id; see learners --deleted)")
    p.add_argument("learner", help="the learner's ULN or id")
    p.set_defaults(run=_learner_restore)

    p = sub.add_parser("learner-erase", help="erase a learner's personal data on request, "
                                              "keeping what the awarding body requires")
    p.add_argument("learner", help="the learner's ULN or id")
    p.add_argument("--yes", action="store_true",
                   help="do it (without --yes it only says what would be erased and kept)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_learner_erase)

    p = sub.add_parser("learner-add", help="add a learner (dates as DD/MM/YYYY)")
    for key, label in LEARNER_FIELDS.items():
        if key != "employer_id":
            p.add_argument("--" + key.replace("_", "-"), default="", help=label)
    p.set_defaults(run=_learner_add)


def _setup(store, args) -> int:
    profile = store.write_now(set_up, args.name, args.role, args.centre, args.centre_number)
    print(f"Set up for {profile.name} ({profile.role}) at {profile.centre_name}.")
    return 0


def _demo(store, args) -> int:
    store.write_now(load_bundled_packs)
    result = store.write_now(load_demo_caseload)
    print(f"Demo caseload loaded: {result['learners']} learners, {result['employers']} employers, "
          f"{result['qualifications']} qualifications to enrol on, "
          f"{result['evidence_records']} evidence records.")
    return 0


def _learners(store, args) -> int:
    rows = store.read(caseload_rows, args.search, None, None,
                      "deleted" if args.deleted else None)
    if args.json:
        from app.cli import print_json
        print_json([{"id": r.learner_id, "name": r.name, "uln": r.uln, "employer": r.employer,
                     "qualifications": r.qualifications, "status": r.status} for r in rows])
    else:
        for r in rows:
            print(f"{r.uln or '-':10}  {r.name:30}  {r.employer:32}  {r.status}")
    return 0


def _learner_add(store, args) -> int:
    fields = {key: getattr(args, key) for key in LEARNER_FIELDS if key != "employer_id"}
    learner_id = store.write_now(save_learner, None, fields)
    from app.models import Learner
    name, uln = store.read(lambda s: (lambda l: (l.full_name, l.uln))(s.get(Learner, learner_id)))
    # Who was added, in words; the id last, for the commands that take one.
    print(f"Added {name} ({f'ULN {uln}' if uln else 'no ULN yet'}): id {learner_id}")
    return 0


def _learner_restore(store, args) -> int:
    import sys

    from app.caseload.learners import restore_learner
    from app.caseload.validation import InvalidInput
    from app.models import Learner

    def find(session):
        return [(l.id, l.full_name, l.deleted_at is not None) for l in session.query(Learner)
                .filter((Learner.id == args.learner) | (Learner.uln == args.learner))]
    found = store.read(find)
    if not found:
        print(f"No learner has the ULN or id {args.learner}.", file=sys.stderr)
        return 1
    deleted = [f for f in found if f[2]]
    if not deleted:
        print(f"{found[0][1]} is not deleted: nothing to restore.")
        return 0
    learner_id, name, _ = deleted[0]
    try:
        store.write_now(restore_learner, learner_id)
    except InvalidInput as exc:
        print(" ".join(exc.problems.values()), file=sys.stderr)
        return 1
    print(f"Restored {name}.")
    return 0


def _learner_erase(store, args) -> int:
    """Without --yes, say what would happen and change nothing (exit 1); with it, erase,
    remove the files and say what was erased and what kept (app/caseload/erasure.py)."""
    import sys

    from app.caseload.erasure import erase_learner, erasure_preview, remove_files
    from app.cli import print_json
    from app.models import Learner

    def find(session):
        return [row.id for row in session.query(Learner).filter(
            (Learner.id == args.learner) | (Learner.uln == args.learner))]
    found = store.read(find)
    if not found:
        print(f"No learner has the ULN or id {args.learner}.", file=sys.stderr)
        return 1
    if not args.yes:
        preview = store.read(erasure_preview, found[0])
        print(f"{preview.plan()} Nothing has been changed; run again with --yes to erase.",
              file=sys.stderr)
        return 1
    result = remove_files(store, store.write_now(erase_learner, found[0]))
    if args.json:
        print_json({"learner_id": result.learner_id, "records_erased": result.records_erased,
                    "files_removed": result.files_removed,
                    "records_kept": result.records_kept, "sign_offs_kept": result.sign_offs_kept,
                    "claims_kept": result.claims_kept, "identity_kept": result.identity_kept,
                    "merged_records": [{"learner_id": other, "identity_kept": kept}
                                       for other, kept in result.merged],
                    "message": result.words()})
    else:
        print(result.words())
    return 0
