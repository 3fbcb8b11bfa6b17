"""Fieldfolio's benchmarks: one command, one table (the README's `python3 tools/dev.py bench`).

Every figure is the median of repeated runs with min, max and peak memory, beside a
baseline measured in the same run (raw sqlite3, a bare window, a file copy, plain ReportLab
pages), and a pass/fail against the target of the issue that owns it. Results go to
bench/results/latest.json plus a dated copy; `--compare FILE` shows the change against an
earlier run (the ratio to the baseline is the figure to trust across machines).

    .venv/bin/python bench/run.py                  # the full run (~5 min on 2 cores, cold cache ~2 min more)
    .venv/bin/python bench/run.py --quick          # smoke run: fewer runs, smaller files
    .venv/bin/python bench/run.py --compare bench/results/2026-11-24T1530.json
    .venv/bin/python bench/run.py --learners 300 --only "start-up and idle memory" \
        --only "open learner" --only "caseload list"      # issue 15's IQA laptop
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt Multimedia's notes about missing audio libraries would break up the progress lines.
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")

from bench import cases, encryption, file_transfer, sync_bench, sync_file_bench  # noqa: E402
from bench.generate import DEFAULT_CACHE, Size, generate  # noqa: E402
from bench.timing import Row  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MB = 1024 * 1024


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "bytes":
        return f"{value / MB:.0f} MB"
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    if value < 10:
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.1f} s"


def table_rows(rows: list[Row]) -> list[list[str]]:
    out = []
    for r in rows:
        m, b = r.measured, r.baseline
        peak = f"{r.peak_bytes / MB:.1f} MB {r.peak_kind}" if r.peak_bytes is not None else "—"
        if r.unmeasurable:
            out.append([r.name, r.target_text, "—", "—", "—", "—", "—", "—", r.unmeasurable])
            continue
        out.append([
            r.name, r.target_text,
            fmt_value(m.median if m else None, r.unit),
            fmt_value(min(m.values) if m else None, r.unit),
            fmt_value(max(m.values) if m else None, r.unit),
            fmt_value(b.median if b else None, r.unit),
            f"{r.ratio:.1f}×" if r.ratio is not None else "—",
            peak, r.verdict])
    return out


HEADERS = ["benchmark", "target", "median", "min", "max", "baseline median", "ratio",
           "peak memory", "result"]


def print_table(rows: list[Row]) -> None:
    body = table_rows(rows)
    widths = [max(len(h), *(len(line[i]) for line in body)) for i, h in enumerate(HEADERS)]
    print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)))
    print("  ".join("-" * w for w in widths))
    for line in body:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)))
    print()
    print("Baselines:")
    for r in rows:
        if r.baseline:
            print(f"  {r.name}: {r.baseline.name}")
    print("Notes:")
    for r in rows:
        if r.note:
            print(f"  {r.name}: {r.note}")


def machine_load() -> float | None:
    """The one-minute load average (None where the system has none, e.g. Windows). Written
    beside each run because a ratio taken while other work shares the cores is not
    comparable: the resumable upload's SHA-256 needs the second core that a busy machine
    takes, so a run under a test suite's load reads as a miss that a quiet run passes."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def load_words(meta: dict) -> str:
    """", load 0.4 at start and 0.9 at the end" for the table's heading ("" if unknown);
    a load above the number of cores says the machine was busy."""
    start, end = meta.get("load_at_start"), meta.get("load_at_end")
    if start is None or end is None:
        return ""
    busy = max(start, end) > meta["cpus"]
    return f", load {start} at start and {end} at the end" + (
        " (busy: other work shared the cores; compare ratios from quiet runs)" if busy else "")


def markdown(rows: list[Row], meta: dict) -> str:
    lines = [f"Taken {meta['taken']} on {meta['machine']} "
             f"({meta['cpus']} CPUs, Python {meta['python']}{load_words(meta)}), caseload of "
             f"{meta['size']['learners']} learners × {meta['size']['records']} records × "
             f"{meta['size']['mappings']} mappings; {meta['fast_runs']} runs per fast benchmark, "
             f"{meta['slow_runs']} per slow one; whole run {meta['seconds']:.0f} s.", "",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for line in table_rows(rows):
        lines.append("| " + " | ".join(c.replace("|", "/") for c in line) + " |")
    lines += ["", "Baselines (same run, same machine):", ""]
    lines += [f"- **{r.name}**: {r.baseline.name}" for r in rows if r.baseline]
    lines += ["", "Notes:", ""]
    lines += [f"- **{r.name}**: {r.note}" for r in rows if r.note]
    return "\n".join(lines) + "\n"


def compare(now: dict, earlier: dict, earlier_path: Path) -> None:
    before = {r["name"]: r for r in earlier["rows"]}
    print(f"Change against {earlier_path} (taken {earlier.get('taken', '?')}):")
    print(f"  {'benchmark':40} {'then':>10} {'now':>10} {'change':>8}   {'ratio then':>10} {'ratio now':>10}")
    for r in now["rows"]:
        old = before.get(r["name"])
        if not old or not old.get("measured") or not r.get("measured"):
            continue
        unit = r.get("unit", "s")
        a, b = old["measured"]["median"], r["measured"]["median"]
        change = (b - a) / a * 100 if a else 0.0
        ratio_then = f"{old['ratio']:.1f}×" if old.get("ratio") else "—"
        ratio_now = f"{r['ratio']:.1f}×" if r.get("ratio") else "—"
        flag = "  slower" if change > 20 else ("  faster" if change < -20 else "")
        print(f"  {r['name'][:40]:40} {fmt_value(a, unit):>10} {fmt_value(b, unit):>10} "
              f"{change:+7.0f}%   {ratio_then:>10} {ratio_now:>10}{flag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2-3 runs each, small files, small claim pack")
    parser.add_argument("--runs", type=int, help="runs per benchmark (overrides the defaults)")
    parser.add_argument("--learners", type=int, default=Size.learners)
    parser.add_argument("--records", type=int, default=Size.records)
    parser.add_argument("--mappings", type=int, default=Size.mappings)
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--compare", type=Path, metavar="FILE",
                        help="an earlier results JSON to show the change against")
    parser.add_argument("--database-url", metavar="URL",
                        help="a PostgreSQL server for the centre's sync rows (a scratch "
                             "database is made on it per run), e.g. "
                             "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", action="append", metavar="STEP",
                        help="run only these steps (repeatable), e.g. --only sync; the "
                             "table then holds only their rows")
    args = parser.parse_args(argv)
    # Read first: the run may overwrite the very file named (latest.json).
    earlier = json.loads(args.compare.read_text()) if args.compare else None
    started = time.perf_counter()
    load_at_start = machine_load()
    fast_runs = args.runs or (3 if args.quick else 20)
    slow_runs = args.runs or (2 if args.quick else 5)

    size = Size(args.learners, args.records, args.mappings)
    print(f"Caseload {size.key}: generating or reusing the cached one …", flush=True)
    cached = generate(size, args.cache_dir)
    manifest = json.loads((cached / "manifest.json").read_text())

    from app.db.store import Store
    scratch = Path(tempfile.mkdtemp(prefix="fieldfolio-bench-"))
    try:
        data_dir = scratch / "data"
        shutil.copytree(cached / "data", data_dir)
        store = Store(data_dir).open()
        ws = cases.Workspace(scratch, data_dir, cached / "data" / "fieldfolio.sqlite3", manifest,
                             store, fast_runs, slow_runs, args.quick)
        rows: list[Row] = []
        steps = [
            ("start-up and idle memory", lambda: cases.startup_and_memory(ws)),
            ("open learner", lambda: [cases.open_learner_window(ws), cases.open_learner_data(ws)]),
            ("save record", lambda: [cases.save_record(ws)]),
            ("caseload list", lambda: cases.caseload_list(ws)),
            ("AC search", lambda: [cases.ac_search(ws)]),
            ("claim pack", lambda: [cases.claim_pack(ws)]),
            ("attachment import", lambda: [cases.attachment_import(ws)]),
            ("migration from 0001", lambda: [cases.migration(ws, "0001")]),
            ("migration from 0002", lambda: [cases.migration(ws, "0002")]),
            ("file upload and resume", lambda: file_transfer.rows(ws.root, ws.slow_runs, ws.quick)),
            ("sync file", lambda: sync_file_bench.sync_file_rows(ws.root, ws.pristine_db.parent)),
            ("encryption", lambda: encryption.rows(ws.fast_runs, 5 if ws.quick else 50,
                                                   ws.slow_runs)),
            ("sync", lambda: sync_bench.rows(ws.root, ws.quick, args.database_url,
                                             say=lambda text: print(text, flush=True))),
        ]
        if args.only:
            unknown = set(args.only) - {label for label, _ in steps}
            if unknown:
                parser.error(f"no such step: {', '.join(sorted(unknown))}")
            steps = [(label, step) for label, step in steps if label in args.only]
        for label, step in steps:
            t = time.perf_counter()
            print(f"  {label} …", end="", flush=True)
            rows += step()
            print(f" {time.perf_counter() - t:.0f} s", flush=True)
        store.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    seconds = time.perf_counter() - started
    meta = {"taken": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": f"{platform.system()} {platform.machine()}", "cpus": os.cpu_count(),
            "python": platform.python_version(), "size": manifest["size"],
            "quick": args.quick, "fast_runs": fast_runs, "slow_runs": slow_runs,
            "seconds": seconds, "only": args.only or [],
            "load_at_start": load_at_start, "load_at_end": machine_load()}
    print()
    print_table(rows)
    print(f"\nWhole run: {seconds:.0f} s{load_words(meta)}")
    result = {**meta, "rows": [r.to_json() for r in rows]}
    args.results_dir.mkdir(parents=True, exist_ok=True)
    # A partial run keeps its own files: it must not stand in for the whole table.
    part = "-" + "-".join(a.replace(" ", "_") for a in args.only) if args.only else ""
    # So does another caseload size (an IQA's 300 learners): the table is of 60 learners.
    part += "" if args.quick or size == Size() else f"-l{size.learners}"
    stem = ("latest-quick" if args.quick else "latest") + part
    for name in ([f"{stem}.json"] if args.quick else
                 [f"{stem}.json", datetime.now().strftime("%Y-%m-%dT%H%M") + part + ".json"]):
        tmp = args.results_dir / (name + ".tmp")
        tmp.write_text(json.dumps(result, indent=1))
        tmp.replace(args.results_dir / name)
    (args.results_dir / f"{stem}.md").write_text(markdown(rows, meta))
    print(f"Results: {args.results_dir / (stem + '.json')}")
    if args.compare:
        print()
        compare(result, earlier, args.compare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
