"""What encryption at rest costs, as ratios to the same work on an unencrypted copy of the
same data folder, measured in the same run and interleaved (plain, encrypted, plain, ...) so
a busy machine slows both alike. Targets (issue 17): opening a learner, saving a record with
10 mappings and start-up at most 1.3x; attachment import at most 1.5x. Part of bench/run.py's
table (step "encryption": the encrypted run is the measured figure, the plain one its
baseline, and the verdict is the ratio against the target); on its own:

    .venv/bin/python bench/encryption.py [--runs 15] [--mb 50]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.pop("FIELDFOLIO_PASSPHRASE", None)

from bench.cases import _big_file, _probe, _save_observation, _ten_criteria, learner_page_data  # noqa: E402

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"open learner (page data)": 1.3, "save record with 10 mappings": 1.3,
           "start-up to usable main window": 1.3, "attachment import": 1.5,
           # No target: the same open straight after a save, when SQLite has dropped its page
           # cache and every page read is decrypted again (the worst case, shown for honesty).
           "open learner just after a save": None}


def build(root: Path) -> tuple[Path, Path]:
    from app.caseload.demo import load_demo_caseload
    from app.catalogue.loader import load_bundled_packs
    from app.db.store import Store
    from app.safekeeping.convert import encrypt_data_folder
    plain = root / "plain"
    with Store(plain) as store:
        store.write_now(load_bundled_packs)
        store.write_now(load_demo_caseload)
    encrypted = root / "encrypted"
    shutil.copytree(plain, encrypted)
    encrypt_data_folder(encrypted, PASSPHRASE)
    return plain, encrypted


def first_learner(store) -> tuple[str, str]:
    from sqlalchemy import select
    from app.models import Enrolment
    row = store.read(lambda s: s.execute(select(Enrolment.learner_id, Enrolment.id)
                                         .order_by(Enrolment.id)).first())
    return row[0], row[1]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(runs: int, mb: int, slow_runs: int | None = None) -> dict[str, dict[str, list[float]]]:
    """Seconds per run, by benchmark and by mode ("plain", "encrypted"); the attachment
    import and start-up run `slow_runs` times (default a fifth as often, at least 3)."""
    slow = slow_runs or max(3, runs // 5)
    from app.db.store import Store
    from app.evidence.attachments import attach_file
    times: dict[str, dict[str, list[float]]] = {name: {"plain": [], "encrypted": []}
                                               for name in TARGETS}
    with tempfile.TemporaryDirectory(prefix="ff-bench-enc-") as scratch:
        root = Path(scratch)
        folders = dict(zip(("plain", "encrypted"), build(root)))
        video = root / "discussion.mp4"
        _big_file(video, mb)
        stores = {"plain": Store(folders["plain"]).open(),
                  "encrypted": Store(folders["encrypted"], passphrase=PASSPHRASE).open()}
        try:
            learner, enrolment = first_learner(stores["plain"])
            criteria = stores["plain"].read(_ten_criteria, enrolment, "Obs")
            record = {m: s.write_now(_save_observation, enrolment, criteria)
                      for m, s in stores.items()}
            for _ in range(runs):    # as bench/cases.py: opens one after another
                for mode, store in stores.items():
                    times["open learner (page data)"][mode].append(
                        timed(lambda: store.read(learner_page_data, learner)))
            for _ in range(runs):
                for mode, store in stores.items():
                    times["save record with 10 mappings"][mode].append(
                        timed(lambda: store.write_now(_save_observation, enrolment, criteria)))
                    times["open learner just after a save"][mode].append(
                        timed(lambda: store.read(learner_page_data, learner)))
            for _ in range(slow):
                for mode, store in stores.items():
                    for path in store.attachments.folder.glob("??/*"):
                        path.unlink()
                    times["attachment import"][mode].append(
                        timed(lambda: attach_file(store, record[mode], video)))
        finally:
            for store in stores.values():
                store.close()
        learners = 12
        for _ in range(slow):
            for mode, folder in folders.items():
                if mode == "encrypted":
                    os.environ["FIELDFOLIO_PASSPHRASE"] = PASSPHRASE
                try:
                    times["start-up to usable main window"][mode].append(
                        _probe(["app", str(folder), str(learners)])["seconds"])
                finally:
                    os.environ.pop("FIELDFOLIO_PASSPHRASE", None)
    return times


def label(name: str, mb: int) -> str:
    return f"{name} ({mb} MB)" if name == "attachment import" else name


def rows(runs: int = 15, mb: int = 50, slow_runs: int | None = None) -> list:
    """bench/run.py's rows: encrypted measured, plain as the baseline, judged by the ratio.
    On the demo caseload (12 learners), not the generated one of the other rows."""
    from bench.timing import Row, Series
    times = measure(runs, mb, slow_runs)
    out = []
    for name, target in TARGETS.items():
        enc = Series(f"encrypted {name}", times[name]["encrypted"])
        plain = Series(f"plain {name}", times[name]["plain"])
        ratio = enc.median / plain.median
        verdict = "—" if target is None else ("pass" if ratio <= target else "MISS")
        out.append(Row(f"encrypted: {label(name, mb)}",
                       None, f"≤ {target}× plain" if target else "(no target)",
                       measured=enc, baseline=plain, override=verdict,
                       note="demo caseload; baseline: the same on an unencrypted copy of it, "
                            "run interleaved with the encrypted one"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--mb", type=int, default=50)
    args = parser.parse_args()
    times = measure(args.runs, args.mb)
    print("| benchmark | plain median | encrypted median | ratio | target | result |")
    print("|---|---|---|---|---|---|")
    failed = False
    for name, target in TARGETS.items():
        plain = statistics.median(times[name]["plain"])
        enc = statistics.median(times[name]["encrypted"])
        ratio = enc / plain
        ok = target is None or ratio <= target
        failed |= not ok
        print(f"| {label(name, args.mb)} | {plain * 1000:.1f} ms | {enc * 1000:.1f} ms | {ratio:.2f}x | "
              f"{f'<= {target}x' if target else '(none)'} | "
              f"{'pass' if ok and target else 'FAIL' if not ok else '-'} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
