"""Loading specification packs into the database.

A pack is loaded whole or not at all (one transaction on the writer thread), after
`app.catalogue.pack` has validated it. Rows get deterministic ids so every device that
loads the same pack agrees on each AC's id. Loading the same pack twice does nothing; a
changed pack (a newer qualification version) is added beside the old one, which stays for
the enrolments pinned to it. A pack corrected in place is the exception
(app/catalogue/corrected_in_place.py).
"""
from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app import paths
from app.catalogue.corrected_in_place import ids_from
from app.db.changes import mark_catalogue_changed
from app.models import (
    AssessmentCriterion, AssessmentRule, LearningOutcome, Qualification, QualificationUnit,
    SpecPack, Unit,
)

_NAMESPACE = uuid.UUID("6b0d1f0e-5a43-4b39-9f5e-0f1e1d2c3b4a")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "|".join(parts)))


def pack_files(directory: Path | None = None) -> list[Path]:
    directory = directory or paths.specs_dir()
    return sorted(p for p in directory.glob("*.json") if not p.name.endswith(".schema.json"))


def read_pack(path: Path) -> tuple[dict, str]:
    """Validated pack content and the SHA-256 of its bytes. Raises PackError."""
    from app.catalogue.pack import load_pack
    raw = Path(path).read_bytes()
    return load_pack(path), hashlib.sha256(raw).hexdigest()


def load_pack_data(session: Session, data: dict, sha: str) -> tuple[str, bool]:
    """Insert one validated pack. Returns (spec_pack row id, whether it was new)."""
    existing = session.scalars(select(SpecPack).where(SpecPack.sha256 == sha)).first()
    if existing:
        return existing.id, False
    id_sha = ids_from(sha)     # a pack corrected in place keeps the ids it corrects
    pack_row = _id(id_sha)
    if session.get(SpecPack, pack_row) is not None:   # the pack a loaded one corrects
        return pack_row, False
    mark_catalogue_changed(session)
    src = data.get("source") or {}
    session.add(SpecPack(
        id=pack_row, pack_id=data["pack_id"], sha256=sha, kind=data["kind"],
        awarding_body=data["awarding_body"], document_title=src.get("document_title"),
        document_version=src.get("document_version"), document_date=src.get("document_date"),
        source_file=src.get("file"), missing_json=json.dumps(data.get("missing") or []),
        corrections_json=json.dumps(data.get("corrections") or [], ensure_ascii=False),
        listed_not_specified_json=json.dumps(data.get("listed_not_specified") or [],
                                             ensure_ascii=False)))
    session.flush()
    unit_ids: dict[str, str] = {}
    rules: list[dict] = []
    for u_order, unit in enumerate(data["units"]):
        unit_id = _id(id_sha, "unit", unit["number"])
        unit_ids[unit["number"]] = unit_id
        session.add(Unit(
            id=unit_id, pack_row_id=pack_row, number=unit["number"],
            reference=unit.get("reference"), title=unit["title"], level=unit.get("level"),
            credit=unit.get("credit"), glh=unit.get("glh"), unit_type=unit.get("type"),
            group_name=unit.get("group"), aim=unit.get("aim"),
            assessment_requirements=unit.get("assessment_requirements"),
            missing_json=json.dumps(unit.get("missing") or [], ensure_ascii=False),
            sort_order=u_order))
        for lo_order, lo in enumerate(unit["learning_outcomes"]):
            lo_id = _id(id_sha, "lo", unit["number"], lo["number"])
            session.add(LearningOutcome(
                id=lo_id, unit_id=unit_id, number=lo["number"], title=lo.get("title") or "",
                lo_type=lo.get("type"), guidance=lo.get("guidance"), sort_order=lo_order))
            for ac_order, ac in enumerate(lo["criteria"]):
                session.add(AssessmentCriterion(
                    id=_id(id_sha, "ac", unit["number"], lo["number"], ac["number"], str(ac_order)),
                    lo_id=lo_id, unit_id=unit_id, number=ac["number"], text=ac["text"],
                    guidance=ac.get("guidance"), source_line=ac.get("source_line"),
                    sort_order=ac_order))
        for r_order, rule in enumerate(unit.get("assessment_rules") or []):
            rules.append(dict(
                id=_id(id_sha, "rule", unit["number"], str(r_order)), unit_id=unit_id,
                lo_number=rule.get("lo"), kind=rule["kind"], method=rule["method"],
                count=rule.get("count"), count_of=rule.get("count_of"),
                source_line=rule.get("source_line"), source_text=rule.get("source_text"),
                sort_order=r_order,
                **({"evidence": rule["evidence"]} if rule.get("evidence") else {})))
    session.flush()
    # Rules naming no narrower evidence are inserted without that column, so a pack of an
    # older shape still loads into a database of an older schema (the migration tests).
    for has_evidence in (False, True):
        batch = [r for r in rules if ("evidence" in r) == has_evidence]
        if batch:
            session.execute(insert(AssessmentRule), batch)
    session.flush()
    qualifications = data.get("qualifications") or []
    if data["kind"] == "unit_bank" or not qualifications:
        qualifications = [{
            "title": src.get("document_title") or data["pack_id"], "units": list(unit_ids),
            "rules_of_combination": None, "kind": "unit_bank",
            "missing": ["This is a bank of units, not a qualification: any units may be chosen."],
        }]
    for q_order, qual in enumerate(qualifications):
        q_id = _id(id_sha, "qualification", str(q_order))
        session.add(Qualification(
            id=q_id, pack_row_id=pack_row, kind=qual.get("kind", data["kind"]),
            title=qual["title"], awarding_body=data["awarding_body"],
            ab_number=qual.get("ab_number"), regulator_number=qual.get("regulator_number"),
            level=qual.get("level"), glh=qual.get("glh"), tqt=qual.get("tqt"),
            credits=qual.get("credits"), version_label=src.get("document_version"),
            rules_json=json.dumps(qual["rules_of_combination"], ensure_ascii=False)
            if qual.get("rules_of_combination") else None,
            missing_json=json.dumps(qual.get("missing") or [], ensure_ascii=False),
            sort_order=q_order))
        session.flush()
        for order, number in enumerate(qual.get("units") or []):
            if number in unit_ids:
                session.add(QualificationUnit(qualification_id=q_id, unit_id=unit_ids[number],
                                              sort_order=order))
    session.flush()
    return pack_row, True


def load_bundled_packs(session: Session, directory: Path | None = None) -> list[str]:
    """First start and every upgrade: load any shipped pack not yet in the database.
    Returns the pack ids newly loaded. A shipped pack that fails validation is a bug in
    this build; it raises rather than loading half a catalogue."""
    from app.catalogue.search import refill_if_stale
    loaded = []
    known = set(session.scalars(select(SpecPack.sha256)))
    for path in pack_files(directory):
        # Validating every pack costs most of a second; a pack whose exact bytes are
        # already loaded was validated then, so start-up skips it.
        if hashlib.sha256(path.read_bytes()).hexdigest() in known:
            continue
        data, sha = read_pack(path)
        _, new = load_pack_data(session, data, sha)
        if new:
            loaded.append(data["pack_id"])
    refill_if_stale(session)
    return loaded
