"""Sufficiency rules: evidence that shows competence over time, not once.

EDI prints for each unit "You must provide evidence that shows you have done this over a
sufficient period of time with different customers on different occasions …". Whether the
period was long enough and the customers different is the assessor's judgement, and the
sentence is shown to them as printed. The occasions are what Fieldfolio can check without
judging: the records meeting the unit's ACs must carry different dates, at least as many
as the source says or, where it says only "different", two. Checked like any other rule, an
unmet one is a gap in the visit plan and stops the unit being signed off.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models import AssessmentRule


def counts_occasions(rule: AssessmentRule) -> bool:
    """Whether a rule counts occasions. An occasion is a date, wherever a source says it (a
    sufficiency rule here, a required observation "on more than one occasion" in
    app/evidence/progress.py): two records of one visit are one occasion."""
    return "occasion" in (rule.count_of or "").lower()


def occasions_needed(rule: AssessmentRule) -> int:
    """How many different dates a sufficiency rule asks for; 0 where it is about something
    dates cannot show (different customers alone), which stays the assessor's judgement."""
    if rule.kind != "sufficiency" or not counts_occasions(rule):
        return 0
    return max(2, rule.count or 0)


@dataclass
class SufficiencyGap:
    """Shaped like progress.RequirementGap, so the visit plan, the grid and sign-off treat
    it as one more rule: outstanding while the met evidence has too few dates."""
    needed: int
    dates: tuple[date, ...]          # different dates of records meeting ACs in scope, in order
    lo_number: str | None = None
    method: str | None = None        # a sufficiency rule names no method
    needs_checking = False

    @property
    def have(self) -> int:
        return len(self.dates)

    @property
    def outstanding(self) -> bool:
        return self.have < self.needed

    @property
    def text(self) -> str:
        scope = f"LO {self.lo_number}" if self.lo_number else "the unit"
        need = (f"{scope} needs evidence from different occasions (at least {self.needed} dates)"
                if self.needed == 2 else
                f"{scope} needs evidence from at least {self.needed} different occasions")
        if not self.dates:
            return f"Different occasions: no AC met yet; {need}."
        days = ", ".join(f"{d:%d/%m/%Y}" for d in self.dates)
        met = (f"the ACs met so far were met on {self.have} date{'s' if self.have > 1 else ''} "
               f"({days})")
        if not self.outstanding:
            return f"Different occasions: {met}."
        return f"Different occasions: {met}; {need}."
