"""Repeated timing with its baseline beside it, and one result row per benchmark.

A figure alone says little on a noisy 2-core laptop; the same work done the plainest way
(raw sqlite3, a bare window, a file copy) in the same run gives a ratio that holds when the
machine is busy. Peak memory is taken in one extra run, not in the timed ones, because
tracemalloc slows Python down by a large factor.
"""
from __future__ import annotations

import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass
from typing import Callable


@dataclass
class Series:
    """Seconds per run (or bytes, for memory rows)."""
    name: str
    values: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def summary(self) -> dict:
        return {"name": self.name, "median": self.median, "min": min(self.values),
                "max": max(self.values), "runs": len(self.values), "values": self.values}


@dataclass
class Row:
    name: str
    target: float | None          # seconds, or bytes when unit == "bytes"
    target_text: str
    unit: str = "s"               # "s" or "bytes"
    measured: Series | None = None
    baseline: Series | None = None
    peak_bytes: int | None = None
    peak_kind: str = ""           # "heap" (tracemalloc) or "RSS" (the process's max resident set)
    note: str = ""
    unmeasurable: str = ""        # why there is no figure, e.g. "no sync server yet"
    override: str = ""            # the result when it is not a time against a target ("0 errors")

    @property
    def ratio(self) -> float | None:
        if self.measured and self.baseline and self.baseline.median > 0:
            return self.measured.median / self.baseline.median
        return None

    @property
    def verdict(self) -> str:
        if self.unmeasurable:
            return "not measurable"
        if self.override:
            return self.override
        if self.measured is None:
            return "—"
        if self.target is None:
            return "—"
        return "pass" if self.measured.median < self.target else "MISS"

    def to_json(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k not in ("measured", "baseline")}
        out["measured"] = self.measured.summary() if self.measured else None
        out["baseline"] = self.baseline.summary() if self.baseline else None
        out["ratio"] = self.ratio
        out["verdict"] = self.verdict
        return out


def repeat(name: str, fn: Callable[[int], object], runs: int,
           setup: Callable[[int], object] | None = None, warmup: int = 1) -> Series:
    """Time `fn(i)` `runs` times; `setup(i)` runs before each, untimed. A warm-up run first
    (not counted) so imports and first-query compilation don't count as the work."""
    for i in range(warmup):
        if setup:
            setup(-1 - i)
        fn(-1 - i)
    values = []
    for i in range(runs):
        if setup:
            setup(i)
        started = time.perf_counter()
        fn(i)
        values.append(time.perf_counter() - started)
    return Series(name, values)


def heap_peak(fn: Callable[[int], object], setup: Callable[[int], object] | None = None) -> int:
    """Peak Python heap (all threads) during one more run of `fn`, above what was there before."""
    if setup:
        setup(10_000)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn(10_000)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
