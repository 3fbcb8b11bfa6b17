"""Hand edits of a signed data folder, made as someone with the laptop and sqlite3 would
(triggers dropped first) or straight on the attachment files: `verify` fails on each and
names what it found. One signed folder is built per module and copied per test."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.db.store import Store
from app.models import DeviceCertificate, Signature
from app.signing.canonical import content_hash, sha256_hex
from app.signing.chain import payload_bytes
from app.signing.coverage import content_under
from app.signing.device_key import fingerprint_of, raw_public
from app.signing.integrity import verify_integrity
from app.signing.trust import pin_centre_key, sign_certificate
from tests.signing.tamper_helpers import build_signed_folder, copy_of


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    return build_signed_folder(tmp_path_factory.mktemp("signed") / "data")


@pytest.fixture
def folder(original, tmp_path):
    return copy_of(original, tmp_path / "copy")


def one(folder, sql, params=()):
    con = sqlite3.connect(folder.db)
    try:
        return con.execute(sql, params).fetchone()
    finally:
        con.close()


def problems_of(folder):
    report = folder.report()
    assert not report.ok, "verify passed a tampered folder"
    return report, "\n".join(p.line() for p in report.problems)


def test_the_untouched_copy_verifies_and_says_which_rule_its_signatures_were_made_under(folder):
    report = folder.report()
    assert report.ok, report.summary()
    # the observation's photo and recording, and the demo's own signed photos and recordings
    assert report.files_checked == 2 + one(folder, "SELECT COUNT(*) FROM attachment WHERE "
                                                   "record_id != ?", (folder.record_id,))[0] > 2
    assert set(report.rules) == {2}
    assert "made under rule 2" in report.summary()
    assert "has not synced with a centre" in report.summary()
    result = folder.verify_cli()
    assert result.returncode == 0 and "Everything matches" in result.stdout


@pytest.mark.parametrize("what, sql", [
    ("the learner's name", "UPDATE learner SET family_name = 'Renamed' WHERE id = '{learner}'"),
    ("an AC's text", "UPDATE assessment_criterion SET text = 'Something easier' WHERE id IN "
                     "(SELECT criterion_id FROM criterion_mapping WHERE record_id = '{record}')"),
    ("a caption", "UPDATE attachment SET caption = 'Another day' WHERE record_id = '{record}' "
                  "AND kind = 'photo'"),
    ("a playing time", "UPDATE attachment SET duration_ms = 600000 WHERE record_id = '{record}' "
                       "AND kind = 'audio'"),
    ("a judgement", "UPDATE evidence_record SET valid = 1 - valid WHERE id = '{record}'"),
    ("every AC back to working towards", "UPDATE criterion_mapping SET status = "
                                         "'working_towards' WHERE record_id = '{record}'"),
])
def test_what_the_signed_page_shows_is_covered(folder, what, sql):
    folder.sql(sql.format(learner=folder.learner_id, record=folder.record_id))
    report, text = problems_of(folder)
    assert folder.record_id in {p.record_id for p in report.problems}, what
    assert "no longer matches the signature" in text
    result = folder.verify_cli()
    assert result.returncode == 1 and "no longer matches" in result.stderr


@pytest.mark.parametrize("edit", ["changed", "truncated", "removed", "swapped"])
def test_a_signed_file_changed_on_disk_is_named(folder, edit):
    photo, recording = folder.blob(folder.photo_sha), folder.blob(folder.recording_sha)
    if edit == "changed":
        data = bytearray(photo.read_bytes())
        data[-10] ^= 0xFF
        photo.write_bytes(bytes(data))
    elif edit == "truncated":
        photo.write_bytes(photo.read_bytes()[:100])
    elif edit == "removed":
        photo.unlink()
    else:
        a, b = photo.read_bytes(), recording.read_bytes()
        photo.write_bytes(b)
        recording.write_bytes(a)
    report, text = problems_of(folder)
    assert {p.record_id for p in report.problems} == {folder.record_id}
    assert "till.jpg" in text
    assert ("missing" if edit == "removed" else "not what was signed") in text
    if edit == "swapped":
        assert "discussion.wav" in text
    assert folder.verify_cli().returncode == 1


def _forge(folder, title):
    """Insert a key of one's own, change the record and re-sign every signature with it,
    chain and all, with today's code: what `verify` used to accept."""
    key = Ed25519PrivateKey.generate()
    raw = raw_public(key.public_key())
    fp = fingerprint_of(raw)
    stamp = "2026-01-01T00:00:00.000000+00:00"
    folder.sql("INSERT INTO device_key (id, owner_device_id, device_name, public_key, "
               "fingerprint, created_at, updated_at, version, device_id) VALUES "
               f"('forged', 'x', 'Forged', '{raw.hex()}', '{fp}', '{stamp}', '{stamp}', 1, 'x')",
               f"UPDATE evidence_record SET title = '{title}' WHERE id = '{folder.record_id}'")
    with Store(folder.data_dir) as store:
        def resigned(session):
            rows, previous = [], {}
            for sig in session.scalars(select(Signature).order_by(Signature.signing_device_id,
                                                                  Signature.sequence)):
                row = SimpleNamespace(**{c.key: getattr(sig, c.key)
                                         for c in Signature.__table__.columns})
                row.content_hash = content_hash(content_under(
                    session, row.record_type, row.record_id, row.content_rule))
                row.key_fingerprint = fp
                row.previous_signature_hash = previous.get(row.signing_device_id, "")
                row.signature_hash = sha256_hex(payload_bytes(row))
                row.device_signature = key.sign(payload_bytes(row)).hex()
                previous[row.signing_device_id] = row.signature_hash
                rows.append(row)
            return rows
        rows = store.read(resigned)
    folder.sql(*(f"UPDATE signature SET content_hash = '{r.content_hash}', key_fingerprint = "
                 f"'{fp}', previous_signature_hash = '{r.previous_signature_hash}', "
                 f"signature_hash = '{r.signature_hash}', device_signature = "
                 f"'{r.device_signature}' WHERE id = '{r.id}'" for r in rows))
    return key


def test_a_key_inserted_into_the_database_and_used_to_re_sign_everything_counts_for_nothing(folder):
    _forge(folder, "Forged title")
    report, text = problems_of(folder)
    assert "a key found only in the database" in text
    assert "has not synced with a centre" in text
    assert folder.record_id in {p.record_id for p in report.problems}


def test_a_key_the_centre_vouched_for_counts_and_a_forged_certificate_does_not(folder):
    forger = _forge(folder, "Forged title")
    centre = Ed25519PrivateKey.generate()
    raw = raw_public(forger.public_key())
    with Store(folder.data_dir) as store:
        store.write_now(pin_centre_key, raw_public(centre.public_key()).hex())

        def certify(session, signer):
            cert = DeviceCertificate(certified_device_id="x", public_key=raw.hex(),
                                     fingerprint=fingerprint_of(raw), staff_name="Alex Morgan",
                                     role="assessor", issued_at=datetime.now(timezone.utc),
                                     centre_key_fingerprint="", centre_signature="")
            sign_certificate(cert, signer)
            session.add(cert)
        # Signed by some other key claiming to be the centre: refused.
        store.write_now(certify, Ed25519PrivateKey.generate())
        report = store.read(verify_integrity)
        assert not report.ok
        assert "neither this laptop's own nor vouched for by the centre" in report.summary()
        # Signed by the pinned centre key: the re-signed signatures count (the centre
        # vouched for that key), but this laptop's own signatures having gone is still said.
        store.write_now(certify, centre)
        report = store.read(verify_integrity)
        assert sorted(p.problem.split(":")[0].split(" but ")[-1] for p in report.problems) == [
            "none of its signatures remain", "this laptop's signature number 20 is not the "
                                             "one it made"]
        assert "does not count" not in report.summary()
        assert "has not synced" not in report.summary()
    # A laptop pins one centre: another key later is refused.
    with Store(folder.data_dir) as store, pytest.raises(ValueError):
        store.write_now(pin_centre_key, raw_public(Ed25519PrivateKey.generate().public_key()).hex())


@pytest.mark.parametrize("table, where", [
    ("evidence_record", "id = '{record}'"),
    ("unit_sign_off", "learner_id = '{learner2}'"),
    ("claim", "id = '{claim}'"),
])
def test_anything_signed_tombstoned_is_caught(folder, table, where):
    folder.sql(f"UPDATE {table} SET deleted_at = '2026-12-01T00:00:00.000000+00:00' WHERE "
               + where.format(record=folder.record_id, learner2=folder.claim["learner_id"],
                              claim=folder.claim["claim_id"]))
    report, text = problems_of(folder)
    assert "deleted (tombstoned)" in text


@pytest.mark.parametrize("sql, found", [
    ("UPDATE evidence_record SET state = 'draft' WHERE id = '{record}'", "as if never signed"),
    ("UPDATE signature SET deleted_at = '2026-12-01T00:00:00.000000+00:00' WHERE record_id = "
     "'{record}'", "signatures are never deleted"),
    ("UPDATE evidence_record SET date = '2026-13-45' WHERE id = '{record}'",
     "edited outside Fieldfolio"),
    ("UPDATE signature SET signed_at = 'yesterday' WHERE record_id = '{record}'",
     "could not finish"),
    ("UPDATE claim SET sign_offs_json = '[' WHERE id = '{claim}'", "edited outside Fieldfolio"),
])
def test_a_signed_state_undone_a_signature_tombstoned_or_a_value_no_app_writes(folder, sql, found):
    """Never a traceback: a value Fieldfolio never writes is itself the finding."""
    folder.sql(sql.format(record=folder.record_id, claim=folder.claim["claim_id"]))
    report, text = problems_of(folder)
    assert found in text
    result = folder.verify_cli()
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_every_signature_stripped_with_its_audit_rows_and_signed_state_is_caught(folder):
    folder.sql("DELETE FROM signature", "DELETE FROM audit_event WHERE action = 'signed'",
               "UPDATE evidence_record SET state = 'ready' WHERE state = 'signed'")
    report, text = problems_of(folder)
    assert "none of its signatures remain" in text
    assert "audit trail" in text      # the signed entries were part of the chain


def test_the_newest_signature_deleted_with_its_audit_row_is_caught(folder):
    (newest,) = one(folder, "SELECT id FROM signature ORDER BY sequence DESC LIMIT 1")
    folder.sql(f"DELETE FROM signature WHERE id = '{newest}'",
               f"DELETE FROM audit_event WHERE related_id = '{newest}'")
    report, text = problems_of(folder)
    assert "signature number 20 is missing from the database (its newest held is number 19)" \
        in text


def _signed_after_a_copy_was_taken(original, tmp_path):
    """The folder, a copy of its database taken before one more record was signed, and
    the chain heads after that signing."""
    from app.claims.sample_portfolio import sign_fully
    from app.signing.heads import chain_heads
    from tests.signing.signing_helpers import make_record
    folder = copy_of(original, tmp_path / "copy")
    older = tmp_path / "older.sqlite3"
    shutil.copy(folder.db, older)
    with Store(folder.data_dir) as store:
        record = store.write_now(make_record, "Obs", "One more")
        store.write_now(sign_fully, "evidence_record", record, "A Learner", "Alex Morgan")
        assert store.read(verify_integrity).ok
        seen = store.read(chain_heads)
    return folder, older, seen


def test_an_older_copy_of_the_database_put_back_is_caught(original, tmp_path):
    """A copy taken before the last signature, put back over the folder."""
    folder, older, _ = _signed_after_a_copy_was_taken(original, tmp_path)
    shutil.copy(older, folder.db)
    report, text = problems_of(folder)
    assert "an older copy of the database was put back" in text


@pytest.mark.parametrize("edit", ["inserted", "changed", "deleted"])
def test_audit_rows_inserted_changed_or_deleted_are_caught(folder, edit):
    (first,) = one(folder, "SELECT id FROM audit_event WHERE chain_sequence = 5")
    if edit == "inserted":
        folder.sql("INSERT INTO audit_event (id, action, record_type, record_id, learner_id, "
                   "actor_name, summary, related_id, occurred_at, created_at, updated_at, "
                   "version, device_id) SELECT 'x1', action, record_type, record_id, learner_id, "
                   "actor_name, 'Nothing happened', '', occurred_at, created_at, updated_at, 1, "
                   f"device_id FROM audit_event WHERE id = '{first}'")
    elif edit == "changed":
        folder.sql(f"UPDATE audit_event SET actor_name = 'Somebody Else' WHERE id = '{first}'")
    else:
        folder.sql(f"DELETE FROM audit_event WHERE id = '{first}'")
    report, text = problems_of(folder)
    assert "audit" in text
    assert folder.verify_cli().returncode == 1


def test_a_signature_row_edited_without_the_key_fails(folder):
    folder.sql(f"UPDATE signature SET signer_name = 'Someone Else' WHERE record_id = "
               f"'{folder.record_id}' AND role = 'learner'")
    report, text = problems_of(folder)
    assert "altered" in text and {p.record_id for p in report.problems} == {folder.record_id}


def test_check_signature_is_what_the_centre_calls(folder):
    """One signature checked on a plain session with the key given: no data folder, no
    key file, no files read (the centre may not have them yet)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.signing.check import check_signature
    from app.signing.device_key import own_public_keys
    (key,) = own_public_keys(folder.data_dir)
    folder.blob(folder.photo_sha).unlink()      # awaiting files: not this function's concern
    engine = create_engine(f"sqlite:///{folder.db}")
    with Session(engine) as session:
        sigs = session.scalars(select(Signature).where(
            Signature.record_id == folder.record_id)).all()
        assert [check_signature(session, s, key) for s in sigs] == [[], []]
        other = Ed25519PrivateKey.generate().public_key()
        assert "not made with the key it names" in check_signature(session, sigs[0], other)[0]
        assert "no trusted key" in check_signature(session, sigs[0], None)[0]
    engine.dispose()
    folder.sql(f"UPDATE evidence_record SET location = 'Elsewhere' WHERE id = '{folder.record_id}'")
    engine = create_engine(f"sqlite:///{folder.db}")
    with Session(engine) as session:
        sig = session.scalars(select(Signature).where(
            Signature.record_id == folder.record_id)).first()
        assert "no longer matches" in check_signature(session, sig, key)[0]
    engine.dispose()


def test_chain_heads_seen_by_the_centre_catch_a_database_put_back(original, tmp_path):
    """What sync sends and the centre keeps: an older copy of the database is behind the
    heads seen since, in both chains; the database itself is ahead of nothing."""
    from app.signing.heads import chain_heads, compare_heads, rollback_problems
    folder, older, seen = _signed_after_a_copy_was_taken(original, tmp_path)
    with Store(folder.data_dir) as store:
        assert store.read(rollback_problems, seen) == []
    (device,) = [h for h in seen if h.signature_sequence]
    assert device.signature_sequence == 22 and device.audit_sequence > 22
    shutil.copy(older, folder.db)
    with Store(folder.data_dir) as store:
        problems = store.read(rollback_problems, seen)
        held = {h.device_id: h for h in store.read(chain_heads)}[device.device_id]
    assert any("signature chain reached number 22" in p and "holds only 20" in p
               for p in problems)
    assert any("audit trail" in p and "older copy" in p for p in problems)
    assert len(compare_heads(held, device)) == 2
    assert compare_heads(device, device) == []
