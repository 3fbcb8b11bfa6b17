"""Load and validate Fieldfolio specification packs (specs/FORMAT.md).

Pure Python: no Qt.  ``load_pack(path)`` returns the pack as a dict or raises
``PackError`` carrying every problem found; ``validate_pack(data)`` returns the problems
(an empty list for a good pack).  Each ``PackProblem`` says where (a path such as
``units[UBU1 / CS 1].learning_outcomes[2].criteria[2.3].text``, and the line and column
for a file that is not valid JSON) and what is wrong, in plain English.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from app import paths

# Found as every shipped file is (checkout, bundle or installed wheel), not beside this file.
SCHEMA_PATH = paths.specs_dir() / "pack.schema.json"

METHOD_CODES = ("Obs", "P", "Q", "PD", "Wt", "EW", "RA", "A", "Sim", "RWE", "Ot")

__all__ = ["PackProblem", "PackError", "load_pack", "validate_pack", "ac_sort_key",
           "METHOD_CODES", "SCHEMA_PATH"]


@dataclass(frozen=True)
class PackProblem:
    path: str            # where in the pack ("" for the whole file)
    message: str         # what is wrong, plain English, including the path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return self.message


class PackError(Exception):
    """A pack could not be loaded; ``problems`` lists everything that is wrong."""

    def __init__(self, problems: list[PackProblem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        n = len(self.problems)
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} in specification pack"]
        lines += [f"  - {p.message}" for p in self.problems]
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------------------


def ac_sort_key(number: str) -> tuple:
    """Numeric sort key for LO / AC numbers: '2.10' after '2.9'; '1. 8' and '2.3.' tolerated.

    Non-numeric parts sort after numeric ones, alphabetically.
    """
    parts = re.split(r"[.\s]+", str(number).strip().strip("."))
    key = []
    for p in parts:
        if p.isdigit():
            key.append((0, int(p), ""))
        elif p:
            key.append((1, 0, p))
    return tuple(key)


def _norm(number: Any) -> str:
    return re.sub(r"\s+", "", str(number)).rstrip(".")


def load_pack(path: str | Path) -> dict:
    """Read and validate a pack file. Raises ``PackError`` with every problem found."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise PackError([PackProblem("", f"cannot read the file: {e.strerror or e}")],
                        str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise PackError([PackProblem(
            "", f"line {line}, column {col}: the file is not UTF-8 text (byte "
                f"0x{raw[e.start]:02x} cannot be decoded)", line, col)], str(path)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise PackError([PackProblem(
            "", f"line {e.lineno}, column {e.colno}: the file is not valid JSON "
                f"({e.msg})", e.lineno, e.colno)], str(path)) from None
    problems = validate_pack(data)
    if problems:
        raise PackError(problems, str(path))
    return data


# ---------------------------------------------------------------------------
# Paths


def _fmt_path(data: Any, parts: Iterable[Any]) -> str:
    """Readable path: list elements with a 'number' are named by it, others by index."""
    out = ""
    node = data
    for p in parts:
        if isinstance(p, int) and isinstance(node, list):
            el = node[p] if 0 <= p < len(node) else None
            if isinstance(el, dict) and isinstance(el.get("number"), str) and el["number"]:
                out += f"[{el['number']}]"
            else:
                out += f"[{p}]"
            node = el
        else:
            out += ("." if out else "") + str(p)
            node = node.get(p) if isinstance(node, dict) else None
    return out or "(top level)"


# ---------------------------------------------------------------------------
# Schema


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        schema = json.load(fh)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _schema_message(err) -> str:
    v = err.validator
    inst = err.instance
    if v == "required":
        missing = [m for m in err.validator_value if not isinstance(inst, dict) or m not in inst]
        return "required field missing: " + ", ".join(repr(m) for m in missing)
    if v == "additionalProperties":
        extra = sorted(set(inst) - set(err.schema.get("properties", {}))) if isinstance(inst, dict) else []
        return "unexpected field(s): " + ", ".join(repr(x) for x in extra)
    if v == "enum":
        return f"{json.dumps(inst, ensure_ascii=False)} is not one of " + ", ".join(
            json.dumps(x) for x in err.validator_value)
    if v == "const":
        return f"must be {json.dumps(err.validator_value)}, found {json.dumps(inst, ensure_ascii=False)}"
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return f"should be {want}, found {json.dumps(inst, ensure_ascii=False)[:80]}"
    if v == "minLength":
        return "is empty"
    if v == "minItems":
        return f"needs at least {err.validator_value} item(s), found {len(inst)}"
    if v == "pattern":
        return f"{json.dumps(inst, ensure_ascii=False)} does not have the expected form ({err.validator_value})"
    if v == "minimum":
        return f"{inst} is below the minimum {err.validator_value}"
    if v == "maximum":
        return f"{inst} is above the maximum {err.validator_value}"
    return err.message


def _schema_problems(data: Any) -> list[PackProblem]:
    problems = []
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(x) for x in e.absolute_path])
    for err in errors:
        # oneOf errors: report the most relevant sub-error
        if err.validator == "oneOf" and err.context:
            best = [e for e in err.context if e.validator != "type"] or err.context
            err = best[0]
        where = _fmt_path(data, err.absolute_path)
        problems.append(PackProblem(where, f"{where}: {_schema_message(err)}"))
    return problems


# ---------------------------------------------------------------------------
# Semantic checks

GUIDANCE_STARTS = re.compile(
    r"^\s*(?:e\.\s?g\.?|eg\b|i\.e\.|examples?\b|for example\b|range\b|evidence (?:may|could|might|must|should)\b|"
    r"(?:assessment )?guidance\b|notes?\s*[:\-–]|nb\b|this (?:could|may) include|learners? (?:should|could|may|must|will need)\b|"
    r"assessors? (?:should|could|may|must)\b|answers? (?:could|may|should) include|model answer|"
    r"suggested answer)",
    re.IGNORECASE)

PAGE_FURNITURE = [
    (re.compile(r"\f"), "a form feed (page break)"),
    (re.compile(r"\bPage\s+\d+(?:\s+of\s+\d+)?\b", re.IGNORECASE), "a page number"),
    (re.compile(r"©|\(c\)\s*(?:19|20)\d\d|\bCopyright\s+(?:©\s*)?(?:19|20)\d\d|\ball rights reserved\b",
                re.IGNORECASE), "a copyright line"),
    (re.compile(r"\bVersion\s+\d+\.\d+(?:\.\d+)*\b|\bv\d+\.\d+\b", re.IGNORECASE), "a version line"),
    (re.compile(r"\bQualification\s+Handbook\b|\bSupport\s+Pack\b|\bAssessment\s+Guidance\s+v", re.IGNORECASE),
     "a document title (page header)"),
    (re.compile(r"\bCity\s*&\s*Guilds\s+Level\s+\d\b"), "a running page header"),
]

# An AC is one statement of what the learner can do.  A long multi-sentence paragraph in
# its place is almost always a model answer or guidance swallowed by the extractor.
MODEL_ANSWER_CHARS = 400
MODEL_ANSWER_SENTENCES = 3


def _sentences(text: str) -> int:
    return len(re.findall(r"[a-z0-9)][.!?](?:\s+[A-Z]|\s*$)", text))


def _looks_like_guidance(text: str) -> str | None:
    first = text.strip().split("\n", 1)[0]
    m = GUIDANCE_STARTS.match(first)
    if m:
        return f"starts like guidance rather than a criterion ({m.group(0).strip()!r})"
    body = text.strip()
    lines = body.split("\n")
    main = lines[0]
    if len(main) > MODEL_ANSWER_CHARS and _sentences(main) >= MODEL_ANSWER_SENTENCES:
        return (f"reads like a model answer or guidance paragraph ({len(main)} characters, "
                f"{_sentences(main)} sentences) rather than a criterion")
    if re.match(r"^\s*(?:\d+\s*[.)]\s+)?(?:answer|model answer)\s*:", main, re.IGNORECASE):
        return "starts like a model answer"
    return None


def _furniture(text: str) -> str | None:
    for rx, what in PAGE_FURNITURE:
        m = rx.search(text)
        if m:
            return f"contains {what} ({m.group(0)!r}): page header or footer text"
    return None


def _correction_fields(data: dict) -> list[str]:
    out = []
    for c in data.get("corrections") or []:
        if isinstance(c, dict) and isinstance(c.get("field"), str):
            out.append(c["field"])
    return out


_FIELD_SEL = re.compile(r"^units\[(?P<u>[^\]]*)\]\.learning_outcomes\[(?P<lo>[^\]]*)\]"
                        r"(?:\.criteria(?:\[(?P<ac>[^\]]*)\])?)?")


def _gap_recorded(fields: list[str], unit: str, lo: str, missing_numbers: list[str]) -> bool:
    """True when a correction addresses this LO's criteria at one of the missing numbers,
    or the LO's whole criteria list."""
    short = {_norm(m).split(".", 1)[-1] for m in missing_numbers}
    full = {_norm(m) for m in missing_numbers}
    for f in fields:
        m = _FIELD_SEL.match(f)
        if not m or m.group("u").strip() != unit.strip() or _norm(m.group("lo")) != _norm(lo):
            continue
        ac = m.group("ac")
        if ac is None:
            if ".criteria" in f[m.start():m.end()]:
                return True  # the whole criteria list was corrected
            continue
        ac = _norm(ac)
        if ac in full or ac in short:
            return True
    return False


def _walk_strings(node: Any, path: list[Any]):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k in ("was", "now"):
                continue
            yield from _walk_strings(v, path + [k])
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_strings(v, path + [i])


def _check_rule_method(rule: dict, where: list[Any], add) -> None:
    """A sufficiency rule is about how much evidence, so it names no method (EDI's "different
    customers on different occasions" once read as a required "Other" record blocked every
    unit); a guidance rule (the source's advice, for the assessor's judgement) may be about a
    method or about evidence in general; every other kind is about a method and must name one."""
    kind, method = rule.get("kind"), rule.get("method")
    if kind == "sufficiency":
        if method is not None:
            add(where + ["method"], f"a sufficiency rule is about how much evidence, not which "
                                    f"method: method must be null, found {method!r}")
        if not (isinstance(rule.get("count_of"), str) and rule["count_of"].strip()):
            add(where + ["count_of"], "a sufficiency rule must say what the evidence must come "
                                      "from different ones of (e.g. \"occasions\")")
    elif kind in ("barred", "required", "allowed") and method is None:
        add(where + ["method"], f"a {kind} rule must name the method it is about")


def _semantic_problems(data: dict) -> list[PackProblem]:
    problems: list[PackProblem] = []

    def add(path_parts: list[Any] | str, msg: str):
        where = path_parts if isinstance(path_parts, str) else _fmt_path(data, path_parts)
        problems.append(PackProblem(where, f"{where}: {msg}"))

    units = data.get("units") if isinstance(data.get("units"), list) else []
    quals = data.get("qualifications") if isinstance(data.get("qualifications"), list) else []
    corr_fields = _correction_fields(data)

    # --- empty (whitespace-only) texts anywhere
    for p, s in _walk_strings({k: v for k, v in data.items() if k != "corrections"}, []):
        if s.strip() == "":
            leaf = p[-1] if p else None
            if leaf == "title" and len(p) >= 2 and "learning_outcomes" in p:
                continue  # handled below: "" allowed when the unit says so in missing
            add(p, "is empty")

    if data.get("kind") == "unit_bank" and quals:
        add(["qualifications"], "a unit bank defines no qualifications, but this one lists "
                                f"{len(quals)}")
    if data.get("kind") == "qualification" and not quals:
        add(["qualifications"], "a qualification pack must define at least one qualification")

    # --- units
    unit_by_number: dict[str, dict] = {}
    seen_refs: dict[str, str] = {}
    for ui, unit in enumerate(units):
        if not isinstance(unit, dict):
            continue
        un = unit.get("number")
        if isinstance(un, str):
            if un in unit_by_number:
                add(["units", ui, "number"], f"unit number {un!r} is used by more than one unit")
            else:
                unit_by_number[un] = unit
        ref = unit.get("reference")
        if isinstance(ref, str):
            if ref in seen_refs and seen_refs[ref] != un:
                add(["units", ui, "reference"],
                    f"national reference {ref} is also given to unit {seen_refs[ref]!r}")
            seen_refs.setdefault(ref, un)
        for key in ("title", "aim", "assessment_requirements"):
            v = unit.get(key)
            if isinstance(v, str):
                why = _furniture(v)
                if why:
                    add(["units", ui, key], why)
        sl = unit.get("source_lines")
        if isinstance(sl, list) and len(sl) == 2 and all(isinstance(x, int) for x in sl) and sl[0] > sl[1]:
            add(["units", ui, "source_lines"], f"starts after it ends ({sl[0]} > {sl[1]})")
        unit_missing = " ".join(m for m in unit.get("missing") or [] if isinstance(m, str)).lower()

        los = unit.get("learning_outcomes") if isinstance(unit.get("learning_outcomes"), list) else []
        lo_numbers = [lo.get("number") for lo in los if isinstance(lo, dict)]
        seen_lo: set[str] = set()
        for li, lo in enumerate(los):
            if not isinstance(lo, dict):
                continue
            ln = lo.get("number")
            if isinstance(ln, str):
                if _norm(ln) in seen_lo:
                    add(["units", ui, "learning_outcomes", li, "number"],
                        f"learning outcome number {ln!r} appears more than once in this unit")
                seen_lo.add(_norm(ln))
            title = lo.get("title")
            if isinstance(title, str):
                if title.strip() == "" and not ("title" in unit_missing and
                                                 (f"lo {_norm(ln)}" in unit_missing or
                                                  f"outcome {_norm(ln)}" in unit_missing)):
                    add(["units", ui, "learning_outcomes", li, "title"],
                        "is empty, and the unit's 'missing' list does not say the source "
                        f"prints no title for LO {ln}")
                why = _furniture(title)
                if why:
                    add(["units", ui, "learning_outcomes", li, "title"], why)
            g = lo.get("guidance")
            if isinstance(g, str):
                why = _furniture(g)
                if why:
                    add(["units", ui, "learning_outcomes", li, "guidance"], why)

            acs = lo.get("criteria") if isinstance(lo.get("criteria"), list) else []
            numbers: list[str] = []
            for ai, ac in enumerate(acs):
                if not isinstance(ac, dict):
                    continue
                an = ac.get("number")
                base = ["units", ui, "learning_outcomes", li, "criteria", ai]
                if isinstance(an, str):
                    numbers.append(an)
                    parts = [p for p in re.split(r"[.\s]+", an.strip().strip(".")) if p]
                    if isinstance(ln, str) and parts and _norm(parts[0]) != _norm(ln):
                        add(base + ["number"],
                            f"criterion {an} is filed under learning outcome {ln}")
                text = ac.get("text")
                if isinstance(text, str) and text.strip():
                    why = _looks_like_guidance(text)
                    if why:
                        add(base + ["text"], why)
                    why = _furniture(text)
                    if why:
                        add(base + ["text"], why)
                g = ac.get("guidance")
                if isinstance(g, str):
                    why = _furniture(g)
                    if why:
                        add(base + ["guidance"], why)
                sline = ac.get("source_line")
                if (isinstance(sline, int) and sline and isinstance(sl, list) and len(sl) == 2
                        and all(isinstance(x, int) for x in sl) and sl[1]
                        and not (sl[0] <= sline <= sl[1])):
                    add(base + ["source_line"],
                        f"line {sline} is outside the unit's source lines {sl[0]}–{sl[1]}")

            # duplicates, order and continuity
            normed = [_norm(n) for n in numbers]
            dups = sorted({n for n in normed if normed.count(n) > 1}, key=ac_sort_key)
            for d in dups:
                add(["units", ui, "learning_outcomes", li, "criteria"],
                    f"criterion number {d} appears more than once")
            if [ac_sort_key(n) for n in numbers] != sorted(ac_sort_key(n) for n in numbers):
                add(["units", ui, "learning_outcomes", li, "criteria"],
                    "criteria are not in numeric order: " + ", ".join(numbers))
            seconds = []
            for n in numbers:
                k = ac_sort_key(n)
                if len(k) == 2 and k[1][0] == 0:
                    seconds.append(k[1][1])
                else:
                    add(["units", ui, "learning_outcomes", li, "criteria"],
                        f"criterion number {n!r} is not of the form LO.AC")
            if seconds and isinstance(ln, str):
                have = set(seconds)
                gaps = [f"{_norm(ln)}.{i}" for i in range(1, max(have) + 1) if i not in have]
                if gaps and not _gap_recorded(corr_fields, str(un), ln, gaps):
                    add(["units", ui, "learning_outcomes", li, "criteria"],
                        "criteria numbers are not continuous: " + ", ".join(gaps) +
                        " missing, and no correction records the gap")
        if [ac_sort_key(n) for n in lo_numbers if isinstance(n, str)] != sorted(
                ac_sort_key(n) for n in lo_numbers if isinstance(n, str)):
            add(["units", ui, "learning_outcomes"],
                "learning outcomes are not in numeric order: " + ", ".join(map(str, lo_numbers)))

        for ri, rule in enumerate(unit.get("assessment_rules") or []):
            if isinstance(rule, dict) and isinstance(rule.get("lo"), str):
                if _norm(rule["lo"]) not in seen_lo:
                    add(["units", ui, "assessment_rules", ri, "lo"],
                        f"names learning outcome {rule['lo']}, which this unit does not have")
            if isinstance(rule, dict):
                _check_rule_method(rule, ["units", ui, "assessment_rules", ri], add)

    # --- listed_not_specified must not duplicate a specified unit
    for i, item in enumerate(data.get("listed_not_specified") or []):
        if isinstance(item, dict) and item.get("number") in unit_by_number:
            add(["listed_not_specified", i, "number"],
                f"unit {item['number']!r} is specified in this pack, so it is not 'listed only'")

    # units the source lists (e.g. in a structure table) without specifying them
    listed_only = {item.get("number") for item in data.get("listed_not_specified") or []
                   if isinstance(item, dict) and isinstance(item.get("number"), str)}

    def exists(u: Any) -> bool:
        return u in unit_by_number or u in listed_only

    # --- qualifications and rules of combination
    for qi, q in enumerate(quals):
        if not isinstance(q, dict):
            continue
        qp = ["qualifications", qi]
        qunits = [u for u in q.get("units") or [] if isinstance(u, str)]
        for i, u in enumerate(qunits):
            if not exists(u):
                add(qp + ["units", i], f"names unit {u!r}, which is not in this pack")
        if len(set(qunits)) != len(qunits):
            dup = sorted({u for u in qunits if qunits.count(u) > 1})
            add(qp + ["units"], "lists unit(s) more than once: " + ", ".join(dup))
        roc = q.get("rules_of_combination")
        if roc is None:
            if not q.get("missing"):
                add(qp + ["rules_of_combination"],
                    "is null but the qualification's 'missing' list does not say why")
            continue
        if not isinstance(roc, dict):
            continue
        rp = qp + ["rules_of_combination"]

        def credit(u: str):
            unit = unit_by_number.get(u)
            return unit.get("credit") if isinstance(unit, dict) else None

        achievable_total = 0
        total_known = True
        for gi, g in enumerate(roc.get("groups") or []):
            if not isinstance(g, dict):
                continue
            gp = rp + ["groups", gi]
            gname = g.get("id") or gi
            gunits = [u for u in g.get("units") or [] if isinstance(u, str)]
            for i, u in enumerate(gunits):
                if not exists(u):
                    add(gp + ["units", i], f"group {gname} names unit {u!r}, which is not in this pack")
                elif qunits and u not in qunits and u in unit_by_number:
                    add(gp + ["units", i], f"group {gname} names unit {u!r}, which is not in the "
                                           "qualification's unit list")
            if not gunits:
                add(gp + ["units"], f"group {gname} has no units")
            credits = [credit(u) for u in gunits]
            known = all(isinstance(c, int) for c in credits) and bool(credits)
            gsum = sum(c for c in credits if isinstance(c, int))
            mn, mx = g.get("min_credits"), g.get("max_credits")
            mnu, mxu = g.get("min_units"), g.get("max_units")
            if isinstance(mn, int) and isinstance(mx, int) and mn > mx:
                add(gp, f"group {gname}: minimum credits {mn} exceed the maximum {mx}")
            if isinstance(mnu, int) and isinstance(mxu, int) and mnu > mxu:
                add(gp, f"group {gname}: minimum units {mnu} exceed the maximum {mxu}")
            if isinstance(mnu, int) and mnu > len(gunits):
                add(gp, f"group {gname}: needs at least {mnu} units but only has {len(gunits)}")
            if known and isinstance(mn, int) and mn > gsum:
                add(gp, f"group {gname}: needs at least {mn} credits but its units only "
                        f"carry {gsum}")
            if g.get("mandatory") is True and known and isinstance(mx, int) and gsum > mx:
                add(gp, f"group {gname}: mandatory units carry {gsum} credits, more than "
                        f"the group maximum {mx}")
            if known:
                cap = gsum if g.get("mandatory") is True or not isinstance(mx, int) else min(gsum, mx)
                achievable_total += cap
            else:
                total_known = False
        total_min = roc.get("min_credits")
        if isinstance(total_min, int) and total_known and roc.get("groups") and total_min > achievable_total:
            add(rp + ["min_credits"], f"needs {total_min} credits but the groups allow at most "
                                      f"{achievable_total}")
        if isinstance(total_min, int) and isinstance(q.get("credits"), int) and total_min > q["credits"]:
            add(rp + ["min_credits"], f"needs {total_min} credits, more than the qualification's "
                                      f"{q['credits']} credits")
        lvl = roc.get("min_credits_at_or_above_level")
        if isinstance(lvl, dict) and isinstance(lvl.get("level"), int) and isinstance(lvl.get("credits"), int):
            pool = qunits or list(unit_by_number)
            avail = [credit(u) for u in pool
                     if isinstance((unit_by_number.get(u) or {}).get("level"), int)
                     and unit_by_number[u]["level"] >= lvl["level"]]
            if all(isinstance(c, int) for c in avail) and sum(avail) < lvl["credits"]:
                add(rp + ["min_credits_at_or_above_level"],
                    f"needs {lvl['credits']} credits at level {lvl['level']} or above but "
                    f"the units at that level carry only {sum(avail)}")
            if isinstance(total_min, int) and lvl["credits"] > total_min:
                add(rp + ["min_credits_at_or_above_level"],
                    f"needs {lvl['credits']} credits at level {lvl['level']} or above, more "
                    f"than the overall minimum {total_min}")
        for bi, bar in enumerate(roc.get("barred") or []):
            for i, u in enumerate(bar if isinstance(bar, list) else []):
                if not exists(u):
                    add(rp + ["barred", bi, i], f"barred combination names unit {u!r}, which is "
                                                "not in this pack")
            mand = {u for g in roc.get("groups") or [] if isinstance(g, dict) and g.get("mandatory")
                    for u in g.get("units") or []}
            if isinstance(bar, list) and len([u for u in bar if u in mand]) >= 2:
                add(rp + ["barred", bi], "bars a combination of units that are all mandatory")
        for oi, o in enumerate(roc.get("order") or []):
            if isinstance(o, dict) and not exists(o.get("unit")):
                add(rp + ["order", oi, "unit"], f"names unit {o.get('unit')!r}, which is not in "
                                                "this pack")
    return problems


def validate_pack(data: Any) -> list[PackProblem]:
    """Every problem with ``data`` (a parsed pack): schema first, then semantic checks."""
    if not isinstance(data, dict):
        return [PackProblem("", "(top level): a pack must be a JSON object")]
    problems = _schema_problems(data)
    try:
        problems += _semantic_problems(data)
    except Exception as e:  # a malformed pack must still produce a report, not a crash
        if not problems:
            problems.append(PackProblem("", f"(top level): could not be checked ({e})"))
    # de-duplicate, keep order
    seen = set()
    out = []
    for p in problems:
        if p.message not in seen:
            seen.add(p.message)
            out.append(p)
    return out
