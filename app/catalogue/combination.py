"""Checks a choice of units against a qualification's rules of combination.

Rules come from the specification pack exactly as the awarding body prints them (see
specs/FORMAT.md). The result lists what is missing in words an assessor would say to a
learner, e.g. "Choose 2 more credits from Group B (optional units)".
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnitFacts:
    number: str
    credit: int | None
    level: int | None


@dataclass
class CombinationCheck:
    rules_stated: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total_credits: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.rules_stated:
            return ("The source document gives no rules of combination for this "
                    "qualification, so any choice of units is accepted.")
        if self.ok:
            return "This choice of units meets the rules of combination." + (
                f" ({self.total_credits} credits)" if self.total_credits else "")
        return "Not yet a full award: " + " ".join(self.problems)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _mandatory(title: str) -> str:
    """"mandatory " unless the group's title says it already: "Mandatory units: units 201,
    203 are not in this claim", not "Mandatory units: mandatory units 201…"."""
    return "" if "mandatory" in title.lower() else "mandatory "


# What the units being checked are, in the words of each place that checks them: the units
# an enrolment chose, the units a claim claims, the units signed off so far. (A claim said
# mandatory units "are not chosen" when they were chosen, only not yet claimed.)
WORDING = {"chosen": ("choose", "chosen", "not chosen", ""),
           "claimed": ("claim", "claimed", "not in this claim", "in this claim"),
           "signed off": ("sign off", "signed off", "not signed off yet", "signed off yet")}


def check_combination(rules: dict | None, units: dict[str, UnitFacts],
                      chosen: set[str], wording: str = "chosen") -> CombinationCheck:
    """`wording`: a key of WORDING, saying what `chosen` holds."""
    do, done, not_done, so_far = WORDING[wording]
    if not rules:
        return CombinationCheck(rules_stated=False)
    result = CombinationCheck(rules_stated=True)
    unknown = sorted(chosen - set(units))
    for number in unknown:
        result.problems.append(f"Unit {number} is not part of this qualification.")
    chosen = chosen & set(units)
    credits = {n: units[n].credit or 0 for n in chosen}
    result.total_credits = sum(credits.values())

    for group in rules.get("groups") or []:
        members = [u for u in group.get("units", []) if u in units]
        # A structure table may list units whose content the source never prints (the
        # pack's listed_not_specified): nobody can choose or evidence them until a pack
        # that specifies them is loaded, so say that rather than "choose one more".
        unspecified = [u for u in group.get("units", []) if u not in units]
        picked = [u for u in members if u in chosen]
        title = group.get("title") or f"Group {group.get('id')}"
        needs_some = (group.get("mandatory") or group.get("min_units")
                      or group.get("min_credits"))
        # Paper (a claim form, a unit summary) is read by the awarding body: it says which
        # units the claim or the learner lacks, not what this software's catalogue lacks.
        on_paper = bool(so_far)
        if unspecified and not members and needs_some:
            result.problems.append(
                f"{title}: none of its units ({', '.join(unspecified)}) is {so_far}."
                if on_paper else
                f"{title}: none of its units ({', '.join(unspecified)}) is specified in the "
                f"source document, so this group cannot be completed until a specification "
                f"pack with those units is loaded.")
            continue
        if unspecified and group.get("mandatory"):
            are = 'is' if len(unspecified) == 1 else 'are'
            result.problems.append(
                f"{title}: {_mandatory(title)}{'unit' if len(unspecified) == 1 else 'units'} "
                f"{', '.join(unspecified)} {are} "
                + (f"{not_done}." if on_paper else
                   "not specified in the source document, so the award cannot be completed "
                   "yet."))
        elif unspecified:
            result.notes.append(
                f"{title}: {_plural(len(unspecified), 'unit')} listed by the source but not "
                f"specified ({', '.join(unspecified)}) cannot be chosen yet.")
        if group.get("mandatory"):
            missing = [u for u in members if u not in chosen]
            if missing:
                result.problems.append(
                    f"{title}: {_mandatory(title)}{'unit' if len(missing) == 1 else 'units'} "
                    f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} {not_done}.")
        got_credits = sum(credits[u] for u in picked)
        lo_c, hi_c = group.get("min_credits"), group.get("max_credits")
        lo_u, hi_u = group.get("min_units"), group.get("max_units")
        if lo_c and got_credits < lo_c:
            result.problems.append(
                f"{title}: {do} {_plural(lo_c - got_credits, 'more credit')} "
                f"(at least {lo_c}; {got_credits} {done}).")
        if hi_c is not None and got_credits > hi_c:
            result.problems.append(
                f"{title}: at most {hi_c} credits count from this group; {got_credits} {done}.")
        if lo_u and len(picked) < lo_u:
            result.problems.append(
                f"{title}: {do} {_plural(lo_u - len(picked), 'more unit')} "
                f"(at least {lo_u}; {len(picked)} {done}).")
        if hi_u is not None and len(picked) > hi_u:
            result.problems.append(f"{title}: at most {_plural(hi_u, 'unit')}; {len(picked)} {done}.")

    minimum = rules.get("min_credits")
    if minimum and result.total_credits < minimum:
        result.problems.append(
            f"The qualification needs at least {minimum} credits; {result.total_credits} {done} "
            f"({minimum - result.total_credits} more).")
    level_rule = rules.get("min_credits_at_or_above_level")
    if level_rule:
        level, needed = level_rule["level"], level_rule["credits"]
        got = sum(credits[u] for u in chosen if (units[u].level or 0) >= level)
        if got < needed:
            result.problems.append(
                f"At least {needed} credits must be at level {level} or above; {got} {done}.")
    for barred in rules.get("barred") or []:
        together = [u for u in barred if u in chosen]
        if len(together) > 1:
            result.problems.append(
                f"Units {' and '.join(together)} cannot be taken together (barred combination).")
    if rules.get("notes"):
        result.notes.append(rules["notes"])
    return result
