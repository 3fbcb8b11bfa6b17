"""The assessment requirements at an AC, as the assessor meets them while mapping a record.

The catalogue's rules for a unit (specs/FORMAT.md: barred, required, allowed, sufficiency,
guidance), each with its source sentence and line, read for the LO an AC sits in and judged
against the record being mapped: does this record's method (and, for a rule about a
narrower kind of evidence such as a self-assessment, what the record says it is) meet the
rule, break it, or leave it to the assessor's judgement? The source sometimes contradicts
itself (C&G 2794 bars "any methods of self-assessment" for every portfolio unit, then
expects one in unit 201 LO 4): both sentences are kept and each is marked as a conflict,
never one silently dropped. Where a bar and a requirement collide, the narrower scope (the
LO) speaks for the evidence in it; a bar is never lifted by a mere "allowed".

Mapping refuses what this says is barred (app/evidence/mapping.py) and the criteria
picker shows the rest, so both read the rules one way. A unit's rules are one indexed query
(a dozen rows at most), so showing them as the assessor moves through the ACs costs
nothing the picker would notice.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.evidence.methods import method_name, record_evidence
from app.models import AssessmentRule
from app.models.evidence import EvidenceRecord

BARS, MEETS, NEEDS_OTHER, ALLOWS, JUDGEMENT, CONFLICT, NOT_THIS = (
    "bars", "meets", "needs_other", "allows", "judgement", "conflict", "not_this")
# Colour is never the only signal: each verdict has a symbol and words.
VERDICT_SYMBOLS = {BARS: "✗", MEETS: "✓", NEEDS_OTHER: "!", ALLOWS: "✓", JUDGEMENT: "◇",
                   CONFLICT: "⚠", NOT_THIS: "·"}


@dataclass(frozen=True)
class Requirement:
    """One rule as printed, with what it asks in plain words."""
    kind: str                    # barred | required | allowed | sufficiency | guidance
    method: str | None
    evidence: str | None         # narrower than the method ("self-assessment"), or None
    lo_number: str | None        # None: the whole unit
    count: int | None
    count_of: str | None
    source_line: int | None
    source_text: str
    conflicts_with: tuple[int, ...] = ()   # source lines of rules this one contradicts

    @property
    def what(self) -> str:
        """The rule in a few words, for the line above the source's sentence."""
        thing = self.evidence or (method_name(self.method) if self.method else "evidence")
        many = f" on at least {self.count} {self.count_of}" if self.count and self.count_of \
            and self.kind == "required" else ""
        return {
            "barred": f"{thing[:1].upper()}{thing[1:]} barred",
            "required": f"{thing[:1].upper()}{thing[1:]} required{many}",
            "allowed": f"{thing[:1].upper()}{thing[1:]} allowed" + (
                f" (at most {self.count} {self.count_of})" if self.count else ""),
            "sufficiency": f"Evidence from different {self.count_of or 'occasions'}",
            "guidance": f"Guidance on {thing}" if self.method or self.evidence
            else f"Guidance: {_opening(self.source_text)}",
        }.get(self.kind, self.kind)

    @property
    def quoted(self) -> str:
        where = f", source line {self.source_line}" if self.source_line else ""
        return f"“{self.source_text.strip()}”{where}"

    def applies_to(self, method: str, evidence: str | None = None) -> bool:
        """Whether the rule is about a record of `method` (saying it is `evidence`)."""
        if self.method is not None and self.method != method:
            return False
        return self.evidence is None or self.evidence == evidence


def _opening(text: str, words: int = 5) -> str:
    """The first few words of a sentence, to name guidance that is about no one method."""
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


@dataclass(frozen=True)
class Judged:
    """A requirement at an AC, judged for one record."""
    requirement: Requirement
    verdict: str

    @property
    def symbol(self) -> str:
        return VERDICT_SYMBOLS[self.verdict]

    @property
    def words(self) -> str:
        r = self.requirement
        if self.verdict == CONFLICT:
            lines = ", ".join(str(n) for n in r.conflicts_with)
            return f"the source contradicts itself here (see line{'s' if ',' in lines else ''} {lines})"
        return {
            BARS: "this record is barred here",
            MEETS: "this record's method is the one required: it counts once it meets the ACs",
            NEEDS_OTHER: f"needs {method_name(r.method) if r.method else 'other evidence'}; "
                         "this record is not it",
            ALLOWS: "the source allows this record's method",
            JUDGEMENT: "for the assessor's judgement",
            NOT_THIS: "about other evidence than this record",
        }[self.verdict]


def _with_conflicts(rules: list[Requirement]) -> list[Requirement]:
    """Mark a bar and a requirement or allowance of the same evidence, in scopes that
    overlap, as contradicting each other (each names the other's line)."""
    out = []
    for r in rules:
        against = tuple(o.source_line or 0 for o in rules if o is not r and _contradict(r, o))
        out.append(replace(r, conflicts_with=against) if against else r)
    return out


def _contradict(a: Requirement, b: Requirement) -> bool:
    if {a.kind, b.kind} not in ({"barred", "required"}, {"barred", "allowed"}):
        return False
    if a.method is None or a.method != b.method or a.evidence != b.evidence:
        return False
    if a.kind == "allowed" or b.kind == "allowed":
        # a cap ("10 minutes of video") allows within a limit; it is not an allowance at odds
        if (a.count or b.count):
            return False
    return a.lo_number is None or b.lo_number is None or a.lo_number == b.lo_number


def _rules_of(session: Session, unit_ids: list[str]) -> dict[str, tuple[Requirement, ...]]:
    """unit_id -> its rules in the source's order, each conflict marked (one query)."""
    by_unit: dict[str, list[Requirement]] = {}
    for unit_id, kind, method, evidence, lo, count, count_of, line, text in session.execute(
            select(AssessmentRule.unit_id, AssessmentRule.kind, AssessmentRule.method,
                   AssessmentRule.evidence, AssessmentRule.lo_number, AssessmentRule.count,
                   AssessmentRule.count_of, AssessmentRule.source_line, AssessmentRule.source_text)
            .where(AssessmentRule.unit_id.in_(unit_ids)).order_by(AssessmentRule.sort_order)):
        by_unit.setdefault(unit_id, []).append(
            Requirement(kind, method, evidence, lo, count, count_of, line, text or ""))
    return {u: tuple(_with_conflicts(rules)) for u, rules in by_unit.items()}


def unit_requirements(session: Session, unit_id: str) -> tuple[Requirement, ...]:
    """Every rule of a unit, in the source's order, each conflict marked."""
    return _rules_of(session, [unit_id]).get(unit_id, ())


def said_evidence(session: Session, record_id: str) -> str | None:
    """What a record says it is, for the rare rule about a narrower kind of evidence than
    its method ("self-assessment"), read from what is saved (the picker asks as the
    assessor moves through the ACs, after the record's form may have changed it)."""
    row = session.execute(select(EvidenceRecord.method, EvidenceRecord.details_json).where(
        EvidenceRecord.id == record_id)).first()
    return record_evidence(row.method, json.loads(row.details_json or "{}")) if row else None


def at_outcome(rules: tuple[Requirement, ...], lo_number: str) -> list[Requirement]:
    """The rules that apply to the ACs of one LO: the unit's own and the LO's."""
    return [r for r in rules if r.lo_number is None or r.lo_number == lo_number]


def judge(rules: list[Requirement], method: str, evidence: str | None = None) -> list[Judged]:
    """Each rule at an LO, judged for a record of `method` (saying it is `evidence`)."""
    out = []
    lifted = _lifted_bars(rules, method, evidence)
    for r in rules:
        if r.conflicts_with and r.applies_to(method, evidence) and r.kind in (
                "barred", "required"):
            verdict = CONFLICT
        elif r.kind == "barred":
            verdict = (BARS if r not in lifted else CONFLICT) if r.applies_to(method, evidence) \
                else NOT_THIS
        elif r.kind == "required":
            verdict = MEETS if r.applies_to(method, evidence) else NEEDS_OTHER
        elif r.kind == "allowed" and r.method is not None:
            verdict = ALLOWS if r.applies_to(method, evidence) else NOT_THIS
        else:
            verdict = JUDGEMENT
        out.append(Judged(r, verdict))
    return out


def _lifted_bars(rules: list[Requirement], method: str, evidence: str | None) -> set:
    """Unit-wide bars that an LO's own requirement of the same evidence overrides (the
    narrower scope speaks for its ACs; the conflict is still shown)."""
    required_here = [r for r in rules if r.kind == "required" and r.lo_number is not None
                     and r.applies_to(method, evidence)]
    return {r for r in rules if r.kind == "barred" and r.lo_number is None
            and any(q.method == r.method and q.evidence == r.evidence for q in required_here)}


def bar_at(rules: list[Requirement], method: str, evidence: str | None = None) -> Requirement | None:
    """The rule barring a record of `method` from the ACs these rules cover, or None."""
    lifted = _lifted_bars(rules, method, evidence)
    return next((r for r in rules if r.kind == "barred" and r.applies_to(method, evidence)
                 and r not in lifted), None)


def requirement_lines(session: Session, enrolment_id: str, method: str) -> dict[str, str]:
    """criterion_id -> one line naming the requirements at that AC for a record of `method`,
    each with its source line, for the criteria picker's line under every AC. Rules about a
    narrower kind of evidence (a self-assessment) are named without a verdict: what the
    record says it is shows in the strip under the tree. Three queries per enrolment."""
    from app.caseload.same_enrolment import kept_enrolment_id
    from app.models import AssessmentCriterion, EnrolmentUnit, LearningOutcome
    enrolment_id = kept_enrolment_id(session, enrolment_id)   # units are chosen there
    unit_ids = session.scalars(select(EnrolmentUnit.unit_id).where(
        EnrolmentUnit.enrolment_id == enrolment_id, EnrolmentUnit.deleted_at.is_(None))).all()
    by_unit = _rules_of(session, unit_ids)
    lines: dict[tuple[str, str], str] = {}
    out = {}
    for criterion_id, unit_id, lo in session.execute(
            select(AssessmentCriterion.id, AssessmentCriterion.unit_id, LearningOutcome.number)
            .join(LearningOutcome, LearningOutcome.id == AssessmentCriterion.lo_id)
            .where(AssessmentCriterion.unit_id.in_(list(by_unit)))):
        key = (unit_id, lo)
        if key not in lines:
            lines[key] = _summary(judge(at_outcome(by_unit[unit_id], lo), method))
        if lines[key]:
            out[criterion_id] = lines[key]
    return out


PRESSING = [CONFLICT, BARS, NEEDS_OTHER, MEETS, ALLOWS, JUDGEMENT, NOT_THIS]


def most_pressing_first(judged: list[Judged]) -> list[Judged]:
    """Conflicts and bars before what is met or merely advised (stable: source order within)."""
    return sorted(judged, key=lambda j: PRESSING.index(j.verdict))


def _summary(judged: list[Judged]) -> str:
    """'Rules (source line): ✗ Simulation / assignment barred (2802) · ◇ Evidence from
    different occasions (2812)': the most pressing first, each with its source line."""
    lines: dict[str, list[str]] = {}      # the same rule printed twice is named once
    for j in most_pressing_first(judged):
        r = j.requirement
        if j.verdict == NOT_THIS and not r.evidence:
            continue    # about another method: in the strip under the tree, not on every AC
        symbol = "?" if r.evidence else j.symbol
        lines.setdefault(f"{symbol} {r.what}", []).append(str(r.source_line))
    parts = [f"{what} ({', '.join(dict.fromkeys(at))})" for what, at in lines.items()]
    return "Rules (source line): " + " · ".join(parts) if parts else ""
