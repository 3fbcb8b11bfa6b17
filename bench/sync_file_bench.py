"""Benchmark: export and import of a sync file for the generated caseload (60 learners with
their records and photos), beside a plain copy of the same number of bytes.

The laptop is enrolled with a centre in this process (the centre's app served through
Starlette's test transport: no port, nothing but the real enrol code path), then:
export-sync on the laptop, import-sync at the centre (apply_push of every change, files into
the store), and the centre's export-for-device back.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from bench.timing import Row, Series


def sync_file_rows(scratch: Path, laptop_data: Path) -> list[Row]:
    from starlette.testclient import TestClient

    from app.db.store import Store
    from app.sync.client import CentreClient
    from app.sync.enrolment import enrol
    from app.sync_file.laptop import export_for_centre
    from server import staff
    from server.app import create_app
    from server.database import open_centre
    from server.files.wiring import centre_files
    from server.sync_file import export_for_device, import_from_laptop

    laptop_dir = scratch / "sync-file-laptop"
    shutil.copytree(laptop_data, laptop_dir)
    centre = open_centre(scratch / "sync-file-centre")
    with centre.writing() as session:
        staff_id = staff.add_staff(session, "Bench Assessor", "assessor")
        code = staff.new_enrol_code(session, staff_id)
    store = Store(laptop_dir).open()
    try:
        with TestClient(create_app(centre)) as web:
            enrol(store, "http://testserver", code,
                  client=CentreClient("http://testserver", transport=web._transport))
        stick = scratch / "stick"
        stick.mkdir()
        export = stick / "laptop.ffsync"
        started = time.perf_counter()
        done = export_for_centre(store, export)
        export_s = time.perf_counter() - started
        started = time.perf_counter()
        imported = import_from_laptop(centre, centre_files(centre), export)
        import_s = time.perf_counter() - started
        back = stick / "back.ffsync"
        started = time.perf_counter()
        export_for_device(centre, centre_files(centre), store.device_id, back)
        back_s = time.perf_counter() - started
        copy = stick / "copy.bin"
        started = time.perf_counter()
        shutil.copyfile(export, copy)
        copy_s = time.perf_counter() - started
    finally:
        store.close()
        centre.dispose()
    size = export.stat().st_size
    note = (f"{done.changes:,} changes, {done.files} files, {size / 1024 / 1024:.0f} MB; "
            f"centre applied {imported.applied:,}, refused {imported.rejected}")
    rows = []
    for name, seconds in (("sync file export (laptop)", export_s),
                          ("sync file import (centre)", import_s),
                          ("sync file export for device (centre)", back_s)):
        row = Row(name, None, "(no target)", note=note)
        row.measured = Series("once", [seconds])
        row.baseline = Series("copying the exported file", [copy_s])
        rows.append(row)
    return rows
