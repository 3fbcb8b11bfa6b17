"""`fieldfolio export-sync FILE` and `fieldfolio import-sync FILE`: sync by USB stick for a
laptop that never goes online, through the same code as the window's "Export for sync…" and
"Import from centre…". Exit 0 done, 1 refused or failed (the reason on stderr)."""
from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("export-sync", help="write this laptop's changes and files into a sync "
                       "file for the centre (USB stick)")
    p.add_argument("file", type=Path)
    p.set_defaults(run=run_export)
    p = sub.add_parser("import-sync", help="apply a sync file the centre wrote for this laptop")
    p.add_argument("file", type=Path)
    p.set_defaults(run=run_import)


def run_export(store, args) -> int:
    from app.sync import state
    from app.sync_file.archive import SyncFileCancelled, SyncFileFailed, SyncFileRefused
    from app.sync_file.laptop import export_for_centre
    try:
        done = export_for_centre(store, args.file)
    except (state.NotEnrolled, SyncFileFailed, SyncFileRefused, SyncFileCancelled) as exc:
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 1
    print(done.summary(args.file))
    return 0


def run_import(store, args) -> int:
    from app.sync import state
    from app.sync_file.archive import SyncFileRefused
    from app.sync_file.laptop import import_from_centre
    try:
        done = import_from_centre(store, args.file)
    except (state.NotEnrolled, SyncFileRefused) as exc:
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 1
    print(done.summary())
    return 0
