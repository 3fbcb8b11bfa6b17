"""Every piece of evidence goes on paper, whatever its method: a record of each of the ten
methods made with the operations the editor uses (every field of the method filled, ACs met
and working towards with a note, a photo and a sound clip attached, a judgement with two
qualities not held), printed, and read back as an IQA would read the page."""
from __future__ import annotations

import hashlib
import re
import shutil
import wave
from datetime import date, timedelta

import pytest
from pdfcheck import pages_text
from sqlalchemy import select

from app.caseload.demo import load_demo_caseload
from app.caseload.validation import InvalidInput
from app.claims.paperwork import enrolment_pack_data
from app.claims.print import pdf_for
from app.db.store import Store
from app.documents.sample import signature_png
from app.evidence.attachments import attach_file
from app.evidence.mapping import barred_units, map_criteria
from app.evidence.methods import DETAILS, DetailField, method_name
from app.evidence.records import autosave_record, create_record
from app.models import AssessmentCriterion, EnrolmentUnit, Unit
from app.models.evidence import METHODS, CriterionMapping, EvidenceRecord
from tests.evidence.evidence_helpers import criteria_of, empty_enrolments

WITHOUT_A_FORM = ("P", "RA", "A", "Sim", "Ot")
PAGE_TITLE = {"P": "Product evidence record", "RA": "Reflective account record",
              "A": "Recognition of prior learning record", "Sim": "Simulation record",
              "Ot": "Record of other evidence"}
HELD = {"valid": True, "authentic": True, "current": True, "reliable": False, "sufficient": False}


def _flat(value: str) -> str:
    return " ".join(value.split())


def _value(method: str, key: str) -> str:
    """A value no other field or method prints, so finding it proves this field printed;
    short enough for the narrowest column (a bookmark's time) to hold it whole."""
    return "v" + hashlib.sha1(f"{method}.{key}".encode()).hexdigest()[:6]


def _details(method: str) -> dict:
    out = {}
    for f in DETAILS[method]:
        if f.kind == "time":
            out[f.key] = "09:41" if f.key == "start_time" else "10:52"
        elif f.kind.startswith("choice:"):
            out[f.key] = f.kind[7:].split("|")[-1]
        elif f.kind == "list":
            out[f.key] = [{key: _value(method, f"{f.key}{key}") for key, _ in f.columns}]
        else:
            out[f.key] = _value(method, f.key)
    return out


def _expected_values(method: str) -> list[str]:
    """What _details(method) typed, as single words that must be on the page."""
    values = []
    for key, typed in _details(method).items():
        if isinstance(typed, list):
            values += [v for row in typed for v in row.values()]
        else:
            values.append(typed)
    return values


def _portfolio(session) -> tuple[str, dict[str, tuple[str, str]]]:
    """An empty enrolment given one record of every method; returns the enrolment and, per
    method, (portfolio reference, record id). Dated newest first by method, so printing by
    date and printing by reference would differ. The enrolment is one whose units take
    every method somewhere (C&G 2794 bars 'other' as self-assessment in every unit)."""
    enrolment = next(e for e in empty_enrolments(session)
                     if all(len(barred_units(session, e.id, m)) < len(
                         session.scalars(_units(e.id)).all()) for m in METHODS))
    units = session.scalars(_units(enrolment.id)).all()
    made = {}
    for n, method in enumerate(METHODS):
        record_id = create_record(session, enrolment.id, method,
                                  title=f"{method_name(method)} for the test",
                                  on=date.today() - timedelta(days=n + 1),
                                  location=f"{method.lower()}wherevalue")
        problems = autosave_record(session, record_id, {"details": _details(method), **HELD})
        assert not problems, problems
        # Two ACs side by side where the rules take this method (some bar it for an LO).
        pairs = ((acs[i], acs[i + 1]) for unit_id in units
                 for acs in [criteria_of(session, unit_id)] for i in range(len(acs) - 1))
        for met, towards in pairs:
            try:
                map_criteria(session, record_id, {met: "met", towards: "working_towards"},
                             notes={met: f"{method.lower()}notevalue"})
                break
            except InvalidInput:
                continue
        else:
            raise AssertionError(f"no unit of this enrolment takes {method}")
        made[method] = (session.get(EvidenceRecord, record_id).portfolio_ref, record_id)
    return enrolment.id, made


def _mapped(session, made) -> dict[str, list[tuple[str, str]]]:
    """Per method, the (unit, AC) numbers its record was mapped to."""
    return {method: session.execute(
        select(Unit.number, AssessmentCriterion.number)
        .join(AssessmentCriterion, AssessmentCriterion.unit_id == Unit.id)
        .join(CriterionMapping, CriterionMapping.criterion_id == AssessmentCriterion.id)
        .where(CriterionMapping.record_id == record_id)
        .order_by(CriterionMapping.status)).all()            # "met" before "working_towards"
        for method, (_, record_id) in made.items()}


def _units(enrolment_id):
    return (select(EnrolmentUnit.unit_id).join(Unit, Unit.id == EnrolmentUnit.unit_id)
            .where(EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None))
            .order_by(Unit.number))


def _clip(path, seconds: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(4000)
        w.writeframes(b"\x80" * 4000 * seconds)


@pytest.fixture(scope="module")
def printed(tmp_path_factory, catalogue_db):
    """The portfolio, and its records and claim pack as PDFs (built once: the demo and ten
    records take a few seconds)."""
    folder = tmp_path_factory.mktemp("every_method")
    shutil.copytree(catalogue_db, folder / "data")
    with Store(folder / "data") as store:
        store.write_now(load_demo_caseload)
        enrolment_id, made = store.write_now(_portfolio)
        photo, clip = folder / "till-receipt.png", folder / "huddle.wav"
        photo.write_bytes(signature_png(4))
        _clip(clip, 65)
        for method, (_, record_id) in made.items():
            attach_file(store, record_id, photo, caption=f"{method.lower()}captionvalue")
            attach_file(store, record_id, clip)
        records = store.read(enrolment_pack_data, enrolment_id, "records")
        # No claim is made here, so there is no claim pack to print (issue 12); the pack
        # builder is given these records to check its contents and order.
        pack = records
        criteria = store.read(_mapped, made)
    return {"made": made, "records": pages_text(pdf_for(records, "records")),
            "pack": pages_text(pdf_for(pack, "claim-pack")), "criteria": criteria,
            "photo_sha": hashlib.sha256(photo.read_bytes()).hexdigest(),
            "photo_size": photo.stat().st_size}


def _record_pages(texts: list[str], reference: str) -> str:
    """The text of the pages whose footer names this record."""
    own = [_flat(t) for t in texts if re.search(rf"Reference: {re.escape(reference)}\b", _flat(t))]
    assert own, f"{reference} is not printed"
    return " ".join(own)


@pytest.mark.parametrize("method", list(METHODS))
def test_each_method_prints_its_reference_fields_criteria_files_judgement_and_signatures(
        printed, method):
    reference, _ = printed["made"][method]
    page = _record_pages(printed["records"], reference)
    assert f"Reference {reference}" in page
    assert f"{method.lower()}wherevalue" in page
    # Every field the editor shows for this method, whichever page design prints it.
    for value in _expected_values(method):
        assert value in page, (method, value)
    if method in WITHOUT_A_FORM:
        assert PAGE_TITLE[method] in page
        assert f"{method_name(method)} ({method})" in page
        for f in DETAILS[method]:
            assert _flat(f.label) in page, (method, f.label)
    # The ACs it covers, each with the decision and the note.
    (unit, met), (_, towards) = printed["criteria"][method]
    assert re.search(rf"\b{unit} {re.escape(met)} .{{0,300}}? Assessor's note: "
                     rf"{method.lower()}notevalue Met {unit} {re.escape(towards)} .{{0,300}}? "
                     rf"Working towards\b", page), (method, unit, met, towards)
    # The files, as an IQA checks them against the store.
    assert "till-receipt.png image/png" in page
    assert printed["photo_sha"][:12] in page
    assert f"{method.lower()}captionvalue" in page
    assert "huddle.wav" in page and "1:05" in page
    # The judgement, quality by quality, and who signs.
    for quality, held in HELD.items():
        assert f"{quality.capitalize()}: {'yes' if held else 'no'}" in page
    assert "Assessor signature" in page
    if method == "Wt":
        assert "Witness signature" in page
    elif method == "EW":
        assert "Expert witness signature" in page
        assert "Occupational competence" in page and _value("EW", "competence") in page
    else:
        assert "Learner signature" in page
    assert "To be signed by hand" in page


def test_every_page_of_a_record_says_whose_it_is_and_page_x_of_y(printed):
    texts = printed["records"]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in _flat(text)


def test_claim_pack_lists_every_record_in_portfolio_reference_order(printed):
    texts = [_flat(t) for t in printed["pack"]]
    contents = texts[0]
    references = [ref for ref, _ in printed["made"].values()]
    found = []
    for ref in references:
        match = re.search(re.escape(ref) + r" not signed (\d+)", contents)
        assert match, ref
        page = int(match.group(1))
        assert f"Reference: {ref}" in texts[page - 1], (ref, page)
        found.append((page, ref))
    # Ordered as an IQA looks references up, not by the date the evidence was gathered.
    assert [ref for _, ref in sorted(found)] == sorted(references)
    for method in WITHOUT_A_FORM:
        assert f"{method_name(method)}: {method_name(method)} for the test"[:30] in contents


def test_a_field_added_to_a_method_is_printed_without_a_new_page_design(monkeypatch, demo_store):
    """DETAILS drives the paper: a field no page was designed for still prints, under its
    label, for a method with a form of its own as for one without."""
    for method in ("Obs", "P"):
        monkeypatch.setitem(DETAILS, method, DETAILS[method] + (
            DetailField("weather", "Weather on the day", "line"),))

    def make(session):
        enrolment = empty_enrolments(session)[0]
        ids = []
        for method in ("Obs", "P"):
            record_id = create_record(session, enrolment.id, method, title="New field")
            details = _details(method)
            details["weather"] = f"{method.lower()}weathervalue"
            autosave_record(session, record_id, {"details": details})
            ids.append(session.get(EvidenceRecord, record_id).portfolio_ref)
        return enrolment.id, ids

    enrolment_id, refs = demo_store.write_now(make)
    texts = pages_text(pdf_for(demo_store.read(enrolment_pack_data, enrolment_id, "records"),
                               "records"))
    for method, ref in zip(("Obs", "P"), refs):
        page = _record_pages(texts, ref)
        assert f"Weather on the day {method.lower()}weathervalue" in page
