"""`fieldfolio server` (run the centre) and `fieldfolio server-admin` (its admin's commands),
run on the server's machine against its data folder or PostgreSQL URL.

Neither opens a laptop's data folder: they set `needs_store=False`, which app/cli.py
honours. FastAPI and uvicorn are imported only when the server starts, so the laptop's
command line works without the server's extra installed.
"""
from __future__ import annotations

import argparse
import json
import sys

from app.caseload.validation import InvalidInput


def _centre_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", required=True,
                        help="the server's data folder (its SQLite database by default)")
    parser.add_argument("--database-url", default=None,
                        help="postgresql+psycopg://user@host/db for a PostgreSQL centre")


def register(sub) -> None:
    serve = sub.add_parser("server", help="run the centre server (sync for enrolled laptops)")
    _centre_arguments(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--keep-partial-uploads", type=float, default=None, metavar="DAYS",
                       help="remove a file upload left unfinished this many days without a "
                            "byte arriving (default 14); the laptop sends it again if it "
                            "comes back")
    serve.set_defaults(run=run_server, needs_store=False)

    admin = sub.add_parser("server-admin", help="the centre's admin: staff, learners, laptops")
    _centre_arguments(admin)
    admin.add_argument("--json", action="store_true", help="print JSON")
    acts = admin.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    p = acts.add_parser("add-staff", help="add an assessor, IQA or admin; prints their id")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=["assessor", "trainee_assessor", "iqa",
                                                     "admin"])
    p.set_defaults(action=_add_staff)
    p = acts.add_parser("assign", help="give a learner (by ULN) an assessor and/or IQA")
    p.add_argument("uln")
    p.add_argument("--assessor", default=None, metavar="STAFF-ID")
    p.add_argument("--iqa", default=None, metavar="STAFF-ID")
    p.set_defaults(action=_assign)
    p = acts.add_parser("enrol-code", help="a one-time code to enrol a laptop (3 days)")
    p.add_argument("staff_id", metavar="STAFF-ID")
    p.set_defaults(action=_enrol_code)
    p = acts.add_parser("staff", help="the centre's staff with their ids and laptops")
    p.set_defaults(action=_staff)
    p = acts.add_parser("devices", help="enrolled laptops")
    p.set_defaults(action=_devices)
    p = acts.add_parser("revoke", help="refuse a laptop any more data")
    p.add_argument("device_id", metavar="DEVICE-ID")
    p.set_defaults(action=_revoke)
    p = acts.add_parser("lock-minutes", help="lock every laptop after N idle minutes (wins "
                                             "over each laptop's own; --clear hands it back)")
    p.add_argument("minutes", type=int, nargs="?", default=None)
    p.add_argument("--clear", action="store_true")
    p.set_defaults(action=_lock_minutes)
    p = acts.add_parser("audit", help="the centre's audit: revocations, what revoked laptops "
                                      "sent afterwards, the wipes it confirmed")
    p.add_argument("--device", default=None, metavar="DEVICE-ID")
    p.set_defaults(action=_audit)
    p = acts.add_parser("import-pack", help="add a qualification pack file to the centre's "
                                            "catalogue; every laptop loads it at its next sync")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(action=_import_pack)
    p = acts.add_parser("awaiting-signatures", help="records marked signed whose signature "
                                                    "has not reached the centre")
    p.set_defaults(action=_awaiting_signatures)
    p = acts.add_parser("centre-name", help="the name laptops show as 'connected to …'")
    p.add_argument("name")
    p.set_defaults(action=_centre_name)
    from server.sync_file_commands import register_admin  # import-sync, export-for-device, …
    register_admin(acts)
    # `add-staff … --json` as well as `--json add-staff …`: the issue and an admin's habit
    # put it last, and argparse refused it there as an unknown argument.
    for action in acts.choices.values():
        action.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                            help="print JSON")
    admin.set_defaults(run=run_admin, needs_store=False)


def _open(args):
    from server.database import open_centre
    return open_centre(args.data_dir, args.database_url)


def run_server(_store, args) -> int:
    import uvicorn

    from server.app import configure_logging, create_app
    configure_logging()
    centre = _open(args)
    print(f"Fieldfolio centre server on http://{args.host}:{args.port} "
          f"({centre.dialect}, data in {centre.data_dir})", flush=True)
    keep = args.keep_partial_uploads
    if keep is not None and keep <= 0:
        raise SystemExit("--keep-partial-uploads must be a number of days above 0")
    app = create_app(centre, None if keep is None else keep * 24 * 3600)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def run_admin(_store, args) -> int:
    centre = _open(args)
    try:
        if getattr(args, "centre_action", None):  # they run their own transactions
            from server.sync_file_commands import run_centre_action
            result = run_centre_action(centre, args)
        else:
            with centre.writing() as session:
                result = args.action(session, args)
    except InvalidInput as exc:
        # Each problem is a sentence; its key ("sync file", "uln") is the program's, not words.
        for message in exc.problems.values():
            print(f"fieldfolio: {message}", file=sys.stderr)
        return 1
    finally:
        centre.dispose()
    data, text = result
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(text)
    return 0


def _add_staff(session, args):
    from server.staff import add_staff
    staff_id = add_staff(session, args.name, args.role)
    return {"id": staff_id}, staff_id


def _assign(session, args):
    from server.staff import assign
    if not (args.assessor or args.iqa):
        raise InvalidInput({"assign": "Give --assessor STAFF-ID, --iqa STAFF-ID or both."})
    learner_id = assign(session, args.uln, args.assessor, args.iqa)
    return {"id": learner_id}, f"Learner {args.uln} ({learner_id}) assigned."


def _enrol_code(session, args):
    from server.staff import new_enrol_code
    code = new_enrol_code(session, args.staff_id)
    return {"code": code}, code


def _staff(session, args):
    from server.staff import staff_list
    rows = staff_list(session)
    lines = [f"{r['id']}  {r['name']} ({r['role']})  {r['laptops']} laptop(s)" for r in rows]
    return rows, "\n".join(lines) or "No staff yet: add them with add-staff."


def _devices(session, args):
    from server.staff import devices
    rows = devices(session)
    lines = [f"{d['id']}  {d['laptop']}, {d['role']}  "
             f"last sync {d['last_sync_at'] or 'never'}"
             + (f"  REVOKED {d['revoked_at']}" if d["revoked_at"] else "") for d in rows]
    return rows, "\n".join(lines) or "No laptops enrolled yet."


def _revoke(session, args):
    from server.staff import revoke
    revoke(session, args.device_id)
    return {"id": args.device_id, "revoked": True}, f"Device {args.device_id} revoked."


def _lock_minutes(session, args):
    from server.centre_settings import LOCK_MINUTES, centre_settings, set_lock_minutes
    if args.clear or args.minutes is not None:
        if args.clear == (args.minutes is not None):
            raise InvalidInput({"lock-minutes": "Give a number of minutes, or --clear."})
        set_lock_minutes(session, None if args.clear else args.minutes)
    minutes = centre_settings(session)[LOCK_MINUTES]
    text = (f"Laptops lock after {minutes} idle minute{'s' if minutes != 1 else ''} (from "
            f"their next sync)." if minutes else
            "The centre sets no lock minutes: each laptop uses its own (5 unless changed).")
    return {"lock_idle_minutes": minutes}, text


def _audit(session, args):
    from server.audit import audit
    rows = audit(session, args.device)
    lines = []
    for row in rows:
        what = {"device_revoked": "revoked",
                "pushed_after_revocation": f"pushed after revocation: {row.get('table')} "
                                           f"{row.get('record_id')} ({row.get('status')})",
                "wipe_confirmed": f"wipe confirmed (changes up to {row.get('last_seq')}, "
                                  f"{row.get('files')} file(s) held)"}.get(row["kind"], row["kind"])
        lines.append(f"{row['at']}  {row['device_id']}  {what}")
    return rows, "\n".join(lines) or "Nothing in the centre's audit yet."


def _import_pack(session, args):
    """Checked as a laptop's import checks it; refused, with the line of each problem, when
    invalid or when its id and version name a different pack already in the catalogue."""
    from app.catalogue.importer import PackImportError, prepare_pack
    from server.packs import add_pack
    try:
        result = add_pack(session, prepare_pack(args.file))
    except PackImportError as exc:
        raise InvalidInput({"import-pack": str(exc)}) from None
    text = result.message() + (" Every laptop loads it at its next sync." if result.new else "")
    return ({"pack_id": result.pack_id, "new": result.new,
             "qualifications": [{"id": q, "title": t} for q, t in result.qualifications]},
            "\n".join([text] + [f"{q}  {t}" for q, t in result.qualifications]))


def _awaiting_signatures(session, args):
    from server.awaiting_signature import admin_line, records_awaiting_signature
    rows = records_awaiting_signature(session)
    return rows, "\n".join(admin_line(r) for r in rows) or \
        "No record is awaiting its signature at the centre."


def _centre_name(session, args):
    from server.models import ServerSetting
    row = session.get(ServerSetting, "centre_name")
    if row is None:
        session.add(ServerSetting(key="centre_name", value=args.name.strip()))
    else:
        row.value = args.name.strip()
    return {"name": args.name.strip()}, f"Centre name set to {args.name.strip()}."
