"""A sync file on a USB stick is encrypted both ways (issue 14, a stick is easily lost):
a real laptop's export and the centre's file back hold no learner's name, ULN or evidence
bytes in the clear; the file for one laptop does not open with another's key; and a file
written before the upgrade (format version 1, in the clear, sync protocol 1) is refused whole
at the centre, saying to update Fieldfolio on that laptop (app/sync/protocol.py: its rows
predate merged learners), while today's file from the same laptop imports, once. Real
laptops' data folders and a real centre process, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.caseload.demo import load_demo_caseload
from app.evidence.attachments import attach_file
from app.evidence.records import create_record
from app.models.evidence import EvidenceRecord
from app.signing.device_key import device_signer
from app.sync import state
from app.sync_file.archive import (
    CENTRE_TO_LAPTOP, LAPTOP_TO_CENTRE, DeviceSeal, SyncFileRefused, open_sync_file,
)
from app.sync_file.laptop import export_for_centre, import_from_centre, token_hash_of
from app.transfer.laptop_files import attachments_of_store
from server import staff
from server.files.wiring import centre_files
from server.sync_file import export_for_device, import_from_laptop
from tests.server.sync_helpers import enrolled
from tests.server.test_files_over_sync import amelia, discussion_recording, sha_of
from tests.transfer.sync_file_v1 import write_version_1


def in_the_clear(raw: bytes, learner, recording: bytes) -> list[str]:
    """What a thief holding the stick could read of Amelia and her recording."""
    found = []
    for text in (learner.given_names, learner.family_name, learner.uln,
                 f"{learner.given_names.lower()}.{learner.family_name.lower()}@"):
        if text.encode() in raw:
            found.append(text)
    for at in (0, 4096, len(recording) // 2, len(recording) - 64):
        if recording[at:at + 64] in raw:
            found.append(f"recording bytes at {at}")
    digest = sha_of_bytes(recording)
    if digest.encode() in raw:
        found.append("the recording's SHA-256")
    return found


def sha_of_bytes(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()


def with_a_recording(laptop, tmp_path):
    laptop.write_now(load_demo_caseload)
    learner, enrolment_id = laptop.read(amelia)
    record_id = laptop.write_now(create_record, enrolment_id, "PD", title="Complaint handling")
    recording = discussion_recording(tmp_path / f"{laptop.device_id}.wav", seconds=8)
    attach_file(laptop, record_id, recording)
    return learner, recording


def records_at(db) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(EvidenceRecord))


def test_a_sync_file_is_encrypted_both_ways_and_opens_only_for_its_laptop(centre, laptops,
                                                                          tmp_path):
    assessor = laptops("assessor")
    enrolled(assessor, centre, "Sam Patel")
    learner, recording = with_a_recording(assessor, tmp_path)
    stick = tmp_path / "stick"
    stick.mkdir()
    export = stick / "assessor.ffsync"
    export_for_centre(assessor, export)
    assert in_the_clear(export.read_bytes(), learner, recording.read_bytes()) == []

    db = centre.open_database()
    try:
        files = centre_files(db)
        taken = import_from_laptop(db, files, export)
        assert taken.applied > 0 and taken.rejected == 0 and taken.files_stored >= 1
        assert files.verify(sha_of(recording))
        again = import_from_laptop(db, files, export)
        assert (again.applied, again.files_stored) == (0, 0)

        # The centre's file for the IQA's laptop carries Amelia and her recording: encrypted.
        iqa = laptops("iqa")
        iris = enrolled(iqa, centre, "Iris Khan", "iqa")
        centre.admin(staff.assign, learner.uln, None, iris)
        back = stick / "for-iqa.ffsync"
        export_for_device(db, files, iqa.device_id, back)
    finally:
        db.dispose()
    assert in_the_clear(back.read_bytes(), learner, recording.read_bytes()) == []

    # Handed to the wrong laptop: refused, and its key would not open the file anyway.
    with pytest.raises(SyncFileRefused) as refused:
        import_from_centre(assessor, back)
    assert "written for another laptop" in str(refused.value)
    assessors_key = token_hash_of(assessor.read(state.connection).token)
    with pytest.raises(SyncFileRefused) as refused:
        open_sync_file(back, direction=CENTRE_TO_LAPTOP, check_seal=lambda *a: True,
                       token_hash=lambda manifest: assessors_key)
    assert "cannot be decrypted" in str(refused.value)

    done = import_from_centre(iqa, back)
    assert done.received > 0 and done.files >= 1
    with attachments_of_store(iqa).open(sha_of(recording)) as fh:
        assert fh.read() == recording.read_bytes()
    again = import_from_centre(iqa, back)
    assert (again.received, again.files) == (0, 0)


def test_a_sync_file_written_before_the_upgrade_is_refused_whole(centre, laptops, tmp_path):
    """A laptop's file from before sync files were encrypted (version 1), as the centre may
    be handed after its upgrade: written in sync protocol 1, so refused before anything is
    taken, saying to update that laptop; the file it writes today imports, once."""
    old = laptops("old")
    enrolled(old, centre, "Pat Okafor")
    _learner, recording = with_a_recording(old, tmp_path)
    encrypted = tmp_path / "today.ffsync"
    export_for_centre(old, encrypted)
    key = token_hash_of(old.read(state.connection).token)
    with open_sync_file(encrypted, direction=LAPTOP_TO_CENTRE, check_seal=lambda *a: True,
                        token_hash=lambda manifest: key) as today:
        changes = today.changes
        carried = {}
        for sha in today.files:
            with today.open_file(sha) as fh:
                carried[sha] = fh.read()
    signer = old.write_now(device_signer)
    before = tmp_path / "before-the-upgrade.ffsync"
    write_version_1(before, direction=LAPTOP_TO_CENTRE, device_id=old.device_id,
                    changes=changes, files=carried, seal=DeviceSeal(signer.private_key))
    assert recording.read_bytes()[4096:4160] in before.read_bytes()   # in the clear, as then

    db = centre.open_database()
    try:
        files = centre_files(db)
        with pytest.raises(SyncFileRefused) as refused:
            import_from_laptop(db, files, before)
        assert "please update Fieldfolio on that laptop" in str(refused.value)
        assert "Nothing was imported" in str(refused.value)
        assert records_at(db) == 0 and not files.verify(sha_of(recording))
        taken = import_from_laptop(db, files, encrypted)
        assert taken.applied > 0 and taken.rejected == 0 and taken.files_stored == len(carried) >= 1
        assert files.verify(sha_of(recording))
        records = records_at(db)
        assert records > 0
        done = import_from_laptop(db, files, encrypted)      # today's twice: nothing new
        assert (done.applied, done.files_stored) == (0, 0)
        with pytest.raises(SyncFileRefused):                  # the old one, still refused
            import_from_laptop(db, files, before)
        assert records_at(db) == records
    finally:
        db.dispose()
