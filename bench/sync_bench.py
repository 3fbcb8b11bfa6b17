"""Benchmarks for record sync (issue 13), each beside its plainest baseline, against a real
centre server process on 127.0.0.1 (its SQLite file, or a scratch PostgreSQL database):

- push 10,000 records (5,000 learners and the audit event each one's creation leaves) from
  one laptop (target < 5 s); baseline: the same rows inserted raw into an empty centre
  database, one executemany per table;
- pull the same 10,000 records onto a second laptop of the same assessor (target < 5 s);
  baseline: the same rows inserted raw into an empty laptop database;
- a sync with nothing to do (target < 150 ms); baseline: one bare HTTP round trip;
- 50 laptops syncing at once after three days offline (200 changes each): errors (a sync
  that raised, or whose check after the pull found the laptop and the centre apart),
  p50/p95 sync time and time until every laptop agrees with the centre.

Push and pull are repeated with a new assessor and new laptops each time (`runs`), so each
run moves exactly its 10,000 records. `rows()` is what bench/run.py calls; run alone:

    .venv/bin/python bench/sync_bench.py [--records 10000] [--laptops 50] [--database-url URL]
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, insert, select  # noqa: E402

from app.caseload.learners import save_learner  # noqa: E402
from app.db.store import Store  # noqa: E402
from app.sync import state  # noqa: E402
from app.sync.engine import run_sync  # noqa: E402
from app.sync.enrolment import enrol  # noqa: E402
from app.sync.protocol import API, PROTOCOL_HEADER, PROTOCOL_VERSION  # noqa: E402
from app.sync.wire import synced_tables  # noqa: E402
from bench.timing import Row, Series  # noqa: E402
from server import staff  # noqa: E402
from tests.server.centre_process import CentreProcess, ScratchPostgres  # noqa: E402


def laptop(path: Path, template: Path) -> Store:
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


def _rows_of(store: Store) -> dict[str, list[dict]]:
    def read(session):
        return {name: [dict(r) for r in session.execute(select(t)).mappings()]
                for name, t in synced_tables().items()}
    return {k: v for k, v in store.read(read).items() if v}


def _raw_insert(url: str, rows: dict[str, list[dict]]) -> float:
    """The same rows, parents first, one executemany per table, one transaction."""
    engine = create_engine(url)
    try:
        started = time.perf_counter()
        with engine.begin() as conn:
            for name, table in synced_tables().items():
                if rows.get(name):
                    conn.execute(insert(table), rows[name])
        return time.perf_counter() - started
    finally:
        engine.dispose()


def _empty_centre_url(work: Path, base_url: str | None, cleanup: list) -> str:
    from server.database import open_centre
    if base_url:
        scratch = ScratchPostgres(base_url)
        cleanup.append(scratch.close)
        open_centre(work, scratch.url).dispose()
        return scratch.url
    open_centre(work).dispose()
    return f"sqlite:///{work / 'centre.sqlite3'}"


class Centre:
    """A centre server process on loopback, on its own SQLite file or a scratch PostgreSQL."""

    def __init__(self, work: Path, base_url: str | None):
        self.cleanup: list = []
        url = None
        if base_url:
            scratch = ScratchPostgres(base_url)
            self.cleanup.append(scratch.close)
            url = scratch.url
        self.process = CentreProcess(work / "centre", url).start()
        self.cleanup.insert(0, self.process.stop)

    def staff(self, name: str) -> str:
        return self.process.admin(staff.add_staff, name, "assessor")

    def enrol(self, store: Store, staff_id: str) -> None:
        enrol(store, self.process.url, self.process.admin(staff.new_enrol_code, staff_id))

    def close(self) -> None:
        for fn in self.cleanup:
            fn()


def _series(name: str, values: list[float]) -> Series:
    return Series(name, values)


def push_pull_noop(work: Path, template: Path, base_url: str | None, kind: str,
                   records: int, runs: int, say=print) -> list[Row]:
    centre = Centre(work / "c", base_url)
    cleanup: list = []
    try:
        push, pull, raw_push, raw_pull = [], [], [], []
        b = None
        for run in range(runs):
            person = centre.staff(f"Bench Assessor {run}")
            a = laptop(work / f"a{run}", template)
            centre.enrol(a, person)
            add_learners(a, records // 2, f"L{run}-")
            waiting = a.read(state.status).waiting
            started = time.perf_counter()
            pushed = run_sync(a)
            push.append(time.perf_counter() - started)
            assert pushed.pushed == waiting and pushed.rejected == 0, pushed
            rows = _rows_of(a)
            a.close()
            raw_push.append(_raw_insert(_empty_centre_url(work / f"raw{run}", base_url, cleanup),
                                        rows))
            if b is not None:
                b.close()
            b = laptop(work / f"b{run}", template)
            centre.enrol(b, person)
            started = time.perf_counter()
            pulled = run_sync(b)
            pull.append(time.perf_counter() - started)
            assert pulled.pulled >= records and pulled.check_ok, pulled
            empty = work / f"rawlaptop{run}"
            shutil.copytree(template, empty)
            raw_pull.append(_raw_insert(f"sqlite:///{empty / 'fieldfolio.sqlite3'}", rows))
            say(f"    {kind} run {run + 1}: push {push[-1]:.2f} s ({pushed.pushed:,} records), "
                f"pull {pull[-1]:.2f} s ({pulled.pulled:,})")
        times = []
        for _ in range(21):
            started = time.perf_counter()
            run_sync(b)
            times.append(time.perf_counter() - started)
        b.close()
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        bare = []
        with httpx.Client() as client:
            for _ in range(21):
                started = time.perf_counter()
                client.get(f"{centre.process.url}{API}/health", headers=headers)
                bare.append(time.perf_counter() - started)
    finally:
        centre.close()
        for fn in cleanup:
            fn()
    n = f"{records:,}"
    rows_out = []
    for name, target, text, measured, baseline, note in (
            (f"sync push {n} records ({kind})", 5.0, "< 5 s", push,
             _series(f"raw executemany of the same rows into an empty {kind} centre database",
                     raw_push),
             f"{records // 2:,} learners and their creation's audit events, from one laptop to a "
             f"real centre process on 127.0.0.1; {runs} runs, each a new assessor"),
            (f"sync pull {n} records ({kind})", 5.0, "< 5 s", pull,
             _series("raw executemany of the same rows into an empty laptop database", raw_pull),
             "the same records onto a second laptop of the same assessor, applied and checked"),
            (f"sync with nothing to do ({kind})", 0.150, "< 150 ms", times[1:],
             _series("one bare HTTP round trip (GET /health, kept-alive client)", bare[1:]),
             f"run_sync on a laptop holding {n} records: one GET /changes")):
        row = Row(name, target, text, note=note)
        row.measured = _series("run_sync", measured)
        row.baseline = baseline
        rows_out.append(row)
    return rows_out


def fleet(work: Path, template: Path, base_url: str | None, kind: str, laptops: int,
          changes: int) -> Row:
    """`laptops` assessors' laptops, each with `changes` records made offline, sync at once."""
    centre = Centre(work / "fleet-centre", base_url)
    stores = []
    try:
        for i in range(laptops):
            s = laptop(work / f"fleet{i}", template)
            centre.enrol(s, centre.staff(f"Assessor {i}"))
            add_learners(s, changes // 2, f"F{i}-")
            stores.append(s)
        durations, errors = [], []
        lock = threading.Lock()

        def one(s):
            started = time.perf_counter()
            try:
                outcome = run_sync(s)
                took = time.perf_counter() - started
                with lock:
                    durations.append(took)
                    if not outcome.check_ok or outcome.rejected:
                        errors.append(f"laptop apart from the centre: {outcome.as_dict()}")
            except Exception as exc:  # counted, not hidden
                with lock:
                    errors.append(repr(exc))
        started = time.perf_counter()
        threads = [threading.Thread(target=one, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        all_agree = time.perf_counter() - started
    finally:
        for s in stores:
            s.close()
        centre.close()
    p95 = statistics.quantiles(durations, n=20)[18] if len(durations) > 1 else max(durations or [0])
    row = Row(f"server, {laptops} laptops at once ({kind})", None, "0 errors",
              override="pass" if not errors else f"MISS: {len(errors)} errors")
    row.measured = _series("each laptop's run_sync", durations or [float("nan")])
    row.note = (f"{laptops} assessors' laptops, {changes} records each made offline, syncing "
                f"together (threads of one process) with a real centre process: {len(errors)} "
                f"errors; p50 {statistics.median(durations or [0]):.2f} s, p95 {p95:.2f} s; "
                f"all agree with the centre after {all_agree:.2f} s"
                + (f"; first error: {errors[0][:200]}" if errors else ""))
    return row


def rows(root: Path, quick: bool = False, database_url: str | None = None,
         say=print) -> list[Row]:
    """Every sync row for bench/run.py: SQLite always, PostgreSQL when a URL is given."""
    from app.catalogue.loader import load_bundled_packs
    work = Path(tempfile.mkdtemp(prefix="sync-", dir=root))
    template = work / "template"
    with Store(template) as s:
        s.write_now(load_bundled_packs)
    records, runs, laptops, changes = (200, 1, 3, 20) if quick else (10_000, 3, 50, 200)
    out: list[Row] = []
    try:
        for kind, url in (("SQLite", None), ("PostgreSQL", database_url)):
            if kind == "PostgreSQL" and not url:
                out.append(Row("sync rows on PostgreSQL", None, "—",
                               unmeasurable="not measured: no --database-url given"))
                continue
            out += push_pull_noop(work / kind, template, url, kind, records, runs, say)
            out.append(fleet(work / kind, template, url, kind, laptops, changes))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ff-sync-bench-"))
    try:
        for r in rows(root, args.quick, args.database_url):
            m, b = r.measured, r.baseline
            print(f"{r.name}: {r.unmeasurable or ''}"
                  + (f"median {m.median:.3f} s" if m else "")
                  + (f", baseline {b.median:.4f} s, ratio {r.ratio:.1f}x" if b else "")
                  + f" [{r.verdict}] {r.note}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
