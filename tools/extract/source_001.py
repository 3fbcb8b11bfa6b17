"""Extractor for seed 001: City & Guilds Level 2 Diploma for Customer Service
Practitioners (2794-02), qualification handbook v1.3 (September 2024).

Layout of the source (markdown-ish text with inline HTML):

* Front matter with the "at a glance" table, the structure (mandatory / optional units)
  and the assessment section (evidence sources, what evidence must not include, RPL).
* ``## 5 Units``: every unit appears twice.  The first ``## Unit NNN`` heading starts the
  specification (title heading, Level / GLH / Aim, then LO and AC lines); the second
  heading (``## Unit NNN``, ``# Unit NNN   Title`` or ``## Unit NNN Title``) starts the
  "Supporting information" (evidence requirements and unit guidance).  Unit 213 has no
  second heading: ``**Supporting information****Evidence requirements**``.
* LOs are printed ``LO1 Title`` and ACs ``AC1.1 text`` (sometimes as ``- `` list items),
  with ``**bold**`` range words.  Lettered sub-items (``a. a product``) follow their AC.
* Unit 208 LO 2 has no ``LO2`` line at all: the LO number comes from its ACs.
* Unit 210's unit guidance holds numbered model answers (``1.1 PESTLE is:``,
  ``1.2: A PESTLE Analysis ...``).  They are not ACs (no ``AC`` prefix, and they sit in
  the supporting information); they become the guidance of the AC they answer.
"""

from __future__ import annotations

import re

from tools.extract import common as c

PACK_ID = "cg-2794-02"
SOURCE_FILE = "001_ccfbadcd7ca3bc10.txt"

QUAL_TITLE = "City & Guilds Level 2 Diploma for Customer Service Practitioners"

_UNIT_HEAD = re.compile(r"^#+\s*Unit\s+(2\d\d)\b(.*)$")
_LO = re.compile(r"^(?:-\s+)?LO(\d+)\s+(.*\S)\s*$")
_AC = re.compile(r"^(?:-\s+)?AC(\d+)\.(\d+)\s+(.*\S)\s*$")
_SUB = re.compile(r"^(?:-\s+)?([a-z])\.\s+(.*\S)\s*$")
_FIELD = re.compile(r"^<b>(Level|GLH|Aim):</b>\s*(.*)$")
_OUTCOME = re.compile(
    r"^\*{1,2}(?:Outcomes?\s+([\d\s,and]+?)\s*:\s*\*{1,2}|Evidence requirements for outcomes?\s+"
    r"([\d\s,and]+?)\s*:\s*\*{1,2})", re.IGNORECASE)
_MODEL_ANSWER = re.compile(r"^(\d)\.(\d+):?\s+(.*)$")

KNOWLEDGE_VERBS = ("describe", "explain", "identify", "state", "list", "outline", "define",
                   "compare", "summarise", "recognise")


# ---------------------------------------------------------------------------
# text helpers


def _md(text: str) -> str:
    """Strip markdown emphasis / heading marks and inline HTML from one line."""
    text = c.strip_html(text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"^#+\s*", "", text)
    text = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text)  # *italic*
    return re.sub(r"[ \t]+", " ", text).strip()


def _block(lines: list[tuple[int, str]]) -> str | None:
    """Clean a block of source lines into text: one paragraph / list item per line.

    List items keep a leading '- '; lone '-' and '---' separators are dropped; lines that
    a page break split mid-sentence (a paragraph followed by one starting lower-case) are
    joined.
    """
    out: list[str] = []
    for _, raw in lines:
        s = raw.strip()
        if not s or s in ("-", "---"):
            continue
        # "**Range****Guidelines eg:**" -> two lines
        for part in re.split(r"\*\*\*\*", s):
            part = part.strip()
            if not part:
                continue
            bullet = part.startswith("- ")
            t = _md(part[2:] if bullet else part)
            if not t:
                continue
            if out and not bullet and t[:1].islower() and not out[-1].startswith("- "):
                out[-1] = out[-1] + " " + t
                continue
            out.append(("- " + t) if bullet else t)
    text = "\n".join(out).strip()
    return c.normalise_quotes(text) if text else None


def _sentence_at(lines: dict[int, str], n: int) -> str:
    return _md(lines[n])


# ---------------------------------------------------------------------------


def _find_units(lines: list[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """(unit number, first line, last line) of each unit's whole section."""
    firsts: list[tuple[str, int]] = []
    seen = set()
    end_of_units = None
    for n, s in lines:
        m = _UNIT_HEAD.match(s)
        if m and n > 340 and m.group(1) not in seen:
            seen.add(m.group(1))
            firsts.append((m.group(1), n))
        if s.startswith("## Appendix 1"):
            end_of_units = n - 1
    out = []
    for i, (num, start) in enumerate(firsts):
        end = firsts[i + 1][1] - 1 if i + 1 < len(firsts) else end_of_units
        out.append((num, start, end))
    return out


def _lo_type(title: str, acs: list[dict]) -> str:
    t = title.strip().lower()
    if t:
        return "knowledge" if t.startswith(("understand", "know")) else "performance"
    # no title printed: judge by the criteria's verbs
    verbs = [a["text"].split()[0].lower() for a in acs]
    return "knowledge" if all(v in KNOWLEDGE_VERBS for v in verbs) else "performance"


def _parse_unit(num: str, start: int, end: int, by_line: dict[int, str],
                qual_rules: list[dict], portfolio: bool) -> dict:
    span = [(n, by_line[n]) for n in range(start, end + 1)]
    # supporting information
    sup = next(n for n, s in span if "Supporting information" in s)
    spec_end = sup - 1
    # the repeated heading (unit number and/or title) right before "Supporting information"
    while spec_end > start and (not by_line[spec_end].strip()
                                or _UNIT_HEAD.match(by_line[spec_end])
                                or (by_line[spec_end].startswith("#")
                                    and not re.search(r"Range|Learning outcome|Assessment",
                                                      by_line[spec_end]))):
        spec_end -= 1
    spec = [(n, s) for n, s in span if n <= spec_end]
    support = [(n, s) for n, s in span if n >= sup]

    # title: the heading after "## Unit NNN"
    title = None
    for n, s in spec[1:6]:
        if s.startswith("#"):
            title = _md(s)
            break
    level = glh = None
    aim = None
    for n, s in spec:
        m = _FIELD.match(s.strip())
        if not m:
            continue
        if m.group(1) == "Level":
            level = int(m.group(2).strip())
        elif m.group(1) == "GLH":
            glh = int(m.group(2).strip())
        else:
            aim = _block([(n, c.strip_html(m.group(2)))])

    unit = c.new_unit(num, title=title, reference=None, level=level, credit=None, glh=glh,
                      aim=aim, source_lines=[start, end])
    missing = unit["missing"]
    missing.append("no national unit reference printed: an RQF unit known only by its "
                   "City & Guilds number")
    missing.append("no credit value printed: the qualification is RQF without credits "
                   "(GLH only)")

    # --- LOs and ACs
    los: list[dict] = []
    lo_lines: dict[str, int] = {}
    range_lines: dict[str, list[tuple[int, str]]] = {}
    cur_lo = None
    last_ac = None
    in_range = False
    for n, raw in spec:
        s = raw.strip()
        m = _LO.match(s)
        if m:
            cur_lo = c.new_lo(m.group(1), c.normalise_quotes(_md(m.group(2))), type="knowledge")
            los.append(cur_lo)
            lo_lines[m.group(1)] = n
            last_ac = None
            in_range = False
            continue
        m = _AC.match(s)
        if m:
            lo_no, ac_no, text = m.group(1), m.group(2), m.group(3)
            if cur_lo is None or cur_lo["number"] != lo_no:
                # an LO printed without its "LOn title" line (208 LO 2)
                cur_lo = c.new_lo(lo_no, "", type="knowledge")
                los.append(cur_lo)
                lo_lines[lo_no] = n
                missing.append(f"LO {lo_no} has no title in the source: the learning outcome "
                               f"heading and 'The learner will:' are followed directly by its "
                               f"assessment criteria (line {n})")
            last_ac = c.new_ac(f"{lo_no}.{ac_no}", c.normalise_quotes(_md(text)),
                               source_line=n)
            cur_lo["criteria"].append(last_ac)
            in_range = False
            continue
        m = _SUB.match(s)
        if m and last_ac is not None and not in_range:
            last_ac["text"] += f"\n{m.group(1)}. {c.normalise_quotes(_md(m.group(2)))}"
            continue
        plain = _md(s.replace("****", " "))
        if re.match(r"^(Learning outcome|The learner will:)", plain):
            in_range = False
            last_ac = None
            continue
        if plain.startswith("Range") and cur_lo is not None:
            in_range = True
            range_lines.setdefault(cur_lo["number"], [])
            rest = s.split("****", 1)[1] if "****" in s else ""
            if rest:
                range_lines[cur_lo["number"]].append((n, rest))
            continue
        if in_range and cur_lo is not None:
            range_lines[cur_lo["number"]].append((n, raw))

    # --- supporting information: per-outcome guidance and model answers
    outcome_blocks: dict[str, list[tuple[int, str]]] = {}
    model_answers: dict[str, list[tuple[int, str]]] = {}
    cur_targets: list[str] = []
    cur_answer = None
    for n, raw in support:
        s = raw.strip()
        m = _OUTCOME.match(s)
        if m:
            nums = re.findall(r"\d+", m.group(1) or m.group(2))
            cur_targets = nums
            cur_answer = None
            for t in nums:
                outcome_blocks.setdefault(t, []).append((n, raw))
            continue
        if s.startswith("#") or "Supporting information" in s:
            cur_targets = []
            cur_answer = None
            continue
        ma = _MODEL_ANSWER.match(s)
        if ma:
            cur_answer = f"{ma.group(1)}.{ma.group(2)}"
            model_answers.setdefault(cur_answer, []).append((n, ma.group(3)))
            cur_targets = []
            continue
        if cur_answer is not None:
            model_answers[cur_answer].append((n, raw))
        for t in cur_targets:
            outcome_blocks[t].append((n, raw))

    for lo in los:
        lo["type"] = _lo_type(lo["title"], lo["criteria"])
        parts = []
        rng = _block(range_lines.get(lo["number"], []))
        if rng:
            parts.append("Range:\n" + rng)
        og = _block(outcome_blocks.get(lo["number"], []))
        if og:
            parts.append(og)
        lo["guidance"] = "\n\n".join(parts) if parts else None
        for ac in lo["criteria"]:
            if ac["number"] in model_answers:
                ac["guidance"] = _block(model_answers[ac["number"]])
    unit["learning_outcomes"] = los
    types = {lo["type"] for lo in los}
    unit["type"] = ("knowledge" if types == {"knowledge"} else
                    "competence" if types == {"performance"} else "mixed")
    unit["assessment_requirements"] = _block(
        [(n, s) for n, s in support if "Supporting information" not in s])

    # --- assessment rules
    rules = unit["assessment_rules"]
    if portfolio:
        rules.extend(qual_rules)
    for n, raw in support:
        s = _md(raw)
        if re.match(r"Simulations? should not be used in this unit", s):
            rules.append(c.new_rule("barred", "Sim", n, s))
    for lo_no, block in sorted(outcome_blocks.items(), key=lambda kv: int(kv[0])):
        n0, first = block[0]
        text = _md(first)
        if re.search(r"having been observed|documented observation|practical observation|"
                     r"include observation of the learner", text, re.IGNORECASE):
            rules.append(c.new_rule("required", "Obs", n0, _first_sentence(text), lo=lo_no))
        elif re.search(r"provided through a professional discussion", text, re.IGNORECASE):
            rules.append(c.new_rule("required", "PD", n0, _first_sentence(text), lo=lo_no))
        elif re.search(r"technique of self-\s?assessment", text, re.IGNORECASE):
            # Unit 201 LO 4 expects a self-assessment (a SWOT analysis) where the handbook's
            # "Evidence must not include: any methods of self-assessment" bars one: both are
            # kept, and the app shows them as the conflict they are.
            rules.append(c.new_rule("required", "RA", n0, _first_sentence(text), lo=lo_no,
                                    evidence="self-assessment"))
    return unit


def _first_sentence(text: str) -> str:
    text = re.sub(r"^(?:Outcomes?\s+[\d\s,and]+|Evidence requirements for outcomes?\s+"
                  r"[\d\s,and]+):\s*", "", text, flags=re.IGNORECASE)
    m = re.match(r"(.+?[.:])(?:\s|$)", text)
    return (m.group(1) if m else text).strip()


# ---------------------------------------------------------------------------


def build(source_text: str, corrections: list) -> dict:
    lines = c.numbered_lines(source_text)
    by_line = dict(lines)

    def find(pattern: str, after: int = 0) -> int:
        rx = re.compile(pattern)
        return next(n for n, s in lines if n > after and rx.search(s))

    pack = c.new_pack(PACK_ID, "qualification", "City & Guilds", SOURCE_FILE, source_text,
                      document_title=f"{QUAL_TITLE} (2794-02) Qualification Handbook",
                      document_version="1.3", document_date="September 2024")

    # --- "at a glance" table: title, number, regulator number, GLH, TQT
    n_glance = find(r"^City & Guilds Level 2 Diploma for Customer Service Practitioners\t2794-02")
    cells = by_line[n_glance].split("\t")
    ab_number, regulator, glh, tqt = cells[1], cells[2], int(cells[3]), int(cells[4])

    # --- structure
    n_struct = find(r"^## Structure")
    n_mand = find(r"Learners must achieve all \*\*six\*\* mandatory units", n_struct)
    n_opt = find(r"Learners must achieve \*\*one\*\* unit from the optional units", n_struct)
    n_tqt = find(r"^## Total Qualification Time", n_struct)
    mandatory, optional, table_glh = [], [], {}
    for n in range(n_struct, n_tqt):
        m = re.match(r"^2794-(2\d\d)\t(.+?)\t(\d+)$", by_line[n])
        if m:
            (mandatory if n < n_opt else optional).append(m.group(1))
            table_glh[m.group(1)] = int(m.group(3))

    # --- order rule: unit 201 signed off last
    n_order = find(r"^This unit must be started by the learner at the beginning of the "
                   r"qualification and should not be signed off until the qualification is "
                   r"complete\.")

    # --- qualification-wide evidence rules (portfolio units)
    n_video = find(r"video clips \(maximum duration in total = 10 minutes\)")
    n_not = find(r"Evidence \*\*must not\*\* include:")
    n_self = find(r"^- any methods of self-assessment", n_not)
    n_rpl = find(r"^RPL is allowed and is not sector-specific\.")
    n_rwe = find(r"must be generated in the workplace or a realistic working environment")
    n_employer = find(r"^- any employer contributions should focus on direct observation", n_not)
    n_sources = find(r"^Evidence sources may include:")
    n_open = find(r"^This is not a definitive list; other evidence sources are permitted\.",
                  n_sources)
    sources = "; ".join(_md(by_line[n])[2:].strip().rstrip(".")
                        for n in range(n_sources + 1, n_open) if by_line[n].startswith("- "))
    # A self-assessment is a kind of evidence, not a method: it was once read as a bar on
    # "Other", which refused the presentations and recordings the units invite and let a
    # self-assessment filed as a reflective account through.
    qual_rules = [
        c.new_rule("barred", "RA", n_self,
                   "Evidence must not include: any methods of self-assessment",
                   evidence="self-assessment"),
        c.new_rule("guidance", "Wt", n_employer,
                   "Evidence must not include: any employer contributions should focus on "
                   "direct observation of evidence (for example witness statements) of "
                   "competence rather than opinions."),
        c.new_rule("allowed", "RWE", n_rwe, _md(by_line[n_rwe]).split(". ", 1)[1].strip()),
        c.new_rule("guidance", None, n_sources,
                   f"Evidence sources may include: {sources}. This is not a definitive list; "
                   f"other evidence sources are permitted."),
        c.new_rule("allowed", "Ot", n_video,
                   "Evidence sources may include: video clips (maximum duration in total = "
                   "10 minutes)", count=10, count_of="minutes of video clips in total"),
    ]
    rpl_rule = c.new_rule("allowed", "A", n_rpl, "RPL is allowed and is not sector-specific.")

    # which units are assessed by portfolio (210 is a multiple-choice test)
    test_units = set()
    for n, s in lines:
        m = re.match(r"^2794-(2\d\d)\t.*<b>Multiple choice test</b>", s)
        if m:
            test_units.add(m.group(1))

    units = []
    for num, start, end in _find_units(lines):
        unit = _parse_unit(num, start, end, by_line, qual_rules, num not in test_units)
        unit["assessment_rules"].append(dict(rpl_rule))
        if unit["glh"] != table_glh.get(num):
            unit["missing"].append(f"GLH {unit['glh']} in the unit differs from "
                                   f"{table_glh.get(num)} in the structure table")
        unit["group"] = "Mandatory units" if num in mandatory else "Optional units"
        if num in test_units:
            unit["missing"].append("assessed by a multiple-choice test (Test specifications, "
                                   "Assessment section), not a portfolio: the portfolio "
                                   "evidence rules do not apply")
        units.append(unit)
    pack["units"] = units

    roc = {
        "min_credits": None,
        "min_credits_at_or_above_level": None,
        "groups": [
            {"id": "M", "title": "Mandatory units", "mandatory": True, "units": mandatory,
             "min_credits": None, "max_credits": None, "min_units": len(mandatory),
             "max_units": None},
            {"id": "O", "title": "Optional units", "mandatory": False, "units": optional,
             "min_credits": None, "max_credits": None, "min_units": 1, "max_units": None},
        ],
        "barred": [],
        "order": [{"unit": "201", "rule": "last", "source_line": n_order,
                   "source_text": _md(by_line[n_order])}],
        "source_lines": [n_struct, n_tqt - 1],
        "notes": (f"{_md(by_line[n_mand])} {_md(by_line[n_opt])} "
                  "Unit 201 (line " + str(n_order) + "): \"" + _md(by_line[n_order]) + "\" "
                  "Assessment (line " + str(find(r'^Candidates must:')) + "): a completed "
                  "portfolio of evidence for each mandatory unit, and one online multiple "
                  "choice test for optional unit 210 or a portfolio of evidence for one unit "
                  "from 207-209 or 211-213. Skills learning outcomes: \"" +
                  _md(by_line[n_rwe]).split(". ", 1)[1] + "\" (line " + str(n_rwe) + ")."),
    }
    pack["qualifications"] = [{
        "title": QUAL_TITLE,
        "ab_number": ab_number,
        "regulator_number": regulator,
        "level": 2,
        "glh": glh,
        "tqt": tqt,
        "credits": None,
        "units": [u["number"] for u in units],
        "rules_of_combination": roc,
        "missing": ["no credit value: an RQF qualification described by GLH and TQT only; "
                    "the rules of combination count units, not credits"],
    }]
    return c.finish_pack(pack, corrections)


if __name__ == "__main__":  # pragma: no cover - convenience: print the pack
    import sys

    sys.stdout.write(c.dump_pack(build(c.read_seed(SOURCE_FILE), [])))
