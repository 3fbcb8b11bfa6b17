"""Benchmarks for record sync (issue 13), each beside its plainest baseline, against a real
centre server process on 127.0.0.1 (SQLite, or PostgreSQL with --database-url):

- push 10,000 records from one laptop (target < 5 s); baseline: raw inserts of the same
  rows into the centre's database, one executemany per table;
- pull the same 10,000 records onto a second laptop of the same assessor (target < 5 s);
- a sync with nothing to do (target < 150 ms); baseline: one bare HTTP round trip;
- 50 laptops syncing at once after three days offline (about 200 changes each): errors,
  p50/p95 sync time and time until every laptop agrees with the centre.

    .venv/bin/python bench/sync_bench.py [--records 10000] [--laptops 50] [--database-url URL]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from app.caseload.learners import save_learner  # noqa: E402
from app.db.store import Store  # noqa: E402
from app.sync.engine import run_sync  # noqa: E402
from app.sync.enrolment import enrol  # noqa: E402
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION  # noqa: E402
from app.sync.wire import decode, encode, synced_tables  # noqa: E402
from server import staff  # noqa: E402
from tests.server.centre_process import CentreProcess  # noqa: E402


def laptop(path: Path, template: Path) -> Store:
    import sqlite3
    shutil.copytree(template, path)
    con = sqlite3.connect(path / "fieldfolio.sqlite3")
    con.execute("UPDATE device SET id = ?", (str(uuid.uuid4()),))
    con.commit()
    con.close()
    return Store(path).open()


def add_learners(store: Store, n: int, tag: str) -> None:
    def many(session):
        for i in range(n):
            save_learner(session, None, {"given_names": f"{tag}{i}", "family_name": "Bench",
                                         "notes": "three days of visits " * 3})
    store.write_now(many)


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--laptops", type=int, default=50)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ff-sync-bench-"))
    from app.catalogue.loader import load_bundled_packs
    template = work / "template"
    with Store(template) as s:
        s.write_now(load_bundled_packs)
    centre = CentreProcess(work / "centre", args.database_url).start()
    rows: list[tuple] = []
    try:
        sam = centre.admin(staff.add_staff, "Bench Assessor", "assessor")
        a = laptop(work / "a", template)
        enrol(a, centre.url, centre.admin(staff.new_enrol_code, sam))
        add_learners(a, args.records - 1, "L")  # + the device key = records
        waiting = a.read(lambda s: __import__("app.sync.state", fromlist=["status"]).status(s).waiting)
        t = time.perf_counter()
        pushed = run_sync(a)
        push_time = time.perf_counter() - t
        assert pushed.pushed == waiting, pushed

        # baseline: the same rows inserted raw into a fresh centre database
        rows_by_table = {}
        for name, table in synced_tables().items():
            got = a.read(lambda s, t=table: [encode(t, r) for r in s.execute(select(t)).mappings()])
            if got:
                rows_by_table[name] = [decode(table, r) for r in got]
        from server.database import open_centre
        raw = open_centre(work / "raw-centre") if not args.database_url else None
        if raw is not None:
            t = time.perf_counter()
            with raw.writing() as session:
                for name, values in rows_by_table.items():
                    session.execute(insert(synced_tables()[name]), values)
            raw_time = time.perf_counter() - t
            raw.dispose()
        else:
            raw_time = float("nan")
        rows.append(("push 10,000 records", "< 5 s", push_time, raw_time, "raw inserts"))

        b = laptop(work / "b", template)
        enrol(b, centre.url, centre.admin(staff.new_enrol_code, sam))
        t = time.perf_counter()
        pulled = run_sync(b)
        pull_time = time.perf_counter() - t
        rows.append(("pull 10,000 records", "< 5 s", pull_time, raw_time, "raw inserts"))
        assert pulled.pulled >= args.records - 1, pulled

        times = []
        for _ in range(10):
            t = time.perf_counter()
            run_sync(b)
            times.append(time.perf_counter() - t)
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        bare = []
        with httpx.Client() as client:
            for _ in range(10):
                t = time.perf_counter()
                client.get(f"{centre.url}{API}/health", headers=headers)
                bare.append(time.perf_counter() - t)
        rows.append(("sync with nothing to do", "< 150 ms", statistics.median(times),
                     statistics.median(bare), "one HTTP round trip"))
        a.close()
        b.close()

        # 50 laptops, three days offline each
        fleet = []
        for i in range(args.laptops):
            s = laptop(work / f"fleet{i}", template)
            person = centre.admin(staff.add_staff, f"Assessor {i}", "assessor")
            enrol(s, centre.url, centre.admin(staff.new_enrol_code, person))
            add_learners(s, args.changes, f"F{i}-")
            fleet.append(s)
        durations, errors = [], []

        def one(s):
            t = time.perf_counter()
            try:
                run_sync(s)
                durations.append(time.perf_counter() - t)
            except Exception as exc:  # counted, not hidden
                errors.append(repr(exc))
        t = time.perf_counter()
        threads = [threading.Thread(target=one, args=(s,)) for s in fleet]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        all_agree = time.perf_counter() - t
        for s in fleet:
            s.close()
        qs = statistics.quantiles(durations, n=20) if len(durations) > 1 else durations * 19
        fleet_row = (f"{args.laptops} laptops at once, {args.changes} changes each",
                     f"0 errors: {len(errors)}", qs[9], qs[18], all_agree)
    finally:
        centre.stop()
        shutil.rmtree(work, ignore_errors=True)
    kind = "PostgreSQL" if args.database_url else "SQLite"
    print(f"| benchmark ({kind} centre) | target | median | baseline | ratio |")
    print("|---|---|---|---|---|")
    for name, target, value, base, base_name in rows:
        print(f"| {name} | {target} | {fmt(value)} | {fmt(base)} ({base_name}) | "
              f"{value / base:.1f}× |")
    name, err, p50, p95, agree = fleet_row
    print(f"| {name} | {err} | p50 {fmt(p50)}, p95 {fmt(p95)} | all agree after {fmt(agree)} | — |")
    if errors:
        print("errors:", errors[:3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
