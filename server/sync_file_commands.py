"""The centre admin's commands for sync without a network and for files:

    fieldfolio server-admin --data-dir DIR import-sync FILE
    fieldfolio server-admin --data-dir DIR export-for-device DEVICE-ID FILE
    fieldfolio server-admin --data-dir DIR awaiting-files

They need the centre's database and its file store together, and manage their own
transactions (`apply_push` is one), so they run outside the admin's single write session.
"""
from __future__ import annotations

from pathlib import Path


def register_admin(acts) -> None:
    p = acts.add_parser("import-sync", help="apply a laptop's sync file (USB stick)")
    p.add_argument("file", type=Path)
    p.set_defaults(action=None, centre_action=_import_sync)
    p = acts.add_parser("export-for-device", help="write a sync file with everything one "
                        "laptop should receive")
    p.add_argument("device_id", metavar="DEVICE-ID")
    p.add_argument("file", type=Path)
    p.set_defaults(action=None, centre_action=_export_for_device)
    p = acts.add_parser("awaiting-files", help="records whose files have not all arrived")
    p.set_defaults(action=None, centre_action=_awaiting_files)


def run_centre_action(centre, args):
    """(data, text) for --json or plain output. A refused or unwritable sync file is an
    InvalidInput, which the admin command prints as its reason and exits 1."""
    from app.caseload.validation import InvalidInput
    from app.sync_file.archive import SyncFileCancelled, SyncFileFailed, SyncFileRefused
    from server.files.wiring import centre_files
    try:
        return args.centre_action(centre, centre_files(centre), args)
    except (SyncFileRefused, SyncFileFailed, SyncFileCancelled) as exc:
        raise InvalidInput({"sync file": str(exc)}) from None


def _import_sync(centre, files, args):
    from server.sync_file import import_from_laptop
    done = import_from_laptop(centre, files, args.file)
    return done.__dict__, done.summary()


def _export_for_device(centre, files, args):
    from server.sync_file import export_for_device
    manifest = export_for_device(centre, files, args.device_id, args.file)
    entries = manifest["entries"]
    size = sum(e["size"] for e in entries)
    text = (f"Wrote {args.file} for laptop {args.device_id}: {len(entries) - 1} file(s), "
            f"{size / 1024 / 1024:.1f} MB, encrypted so that only that laptop can read it.")
    return {"file": str(args.file), "entries": len(entries), "bytes": size}, text


def _awaiting_files(centre, files, args):
    from server.files.awaiting import records_awaiting_files
    rows = records_awaiting_files(centre, files)
    lines = [f"{r['portfolio_ref']}  {r['learner']}  {r['missing']} of {r['files']} file(s) "
             f"not yet at the centre" for r in rows]
    return rows, "\n".join(lines) or "Every record's files are at the centre."


