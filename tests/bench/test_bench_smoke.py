"""The benchmark harness works end to end on a tiny caseload. No timing is asserted here:
targets live in the bench output only (a test must not fail because the machine is busy)."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--learners", "2", "--records", "12", "--mappings", "30"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from bench.generate import Size, generate
    cache = tmp_path_factory.mktemp("bench-cache")
    size = Size(learners=2, records=12, mappings=30, photo_every=5)
    return generate(size, cache, quiet=True), size, cache


def test_generator_writes_the_caseload_it_was_asked_for_through_the_operations(tiny):
    folder, size, _ = tiny
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["learners"]) == 2
    con = sqlite3.connect(folder / "data" / "fieldfolio.sqlite3")
    per_learner = con.execute(
        "SELECT r.learner_id, count(DISTINCT r.id), count(m.id) FROM evidence_record r "
        "JOIN criterion_mapping m ON m.record_id = r.id GROUP BY r.learner_id").fetchall()
    assert sorted(n for _, n, _ in per_learner) == [12, 12]
    assert sorted(m for _, _, m in per_learner) == [30, 30]
    # Written by the real operations: every record and mapping queued for sync,
    # portfolio references allocated per method, no draft left behind.
    queued = {t: n for t, n in con.execute(
        "SELECT table_name, count(*) FROM outbox GROUP BY table_name")}
    assert queued["evidence_record"] == 24 and queued["criterion_mapping"] == 60
    refs = [r for (r,) in con.execute("SELECT portfolio_ref FROM evidence_record")]
    assert all("-" in r and r.split("-")[1].isdigit() for r in refs)
    assert con.execute("SELECT count(*) FROM form_draft").fetchone()[0] == 0
    files = con.execute("SELECT sha256 FROM attachment").fetchall()
    assert len(files) == 2 * 3   # records 0, 5 and 10 of each learner
    for (sha,) in files:
        assert (folder / "data" / "attachments" / sha[:2] / sha).exists()
    con.close()


def test_generator_reuses_its_cache_and_is_seeded(tiny, tmp_path):
    from bench.generate import generate
    folder, size, cache = tiny
    stamp = (folder / "manifest.json").stat().st_mtime_ns
    assert generate(size, cache, quiet=True) == folder
    assert (folder / "manifest.json").stat().st_mtime_ns == stamp
    again = generate(size, tmp_path, quiet=True)

    def content(path):
        con = sqlite3.connect(path / "data" / "fieldfolio.sqlite3")
        rows = con.execute("SELECT l.family_name, l.uln, r.portfolio_ref, r.method, r.date, "
                           "r.details_json FROM evidence_record r JOIN learner l "
                           "ON l.id = r.learner_id ORDER BY l.uln, r.portfolio_ref").fetchall()
        con.close()
        return rows
    assert content(again) == content(folder)


def test_quick_run_prints_the_table_and_writes_comparable_results(tiny, tmp_path):
    _, _, cache = tiny
    results = tmp_path / "results"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--runs", "1", *TINY,
           "--cache-dir", str(cache), "--results-dir", str(results)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for heading in ("benchmark", "median", "baseline median", "ratio", "peak memory", "result"):
        assert heading in out
    data = json.loads((results / "latest-quick.json").read_text())
    rows = {r["name"]: r for r in data["rows"]}
    if hasattr(os, "getloadavg"):   # how busy the machine was, beside every run's figures
        assert data["load_at_start"] >= 0 and data["load_at_end"] >= 0
        heading = (results / "latest-quick.md").read_text().splitlines()[0]
        assert f"load {data['load_at_start']} at start and {data['load_at_end']} at the end" \
            in heading
    expected = ["start-up to usable main window", "idle memory after start-up",
                "open learner with progress grid", "save record with 10 mappings",
                "caseload list", "AC full-text search", "attachment import (20 MB)",
                "migrate caseload on upgrade (0001 → head)"]
    for name in expected:
        row = rows[name]
        assert row["measured"]["median"] > 0, name
        assert row["baseline"]["median"] > 0, f"{name} has no baseline beside it"
        assert row["peak_bytes"] and row["peak_bytes"] > 0, name
        assert row["verdict"] in ("pass", "MISS", "—"), name
    upload = rows["attachment upload (16 MB) on loopback"]
    assert upload["measured"]["median"] > 0 and upload["baseline"]["median"] > 0
    assert upload["peak_kind"] == "RSS" and upload["peak_bytes"] > 0
    resumed = rows["upload cut half way and resumed (24 MB)"]
    assert "bytes sent again after the cut" in resumed["note"]
    claim = next(r for n, r in rows.items() if n.startswith("claim pack"))
    assert claim["measured"] or claim["unmeasurable"].startswith("not yet measurable")
    # Sync against a real centre process (SQLite here; PostgreSQL only with --database-url).
    for start in ("sync push", "sync pull", "sync with nothing to do"):
        row = next(r for n, r in rows.items() if n.startswith(start) and "(SQLite)" in n)
        assert row["measured"]["median"] > 0 and row["baseline"]["median"] > 0, start
        assert row["verdict"] in ("pass", "MISS"), start
    fleet = rows["server, 3 laptops at once (SQLite)"]
    assert fleet["verdict"] == "pass" and "0 errors" in fleet["note"], fleet["note"]
    assert rows["sync rows on PostgreSQL"]["unmeasurable"].startswith("not measured")
    # Encryption's cost (issue 17): the encrypted figure beside the same on a plain copy.
    for name in ("open learner (page data)", "save record with 10 mappings",
                 "start-up to usable main window", "attachment import (5 MB)"):
        row = rows[f"encrypted: {name}"]
        assert row["measured"]["median"] > 0 and row["baseline"]["median"] > 0, name
        assert row["verdict"] in ("pass", "MISS"), name
    assert "| benchmark |" in (results / "latest-quick.md").read_text()

    # A second run compared with the first shows the change per benchmark. One step is
    # enough to show it (the whole quick run again cost CI forty seconds).
    earlier = tmp_path / "earlier.json"
    earlier.write_text((results / "latest-quick.json").read_text())
    done = subprocess.run(cmd + ["--only", "caseload list", "--compare", str(earlier)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Change against" in done.stdout
    assert "caseload list" in done.stdout.split("Change against")[1]
