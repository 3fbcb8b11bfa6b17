"""`fieldfolio enrol URL CODE` and `fieldfolio sync [--json]`: the window's Connect to
centre… and Sync now, for scripts and support.

`sync` exits 0 when synced, 1 when it failed (the reason on stderr), 3 when it synced
but something needs the assessor's attention (a refused change or a conflict), and 4 when
the centre had revoked this laptop and, having confirmed it holds everything the laptop had,
the caseload was wiped (app/sync/revoked.py; the sentence on stderr says so).
"""
from __future__ import annotations

import sys

from app.sync import state
from app.sync.client import CentreRefused, CentreUnreachable

NEEDS_ATTENTION = 3
WIPED = 4


def register(sub) -> None:
    p = sub.add_parser("enrol", help="connect this laptop to the centre with a one-time code")
    p.add_argument("url", help="the centre server's address, e.g. https://sync.example.ac.uk")
    p.add_argument("code", help="the one-time code from the centre's admin")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_enrol)
    p = sub.add_parser("sync", help="send this laptop's changes to the centre and fetch theirs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run_sync_command)


def run_enrol(store, args) -> int:
    from app.cli import print_json
    from app.sync.enrolment import enrol
    try:
        answer = enrol(store, args.url, args.code)
    except (CentreRefused, CentreUnreachable) as exc:
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 1
    staff = answer["staff"]
    if args.json:
        print_json({"centre": answer["centre"]["name"], "staff": staff,
                    "device_id": store.device_id})
    else:
        waiting = store.read(state.status).waiting
        print(f"Connected to {answer['centre']['name']} as {staff['name']} ({staff['role']}). "
              f"{waiting} change(s) here will go to the centre at the next sync.")
    return 0


def run_sync_command(store, args) -> int:
    from app.cli import print_json
    from app.sync.engine import run_sync
    from app.sync.revoked import LaptopRevoked, wipe_after_hand_in
    try:
        outcome = run_sync(store)
    except LaptopRevoked as exc:
        wiped, sentence = wipe_after_hand_in(store, exc)
        if args.json:
            print_json({"synced": False, "error": exc.error, "wiped": wiped,
                        "pushed": exc.pushed, "message": sentence})
        print(f"fieldfolio: {sentence}", file=sys.stderr)
        return WIPED if wiped else 1
    except (state.NotEnrolled, CentreRefused, CentreUnreachable) as exc:
        if args.json:
            print_json({"synced": False, "error": getattr(exc, "error", type(exc).__name__),
                        "message": str(exc)})
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 1
    status = store.read(state.status)
    if args.json:
        print_json({"synced": True, **outcome.as_dict(), "waiting": status.waiting})
    else:
        packs = "".join(f" {n} qualification pack(s) {how}." for n, how in (
            (outcome.packs_sent, "sent"), (outcome.packs_fetched, "received")) if n)
        print(f"Synced with {status.centre_name}: {outcome.pushed} change(s) sent, "
              f"{outcome.pulled} received." + packs + (
                  f" {status.attention} item(s) need attention." if status.attention else ""))
    return NEEDS_ATTENTION if status.attention or not outcome.check_ok else 0
