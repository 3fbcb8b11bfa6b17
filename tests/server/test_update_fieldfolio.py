"""A laptop and a centre that speak different sync protocols (app/sync/protocol.py): the
older side is named, in plain words, and nothing is lost or half-taken (issue 13: "an old
laptop gets a clear 'please update Fieldfolio', never a silent drop").

Over the network: an older laptop's request gets 426 update_fieldfolio; `fieldfolio sync`
exits with the reason, the status area says it, and the laptop's changes stay waiting, then
go once it speaks the centre's protocol. A newer laptop at an older centre is told to ask the
centre to update its server. By sync file (USB stick): a file an older laptop wrote is
refused whole at the centre, and a centre's file in another protocol at the laptop; Fieldfolio
before sync file version 3 does not open the centre's file at all. A real centre process,
on SQLite and PostgreSQL."""
from __future__ import annotations

import argparse

import httpx
import pytest
from sqlalchemy import func, select

from app.caseload.learners import save_learner
from app.models import Learner
from app.sync import client as laptop_client
from app.sync import state
from app.sync.commands import run_sync_command
from app.sync.engine import run_sync
from app.sync.protocol import API, OLDEST_ACCEPTED, PROTOCOL_HEADER, PROTOCOL_VERSION
from app.sync_file import archive
from app.sync_file.archive import SyncFileRefused
from app.sync_file.laptop import export_for_centre, import_from_centre
from server.files.wiring import centre_files
from server.sync_file import export_for_device, import_from_laptop
from tests.server.sync_helpers import enrolled

PLEASE_UPDATE = "please update Fieldfolio"
UPDATE_THE_SERVER = "ask the centre to update its server"


def _learners_at(centre, learner_id: str) -> int:
    db = centre.open_database()
    try:
        with db.reading() as session:
            return session.scalar(select(func.count()).select_from(Learner).where(
                Learner.id == learner_id))
    finally:
        db.dispose()


def _a_new_learner(laptop) -> str:
    return laptop.write_now(save_learner, None, {"given_names": "Zara", "family_name": "Quinn"})


def test_an_older_laptop_is_told_to_update_and_loses_nothing(qtbot, centre, laptops,
                                                             monkeypatch, capsys):
    # The protocol header alone decides: the one before OLDEST_ACCEPTED gets 426.
    answer = httpx.post(f"{centre.url}{API}/enrol", timeout=5, json={"code": "X", "device_id": "d", "public_key": "ab" * 32},
                        headers={PROTOCOL_HEADER: str(OLDEST_ACCEPTED - 1)})
    assert answer.status_code == 426 and answer.json()["error"] == "update_fieldfolio"
    assert PLEASE_UPDATE in answer.json()["message"]
    assert OLDEST_ACCEPTED - 1 >= 1     # protocol 1 (before merged learners) is the old one

    laptop = laptops("pat")
    enrolled(laptop, centre, "Pat Okafor")
    learner = _a_new_learner(laptop)
    waiting = laptop.read(state.status).waiting
    assert waiting >= 1

    monkeypatch.setattr(laptop_client, "PROTOCOL_VERSION", OLDEST_ACCEPTED - 1)  # an old laptop
    assert run_sync_command(laptop, argparse.Namespace(json=False)) == 1
    said = capsys.readouterr().err
    assert PLEASE_UPDATE in said and "Nothing on this laptop has been lost" in said
    status = laptop.read(state.status)
    assert PLEASE_UPDATE in status.last_error and status.waiting == waiting  # none marked sent
    assert _learners_at(centre, learner) == 0

    from ui.main_window import MainWindow
    window = MainWindow(laptop)
    qtbot.addWidget(window)
    window.show()
    area = window.sync_area
    qtbot.waitUntil(lambda: PLEASE_UPDATE in area.headline.text(), timeout=5000)
    assert f"{waiting} change" in area.headline.text()

    # A laptop newer than the centre: the centre is the one to update.
    monkeypatch.setattr(laptop_client, "PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
    assert run_sync_command(laptop, argparse.Namespace(json=False)) == 1
    assert UPDATE_THE_SERVER in capsys.readouterr().err
    assert laptop.read(state.status).waiting == waiting

    # Updated: the same changes go, and the complaint clears.
    monkeypatch.setattr(laptop_client, "PROTOCOL_VERSION", PROTOCOL_VERSION)
    outcome = run_sync(laptop)
    assert outcome.pushed == waiting and _learners_at(centre, learner) == 1
    status = laptop.read(state.status)
    assert status.waiting == 0 and status.last_error == ""
    window.refresh_status()
    qtbot.waitUntil(lambda: "everything is at the centre" in area.headline.text(), timeout=5000)
    assert PLEASE_UPDATE not in area.headline.text()


def test_sync_files_in_another_protocol_are_refused_whole(centre, laptops, tmp_path,
                                                         monkeypatch):
    laptop = laptops("pat")
    enrolled(laptop, centre, "Pat Okafor")
    learner = _a_new_learner(laptop)
    waiting = laptop.read(state.status).waiting
    db = centre.open_database()
    try:
        files = centre_files(db)
        # An older laptop's file: version 2, which is protocol 1.
        old = tmp_path / "older-laptop.ffsync"
        with monkeypatch.context() as older:
            older.setattr(archive, "VERSION", 2)
            export_for_centre(laptop, old)
        with pytest.raises(SyncFileRefused) as refused:
            import_from_laptop(db, files, old)
        assert f"{PLEASE_UPDATE} on that laptop" in str(refused.value)
        assert "Nothing was imported" in str(refused.value)
        assert _learners_at(centre, learner) == 0

        today = tmp_path / "today.ffsync"
        export_for_centre(laptop, today)
        assert import_from_laptop(db, files, today).applied == waiting
        assert _learners_at(centre, learner) == 1

        # The centre's answer, written by an older centre (version 2) and by a newer one.
        older_centre, newer_centre = tmp_path / "older-centre.ffsync", tmp_path / "newer.ffsync"
        with monkeypatch.context() as older:
            older.setattr(archive, "VERSION", 2)
            export_for_device(db, files, laptop.device_id, older_centre)
        with monkeypatch.context() as newer:
            newer.setattr(archive, "PROTOCOL_VERSION", PROTOCOL_VERSION + 1)
            export_for_device(db, files, laptop.device_id, newer_centre)
        answer = tmp_path / "answer.ffsync"
        export_for_device(db, files, laptop.device_id, answer)
    finally:
        db.dispose()
    with pytest.raises(SyncFileRefused) as refused:
        import_from_centre(laptop, older_centre)
    assert UPDATE_THE_SERVER in str(refused.value) and "Nothing was imported" in str(refused.value)
    with pytest.raises(SyncFileRefused) as refused:
        import_from_centre(laptop, newer_centre)
    assert PLEASE_UPDATE in str(refused.value)
    assert laptop.read(state.status).waiting == waiting   # the centre's answers not taken
    # Fieldfolio from before version 3 (it read versions 1 and 2 only) refuses the answer.
    with monkeypatch.context() as before:
        before.setattr(archive, "READABLE", (1, 2))
        with pytest.raises(SyncFileRefused) as refused:
            import_from_centre(laptop, answer)
        assert "update Fieldfolio" in str(refused.value)
    assert laptop.read(state.status).waiting == waiting
    import_from_centre(laptop, answer)
    assert laptop.read(state.status).waiting == 0


def test_changes_frozen_by_the_older_version_still_go_after_the_update(centre, laptops):
    """Pushed (or exported) but not yet answered when the laptop was updated: frozen in
    protocol 1, without the columns added since. They go, taken whole, not refused."""
    import json

    from app.caseload.enrolments import enrol
    from app.models import Enrolment, Qualification
    from app.models.local import SyncMutation
    from app.sync.outgoing import next_batch
    laptop = laptops("pat")
    enrolled(laptop, centre, "Pat Okafor")
    learner = _a_new_learner(laptop)
    qualification = laptop.read(lambda s: s.scalars(select(Qualification.id).where(
        Qualification.kind == "qualification")).first())
    enrolment = laptop.write_now(enrol, learner, qualification)
    laptop.write_now(next_batch)

    def as_protocol_1_froze_them(session):
        stripped = 0
        for mutation in session.scalars(select(SyncMutation)):
            row = json.loads(mutation.payload_json)
            for column in ("merged_into_id", "joined_into_id"):
                stripped += row.pop(column, "absent") != "absent"
            mutation.payload_json = json.dumps(row)
        return stripped
    assert laptop.write_now(as_protocol_1_froze_them) == 2
    outcome = run_sync(laptop)
    assert outcome.rejected == 0 and outcome.pushed >= 2
    assert _learners_at(centre, learner) == 1
    db = centre.open_database()
    try:
        with db.reading() as session:
            row = session.get(Enrolment, enrolment)
            assert row is not None and row.joined_into_id is None
    finally:
        db.dispose()
    assert laptop.read(state.status).attention == 0
