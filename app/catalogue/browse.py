"""Reading the catalogue as an assessor or reviewer sees it: qualifications with their rules
of combination in words, units, learning outcomes and ACs with guidance, assessment rules
with the sentence they came from, and the corrections made to the source.

Plain dataclasses for the window, and `qualification_json` for `fieldfolio catalogue show`.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    AssessmentCriterion, AssessmentRule, LearningOutcome, Qualification, QualificationUnit,
    SpecPack, Unit,
)

METHOD_NAMES = {
    "Obs": "observation", "P": "product evidence", "Q": "questioning",
    "PD": "professional discussion", "Wt": "witness testimony", "EW": "expert witness",
    "RA": "reflective account", "A": "recognition of prior learning",
    "Sim": "simulation", "RWE": "realistic working environment", "Ot": "other evidence",
}
NO_RULES = "The source gives no rules of combination."


@dataclass(frozen=True)
class QualificationSummary:
    id: str
    kind: str                 # qualification | unit_bank
    title: str
    awarding_body: str
    ab_number: str | None
    regulator_number: str | None
    level: int | None
    credits: int | None
    glh: int | None
    tqt: int | None
    version_label: str | None
    pack_id: str
    unit_count: int


@dataclass(frozen=True)
class UnitSummary:
    id: str
    number: str
    reference: str | None
    title: str
    level: int | None
    credit: int | None
    glh: int | None
    unit_type: str | None     # knowledge | competence | mixed | None
    group: str | None
    also_in: tuple[str, ...] = ()   # other packs' titles carrying the same national unit


@dataclass
class QualificationDetail:
    summary: QualificationSummary
    rules_stated: bool
    rules: dict | None                    # as the pack holds them; None: the source gives none
    rules_in_words: list[str]
    missing: list[str]                    # what the source lacks, from the pack
    listed_not_specified: list[dict]
    corrections: list[dict]
    document_title: str | None
    source_file: str | None
    units: list[UnitSummary]


@dataclass(frozen=True)
class Criterion:
    id: str
    number: str
    text: str
    guidance: str | None
    source_line: int | None


@dataclass
class Outcome:
    number: str
    title: str
    lo_type: str | None
    guidance: str | None
    criteria: list[Criterion] = field(default_factory=list)


@dataclass(frozen=True)
class RuleInWords:
    lo_number: str | None
    kind: str
    method: str | None        # None for a sufficiency rule
    words: str
    source_line: int | None
    source_text: str | None


@dataclass
class UnitDetail:
    summary: UnitSummary
    pack_id: str
    aim: str | None
    assessment_requirements: str | None
    missing: list[str]
    outcomes: list[Outcome]
    rules: list[RuleInWords]
    corrections: list[dict]


# -- words ----------------------------------------------------------------------------------

def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# "on different occasions", "with different customers"
_DIFFERENT = {"occasions": "on", "customers": "with"}


def rule_in_words(kind: str, method: str | None, lo: str | None, count: int | None,
                  count_of: str | None, evidence: str | None = None) -> str:
    where = f"learning outcome {lo}" if lo else "the whole unit"
    if kind == "guidance":      # the source's advice: the assessor judges it
        about = evidence or (METHOD_NAMES.get(method, method) if method else "the evidence")
        return f"Guidance on {about} for {where} (the assessor's judgement)."
    if kind == "sufficiency":   # how much evidence, not which method
        what = count_of or "occasions"
        many = f"at least {count} different {what}" if count else f"different {what}"
        return (f"Evidence for {where} must show competence over a period of time, "
                f"{_DIFFERENT.get(what, 'from')} {many}.")
    name = METHOD_NAMES.get(method, method)
    if evidence:                # a narrower kind of evidence than the method
        name = f"{evidence} ({name})"
    if kind == "barred":
        return f"{name.capitalize()} is not permitted for {where}."
    if kind == "required":
        times = f" on at least {_plural(count, count_of or 'occasion')}" if count else ""
        return f"{name.capitalize()} is required for {where}{times}."
    if count and count_of:   # a cap: "at most 10 minutes of video clips in total"
        return f"{name.capitalize()} may be used for {where}: at most {count} {count_of}."
    return f"{name.capitalize()} may be used for {where}."


def rules_in_words(rules: dict | None, listed_only: set[str] = frozenset()) -> list[str]:
    if not rules:
        return [NO_RULES]
    out = []
    if rules.get("min_credits"):
        out.append(f"At least {rules['min_credits']} credits in total.")
    lvl = rules.get("min_credits_at_or_above_level")
    if lvl:
        out.append(f"At least {lvl['credits']} credits at level {lvl['level']} or above.")
    for g in rules.get("groups") or []:
        title = g.get("title") or f"Group {g.get('id')}"
        units = g.get("units") or []
        need = []
        if g.get("mandatory"):
            need.append("all of these units are mandatory")
        if g.get("min_units"):
            need.append(f"at least {_plural(g['min_units'], 'unit')}")
        if g.get("max_units") is not None:
            need.append(f"at most {_plural(g['max_units'], 'unit')}")
        if g.get("min_credits"):
            need.append(f"at least {g['min_credits']} credits")
        if g.get("max_credits") is not None:
            need.append(f"at most {g['max_credits']} credits")
        text = f"{title}: {'; '.join(need) or 'no minimum stated'}. Units: {', '.join(units)}."
        unspecified = [u for u in units if u in listed_only]
        if unspecified:
            text += (f" Listed in the source but not specified in it, so not yet choosable: "
                     f"{', '.join(unspecified)}.")
        out.append(text)
    for bar in rules.get("barred") or []:
        out.append(f"Barred combination: {' and '.join(bar)} cannot both be taken.")
    for o in rules.get("order") or []:
        said = o.get("source_text") or o.get("rule") or ""
        out.append(f"Order, unit {o.get('unit')}: “{said}”"
                   + (f" (line {o['source_line']})" if o.get("source_line") else ""))
    if rules.get("notes"):
        out.append(f"As printed: {rules['notes']}")
    if rules.get("source_lines"):
        lines = rules["source_lines"]
        out.append(f"(Source lines {lines[0]}–{lines[-1]}.)")
    return out


# -- queries --------------------------------------------------------------------------------

def _summary(q: Qualification, pack: SpecPack, count: int) -> QualificationSummary:
    return QualificationSummary(q.id, q.kind, q.title, q.awarding_body, q.ab_number,
                                q.regulator_number, q.level, q.credits, q.glh, q.tqt,
                                q.version_label, pack.pack_id, count)


def list_catalogue(session: Session) -> list[QualificationSummary]:
    counts = dict(session.execute(
        select(QualificationUnit.qualification_id, func.count())
        .group_by(QualificationUnit.qualification_id)).all())
    rows = session.execute(
        select(Qualification, SpecPack).join(SpecPack, SpecPack.id == Qualification.pack_row_id)
        .order_by(Qualification.kind, Qualification.title, SpecPack.loaded_at,
                  Qualification.sort_order)).all()
    return [_summary(q, p, counts.get(q.id, 0)) for q, p in rows]


def _also_in(session: Session, units: list[Unit]) -> dict[str, tuple[str, ...]]:
    """National references shared with other packs: the same unit, for carrying evidence."""
    refs = {u.reference for u in units if u.reference}
    if not refs:
        return {}
    rows = session.execute(
        select(Unit.reference, Unit.pack_row_id, Unit.number, SpecPack.pack_id,
               SpecPack.document_title)
        .join(SpecPack, SpecPack.id == Unit.pack_row_id).where(Unit.reference.in_(refs))).all()
    by_ref = defaultdict(list)
    for ref, pack_row, number, pack_id, title in rows:
        by_ref[ref].append((pack_row, f"{pack_id} (unit {number})"))
    out = {}
    for u in units:
        if u.reference:
            others = sorted({label for row, label in by_ref[u.reference] if row != u.pack_row_id})
            if others:
                out[u.id] = tuple(others)
    return out


def _unit_summary(u: Unit, group: str | None, also: dict) -> UnitSummary:
    return UnitSummary(u.id, u.number, u.reference, u.title, u.level, u.credit, u.glh,
                       u.unit_type, group, also.get(u.id, ()))


def qualification_detail(session: Session, qualification_id: str) -> QualificationDetail | None:
    q = session.get(Qualification, qualification_id)
    if q is None:
        return None
    pack = session.get(SpecPack, q.pack_row_id)
    rules = json.loads(q.rules_json) if q.rules_json else None
    group_of = {}
    for g in (rules or {}).get("groups") or []:
        for number in g.get("units") or []:
            group_of.setdefault(number, g.get("title") or f"Group {g.get('id')}")
    units = list(session.scalars(
        select(Unit).join(QualificationUnit, QualificationUnit.unit_id == Unit.id)
        .where(QualificationUnit.qualification_id == q.id).order_by(QualificationUnit.sort_order)))
    also = _also_in(session, units)
    listed = json.loads(pack.listed_not_specified_json or "[]")
    missing = json.loads(q.missing_json or "[]")
    missing += [m for m in json.loads(pack.missing_json or "[]") if m not in missing]
    return QualificationDetail(
        summary=_summary(q, pack, len(units)), rules_stated=rules is not None, rules=rules,
        rules_in_words=rules_in_words(rules, {i.get("number") for i in listed}),
        missing=missing, listed_not_specified=listed,
        corrections=json.loads(pack.corrections_json or "[]"),
        document_title=pack.document_title, source_file=pack.source_file,
        units=[_unit_summary(u, group_of.get(u.number, u.group_name), also) for u in units])


def unit_detail(session: Session, unit_id: str, group: str | None = None) -> UnitDetail | None:
    u = session.get(Unit, unit_id)
    if u is None:
        return None
    pack = session.get(SpecPack, u.pack_row_id)
    los = list(session.scalars(select(LearningOutcome).where(LearningOutcome.unit_id == u.id)
                               .order_by(LearningOutcome.sort_order)))
    acs = defaultdict(list)
    for ac in session.scalars(select(AssessmentCriterion).where(AssessmentCriterion.unit_id == u.id)
                              .order_by(AssessmentCriterion.sort_order)):
        acs[ac.lo_id].append(Criterion(ac.id, ac.number, ac.text, ac.guidance, ac.source_line))
    rules = [RuleInWords(r.lo_number, r.kind, r.method,
                         rule_in_words(r.kind, r.method, r.lo_number, r.count, r.count_of,
                                       r.evidence),
                         r.source_line, r.source_text)
             for r in session.scalars(select(AssessmentRule).where(AssessmentRule.unit_id == u.id)
                                      .order_by(AssessmentRule.sort_order))]
    prefix = f"units[{u.number}]"
    corrections = [c for c in json.loads(pack.corrections_json or "[]")
                   if str(c.get("field", "")).startswith(prefix)]
    return UnitDetail(
        summary=_unit_summary(u, group or u.group_name, _also_in(session, [u])),
        pack_id=pack.pack_id, aim=u.aim, assessment_requirements=u.assessment_requirements,
        missing=json.loads(u.missing_json or "[]"),
        outcomes=[Outcome(lo.number, lo.title, lo.lo_type, lo.guidance, acs[lo.id]) for lo in los],
        rules=rules, corrections=corrections)


def qualification_json(session: Session, qualification_id: str) -> dict | None:
    """The shape scripts rely on (see `fieldfolio catalogue show ID --json`)."""
    detail = qualification_detail(session, qualification_id)
    if detail is None:
        return None
    s = detail.summary
    units = []
    for us in detail.units:
        ud = unit_detail(session, us.id)
        units.append({
            "id": us.id, "number": us.number, "reference": us.reference, "title": us.title,
            "level": us.level, "credit": us.credit, "glh": us.glh, "type": us.unit_type,
            "group": us.group, "also_in": list(us.also_in),
            "learning_outcomes": [
                {"number": lo.number, "title": lo.title,
                 "criteria": [{"id": c.id, "number": c.number, "text": c.text}
                              for c in lo.criteria]}
                for lo in ud.outcomes],
            "assessment_rules": [{"lo": r.lo_number, "kind": r.kind, "method": r.method,
                                  "source_text": r.source_text} for r in ud.rules],
        })
    return {
        **{k: v for k, v in asdict(s).items() if k != "unit_count"},
        "rules_of_combination": detail.rules,
        "rules_in_words": detail.rules_in_words,
        "missing": detail.missing,
        "listed_not_specified": detail.listed_not_specified,
        "units": units,
    }
