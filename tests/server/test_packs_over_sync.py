"""Qualification packs travel over sync (issue 13): a pack imported on one laptop goes up to
the centre before the learners enrolled on it, and down to every other laptop that sees
them; a pack whose id and version name a different pack at the centre is refused, said in
"needs attention", and the records enrolled on it are refused naming the pack. Real server
process, real HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.caseload.enrolments import enrol
from app.caseload.learners import save_learner
from app.catalogue.importer import import_pack_file
from app.models import Enrolment, EnrolmentUnit, Qualification, SpecPack, Unit
from app.sync.attention import open_items
from app.sync.engine import run_sync
from app.sync.protocol import PACK_REFUSED
from server import staff
from tests.server.sync_helpers import assert_laptop_matches_centre, enrolled

EDI = Path(__file__).resolve().parents[2] / "specs" / "edi-l2-nvq-customer-service.json"


def centre_pack(tmp_path: Path, name: str, title: str, criterion_note: str,
                version: str = "Centre edition 1") -> Path:
    """A pack the centre was sent (not one Fieldfolio ships): the EDI pack under another id."""
    data = json.loads(EDI.read_text(encoding="utf-8"))
    data["pack_id"] = "edi-l2-centre-edition"
    data["source"]["document_version"] = version
    data["qualifications"][0]["title"] = title
    data["units"][0]["learning_outcomes"][0]["criteria"][0]["text"] += f" ({criterion_note})"
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _qualification_units(store, qualification_id: str) -> int:
    return store.read(lambda s: s.scalar(select(func.count()).select_from(Unit).join(
        Qualification, Qualification.pack_row_id == Unit.pack_row_id).where(
        Qualification.id == qualification_id)))


def _enrol_new_learner(store, uln: str, qualification_id: str) -> str:
    learner = store.write_now(save_learner, None, {"given_names": "Priya", "family_name": "Shah",
                                                   "uln": uln})
    return store.write_now(enrol, learner, qualification_id, mandatory_units=True)


def test_a_pack_imported_on_a_laptop_reaches_the_centre_and_the_iqa(centre, laptops, tmp_path):
    assessor, iqa = laptops("assessor"), laptops("iqa")
    sam = enrolled(assessor, centre, "Sam Patel")
    jo = enrolled(iqa, centre, "Jo Whitfield", "iqa")
    run_sync(iqa)

    pack = centre_pack(tmp_path, "centre-edition.json", "Customer Service (centre edition)",
                       "as the centre reads it")
    [(qualification, title)] = import_pack_file(assessor, pack).qualifications
    enrolment = _enrol_new_learner(assessor, "9276308686", qualification)
    outcome = run_sync(assessor)
    assert (outcome.packs_sent, outcome.rejected, outcome.attention) == (1, 0, 0)
    assert_laptop_matches_centre(assessor, centre, sam, "assessor")

    centre.admin(staff.assign, "9276308686", None, jo)   # server-admin assign ULN --iqa
    outcome = run_sync(iqa)
    assert outcome.packs_fetched == 1
    assert iqa.read(lambda s: s.get(Enrolment, enrolment).qualification_id) == qualification
    assert iqa.read(lambda s: s.get(Qualification, qualification).title) == title
    units = _qualification_units(assessor, qualification)
    assert units > 0 and _qualification_units(iqa, qualification) == units
    chosen = iqa.read(lambda s: s.scalar(select(func.count()).select_from(EnrolmentUnit).where(
        EnrolmentUnit.enrolment_id == enrolment)))
    assert chosen > 0
    assert_laptop_matches_centre(iqa, centre, jo, "iqa")
    # Up to date, the next sync is the one question again: packs cost nothing when idle.
    assert run_sync(iqa).packs_fetched == 0


def test_a_pack_whose_id_and_version_name_another_is_refused_clearly(centre, laptops, tmp_path):
    first, second = laptops("first"), laptops("second")
    enrolled(first, centre, "Sam Patel")
    enrolled(second, centre, "Alex Morgan")
    import_pack_file(first, centre_pack(tmp_path, "a.json", "Customer Service (A)", "A"))
    run_sync(first)

    # The same pack id and version, different text, imported on a laptop that has not synced
    # since: the centre refuses it, and the learner enrolled on it stays on this laptop.
    [(other, _)] = import_pack_file(second, centre_pack(tmp_path, "b.json",
                                                        "Customer Service (B)", "B")).qualifications
    enrolment = _enrol_new_learner(second, "9276308686", other)
    outcome = run_sync(second)
    assert outcome.packs_sent == 0 and outcome.rejected >= 1
    items = second.read(open_items)
    [pack_item] = [i for i in items if i.kind == PACK_REFUSED]
    assert pack_item.title == "The centre did not take a qualification imported here"
    assert "Customer Service (B) (pack edi-l2-centre-edition, Centre edition 1)" in pack_item.reason
    assert "The centre already has a different pack 'edi-l2-centre-edition' (Centre " \
        "edition 1), loaded" in pack_item.reason
    assert "cannot be told apart on paper" in pack_item.reason
    [refused] = [i for i in items if i.record_id == enrolment]
    assert "qualification the centre's catalogue does not have" in refused.reason
    units = [i for i in items if i.table_name == "enrolment_unit"]   # its units: the same
    assert units and all("unit the centre's catalogue does not have" in i.reason for i in units)
    # The centre's own pack of that name came down beside it, and nothing here was lost.
    shas = second.read(lambda s: s.scalars(select(SpecPack.sha256).where(
        SpecPack.pack_id == "edi-l2-centre-edition")).all())
    assert len(shas) == 2
    assert second.read(lambda s: s.get(Enrolment, enrolment).qualification_id) == other
    # Said once: the next sync neither offers the pack again nor repeats the item.
    run_sync(second)
    assert [i.kind for i in second.read(open_items)].count(PACK_REFUSED) == 1


def _server_admin(centre, *args) -> subprocess.CompletedProcess:
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, str(root / "main.py"), "server-admin", "--data-dir",
           str(centre.data_dir)]
    if centre.database_url:
        cmd += ["--database-url", centre.database_url]
    return subprocess.run(cmd + list(args), cwd=root, capture_output=True, text=True,
                          timeout=120)


def test_a_pack_the_admin_imports_reaches_a_laptop_that_was_up_to_date(centre, laptops,
                                                                       tmp_path):
    from tests.server.test_sync_nothing_to_do import _sync_counting
    laptop = laptops("assessor")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    assert _sync_counting(laptop)[1] == ["/api/v1/changes"]

    pack = centre_pack(tmp_path, "centre-edition.json", "Customer Service (centre edition)", "C")
    done = _server_admin(centre, "import-pack", str(pack))
    assert done.returncode == 0, done.stderr
    assert "Imported Customer Service (centre edition)" in done.stdout
    outcome, paths = _sync_counting(laptop)
    assert "/api/v1/pull" in paths and outcome.packs_fetched == 1
    assert laptop.read(lambda s: s.scalars(select(Qualification.id).where(
        Qualification.title == "Customer Service (centre edition)")).all())

    # The same again changes nothing; another text under that id and version is refused.
    assert "nothing changed" in _server_admin(centre, "import-pack", str(pack)).stdout
    clash = _server_admin(centre, "import-pack",
                          str(centre_pack(tmp_path, "other.json", "Other", "other")))
    assert clash.returncode == 1
    assert "a different pack with id 'edi-l2-centre-edition'" in clash.stderr


def test_packs_travel_on_a_sync_file_too(centre, laptops, tmp_path):
    """Without a network: the laptop's sync file carries the packs it imported, the centre
    takes them before the records (or says why not), and its file for another laptop
    carries them back down."""
    from app.sync_file.laptop import export_for_centre, import_from_centre
    from server.files.wiring import centre_files
    from server.sync_file import export_for_device, import_from_laptop
    assessor, iqa, other = laptops("assessor"), laptops("iqa"), laptops("other")
    enrolled(assessor, centre, "Sam Patel")
    jo = enrolled(iqa, centre, "Jo Whitfield", "iqa")
    enrolled(other, centre, "Alex Morgan")
    [(qualification, _)] = import_pack_file(assessor, centre_pack(
        tmp_path, "a.json", "Customer Service (A)", "A")).qualifications
    enrolment = _enrol_new_learner(assessor, "9276308686", qualification)
    [(clashing, _)] = import_pack_file(other, centre_pack(
        tmp_path, "b.json", "Customer Service (B)", "B")).qualifications
    _enrol_new_learner(other, "5423232219", clashing)
    export_for_centre(assessor, tmp_path / "assessor.ffsync")
    export_for_centre(other, tmp_path / "other.ffsync")

    db = centre.open_database()
    try:
        files = centre_files(db)
        taken = import_from_laptop(db, files, tmp_path / "assessor.ffsync")
        assert (taken.rejected, taken.packs_refused) == (0, [])
        refused = import_from_laptop(db, files, tmp_path / "other.ffsync")
        assert refused.rejected >= 1
        [why] = refused.packs_refused
        assert "already has a different pack 'edi-l2-centre-edition'" in why
        assert why in refused.summary()
        centre.admin(staff.assign, "9276308686", None, jo)
        export_for_device(db, files, iqa.device_id, tmp_path / "for-iqa.ffsync")
    finally:
        db.dispose()
    import_from_centre(iqa, tmp_path / "for-iqa.ffsync")
    assert iqa.read(lambda s: s.get(Enrolment, enrolment).qualification_id) == qualification
    assert _qualification_units(iqa, qualification) == _qualification_units(assessor, qualification)


def test_an_iqa_laptop_may_not_add_a_pack_and_is_told_so(centre, laptops, tmp_path):
    iqa = laptops("iqa")
    enrolled(iqa, centre, "Jo Whitfield", "iqa")
    import_pack_file(iqa, centre_pack(tmp_path, "a.json", "Customer Service (A)", "A"))
    outcome = run_sync(iqa)
    assert outcome.packs_sent == 0
    [item] = [i for i in iqa.read(open_items) if i.kind == PACK_REFUSED]
    assert "An IQA's laptop may not add qualifications to the centre's catalogue" in item.reason
    db = centre.open_database()
    try:
        with db.reading() as session:
            assert not session.scalars(select(SpecPack).where(
                SpecPack.pack_id == "edi-l2-centre-edition")).all()
    finally:
        db.dispose()


def test_packs_sent_at_the_same_moment_are_added_one_after_the_other(centre, laptops, tmp_path):
    """Two laptops sending the same pack, and two sending different packs under one id and
    version, at once: the first is added, the second finds it (no error, no second copy)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.catalogue.pack_documents import document_of
    from app.sync import state
    from app.sync.client import CentreClient, CentreRefused
    stores = [laptops(name) for name in ("a", "b", "c", "d")]
    for n, store in enumerate(stores):
        enrolled(store, centre, f"Assessor {n}")
    same = centre_pack(tmp_path, "same.json", "Customer Service (same)", "same", "Edition 2")
    sends = [(stores[0], same), (stores[1], same)]
    sends += [(stores[2], centre_pack(tmp_path, "c.json", "Customer Service (C)", "C")),
              (stores[3], centre_pack(tmp_path, "d.json", "Customer Service (D)", "D"))]

    def send(store, path):
        prepared = import_pack_file(store, path)
        sha = store.read(lambda s: s.scalars(select(SpecPack.sha256).where(
            SpecPack.id == s.get(Qualification, prepared.qualifications[0][0]).pack_row_id)).one())
        conn = store.read(state.connection)
        with CentreClient(conn.url, conn.token) as client:
            try:
                return client.send_pack(sha, store.read(document_of, sha))["new"]
            except CentreRefused as refused:
                return refused.error

    with ThreadPoolExecutor(2) as pool:
        same_answers = list(pool.map(lambda pair: send(*pair), sends[:2]))
        clash_answers = list(pool.map(lambda pair: send(*pair), sends[2:]))
    assert sorted(map(str, same_answers)) == ["False", "True"]   # added once, then already held
    assert sorted(map(str, clash_answers)) == ["True", PACK_REFUSED]   # one wins, one refused
    db = centre.open_database()
    try:
        with db.reading() as session:
            held = session.scalars(select(SpecPack.sha256).where(
                SpecPack.pack_id == "edi-l2-centre-edition")).all()
    finally:
        db.dispose()
    assert len(held) == 2   # 'same', and whichever of C and D came first


def _centre_has_enrolment(centre, enrolment_id: str) -> bool:
    db = centre.open_database()
    try:
        with db.reading() as session:
            return session.get(Enrolment, enrolment_id) is not None
    finally:
        db.dispose()


def test_a_revoked_laptop_still_hands_in_its_pack_with_its_last_changes(centre, laptops,
                                                                        tmp_path):
    import pytest

    from app.sync.revoked import LaptopRevoked
    laptop = laptops("lost")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    [(qualification, _)] = import_pack_file(laptop, centre_pack(
        tmp_path, "a.json", "Customer Service (A)", "A")).qualifications
    enrolment = _enrol_new_learner(laptop, "9276308686", qualification)
    centre.admin(staff.revoke, laptop.device_id)
    with pytest.raises(LaptopRevoked):
        run_sync(laptop)
    assert _centre_has_enrolment(centre, enrolment)   # its pack went first


def test_a_centre_restored_from_backup_gets_the_pack_back(centre, laptops, tmp_path):
    from tests.server.test_centre_restored import Backup
    laptop = laptops("assessor")
    sam = enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    backup = Backup(centre, tmp_path / "backup")
    try:
        [(qualification, _)] = import_pack_file(laptop, centre_pack(
            tmp_path, "a.json", "Customer Service (A)", "A")).qualifications
        enrolment = _enrol_new_learner(laptop, "9276308686", qualification)
        assert run_sync(laptop).packs_sent == 1
        backup.restore()                       # the pack and the enrolment are lost there
        assert not _centre_has_enrolment(centre, enrolment)
        outcome = run_sync(laptop)
        assert outcome.packs_sent == 1 and outcome.rejected == 0
        assert _centre_has_enrolment(centre, enrolment)
        assert_laptop_matches_centre(laptop, centre, sam, "assessor")
    finally:
        backup.drop()


def test_a_pack_imported_on_an_up_to_date_laptop_goes_up_at_the_next_sync(centre, laptops,
                                                                          tmp_path):
    """Nothing else waiting, the one quiet question would say nothing changed: a pack to
    offer makes the sync a full one, so it reaches the centre without waiting for a learner."""
    from tests.server.test_sync_nothing_to_do import _sync_counting
    laptop = laptops("assessor")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    assert _sync_counting(laptop)[1] == ["/api/v1/changes"]
    import_pack_file(laptop, centre_pack(tmp_path, "a.json", "Customer Service (A)", "A"))
    outcome, paths = _sync_counting(laptop)
    assert outcome.packs_sent == 1 and "/api/v1/packs/lacking" in paths
    assert _sync_counting(laptop)[1] == ["/api/v1/changes"]   # and then quiet again


def test_a_centre_pack_this_laptop_cannot_load_stops_the_sync_saying_so(centre, laptops):
    """Only a Fieldfolio checking packs differently from the centre's could meet one: the
    sync stops before the records that would use it, in words, not a traceback."""
    import hashlib

    import pytest

    from app.models import PackDocument
    from app.sync.client import CentreRefused
    from server.clock import announce_catalogue_change
    laptop = laptops("assessor")
    enrolled(laptop, centre, "Sam Patel")
    run_sync(laptop)
    odd = b'{"pack_id": "not-a-pack"}'
    sha = hashlib.sha256(odd).hexdigest()
    db = centre.open_database()
    try:
        with db.writing() as session:   # as a centre whose checks differ would hold it
            session.add(PackDocument(sha256=sha, content=odd))
            session.add(SpecPack(id="odd-pack", pack_id="not-a-pack", sha256=sha,
                                 kind="qualification", awarding_body="EDI"))
            announce_catalogue_change(session)
    finally:
        db.dispose()
    with pytest.raises(CentreRefused, match="cannot be loaded on this laptop") as refused:
        run_sync(laptop)
    assert "Update Fieldfolio, or ask the centre's admin" in refused.value.message
