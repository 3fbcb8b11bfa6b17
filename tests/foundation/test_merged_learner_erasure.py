"""Erasing a learner who was created twice and merged (issue 13 with issue 17): the erasure
covers every record of the family, not just the one kept. The merged record's contact
details, notes, unsigned work and form drafts go, found nowhere in the database file; its
identity stays only while it carries signed work of its own. Through the operation and
through `fieldfolio learner-erase`, which says what it did for both records."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.caseload.drafts import load_draft, save_draft
from app.caseload.enrolments import enrol
from app.caseload.erasure import erase_learner, erasure_preview, remove_files
from app.caseload.learners import DRAFT_FORM, save_learner
from app.caseload.merge import merge_learners
from app.evidence.records import create_record
from app.models import EvidenceRecord, Learner, Qualification
from app.signing.integrity import verify_integrity
from app.signing.sign import sign_record
from tests.signing.signing_helpers import drawn, two_criteria

ROOT = Path(__file__).resolve().parents[2]
ULN = "5423232219"


def _record_of(session, given: str, family: str, email: str, phone: str,
               signed: tuple[str, ...] = (), drafts: tuple[str, ...] = ()) -> dict:
    """One record of the learner (the ULN set as sync brings it), enrolled, with signed and
    draft observations and a half-typed form draft holding the contact details."""
    learner = save_learner(session, None, {"given_names": given, "family_name": family,
                                           "email": email, "phone": phone,
                                           "notes": f"Prefers mornings ({email})"})
    session.get(Learner, learner).uln = ULN
    save_draft(session, DRAFT_FORM, learner, {"email": email, "phone": phone + "9"})
    qualification = session.scalars(select(Qualification.id).where(
        Qualification.kind == "qualification").order_by(Qualification.sort_order)).first()
    enrolment = enrol(session, learner, qualification, mandatory_units=True)
    records = {}
    for title in signed + drafts:
        records[title] = create_record(session, enrolment, "Obs", title=title)
    for title in signed:
        from app.evidence.mapping import map_criteria
        first, second = two_criteria(session, enrolment)
        map_criteria(session, records[title], {first: "met", second: "working_towards"})
        sign_record(session, "evidence_record", records[title],
                    **drawn(f"{given} {family}", "learner"))
    session.flush()
    return {"learner": learner, **records}


def _file_bytes(store) -> bytes:
    return b"".join(p.read_bytes() for p in store.data_dir.iterdir()
                    if p.is_file() and p.name.startswith("fieldfolio.sqlite3"))


def test_the_merged_record_without_signed_work_is_erased_with_the_kept_one(catalogue_store):
    store = catalogue_store
    kept = store.write_now(_record_of, "Amelia", "Hughes", "kept.amelia@example.org",
                           "07700 900111", signed=("Till drawer count",))
    other = store.write_now(_record_of, "Amelia", "Hughs", "other.amelia@example.org",
                            "07700 900222", drafts=("Greeting customers",))
    store.write_now(merge_learners, kept["learner"], other["learner"])
    draft_id = other["Greeting customers"]          # moved to the kept record, unsigned
    assert b"other.amelia@example.org" in _file_bytes(store)

    # Either record stands for the family: erasing by the merged one's id is the same.
    plan = store.read(erasure_preview, other["learner"]).plan()
    assert "The learner's other record, merged into this one, is covered too" in plan
    assert "it loses its name, ULN and date of birth too" in plan and "cannot be undone" in plan
    result = remove_files(store, store.write_now(erase_learner, other["learner"]))
    assert result.learner_id == kept["learner"] and result.merged == [(other["learner"], False)]
    assert (result.records_kept, result.records_erased, result.identity_kept) == (1, 1, True)
    words = result.words()
    assert "having no signed work of its own, it lost its name, ULN and date of birth" in words

    rows = store.read(lambda s: {i: (r.given_names, r.family_name, r.uln, r.email, r.phone,
                                     r.notes) for i in (kept["learner"], other["learner"])
                                 for r in [s.get(Learner, i)]})
    assert rows[kept["learner"]] == ("Amelia", "Hughes", ULN, "", "", "")
    assert rows[other["learner"]] == ("Erased", "learner", None, "", "", "")
    assert store.read(lambda s: s.get(EvidenceRecord, draft_id).title) == ""
    assert store.read(load_draft, DRAFT_FORM, other["learner"]) is None
    assert store.read(load_draft, DRAFT_FORM, kept["learner"]) is None
    data = _file_bytes(store)          # the store still open: the journal counts too
    for trace in (b"other.amelia@example.org", b"07700 900222", b"kept.amelia@example.org",
                  b"07700 900111", b"Prefers mornings", b"Greeting customers"):
        assert trace not in data, trace
    assert store.read(verify_integrity).ok


def test_a_merged_record_with_signed_work_keeps_its_identity_and_loses_the_rest(tmp_path,
                                                                               catalogue_store):
    store = catalogue_store
    kept = store.write_now(_record_of, "Amelia", "Hughes", "kept.amelia@example.org",
                           "07700 900111", drafts=("Stock rotation",))
    other = store.write_now(_record_of, "Amelia", "Hughs", "other.amelia@example.org",
                            "07700 900222", signed=("Greeting customers",),
                            drafts=("Handling a complaint",))
    store.write_now(merge_learners, kept["learner"], other["learner"])
    data_dir = store.data_dir
    store.close()

    def cli(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir",
                               str(data_dir), *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=300, env={k: v for k, v in os.environ.items()
                                                if k != "FIELDFOLIO_PASSPHRASE"})
    dry = cli("learner-erase", ULN)                 # the ULN names both records
    assert dry.returncode == 1 and "other record, merged into this one" in dry.stderr
    done = cli("learner-erase", ULN, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["learner_id"] == kept["learner"] and said["identity_kept"]
    assert said["merged_records"] == [{"learner_id": other["learner"], "identity_kept": True}]
    assert (said["records_kept"], said["records_erased"]) == (1, 2)
    assert "Erased Amelia Hughes's personal data" in said["message"]
    assert "it kept the name, ULN and date of birth its own signed work is about" \
        in said["message"]
    assert cli("verify").returncode == 0            # the merged record's signed work checks

    from app.db.store import Store
    with Store(data_dir).open() as again:
        merged = again.read(lambda s: s.get(Learner, other["learner"]))
        assert (merged.given_names, merged.family_name, merged.uln) == ("Amelia", "Hughs", ULN)
        assert (merged.email, merged.phone, merged.notes) == ("", "", "")
        signed = again.read(lambda s: s.get(EvidenceRecord, other["Greeting customers"]))
        assert signed.title == "Greeting customers" and signed.deleted_at is None
        data = _file_bytes(again)
    for trace in (b"other.amelia@example.org", b"07700 900222", b"kept.amelia@example.org",
                  b"Handling a complaint", b"Stock rotation"):
        assert trace not in data, trace
