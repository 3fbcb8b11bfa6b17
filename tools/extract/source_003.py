"""Extractor for seed 003: SFJ Awards Level 3 Diploma in Customer Service (601/5051/8).

The source is a text rendering of a PDF whose unit grids became tab-separated rows:

* ``LO cell <TAB> AC number <TAB> AC text [<TAB> indicative content]``; an LO title that
  wraps continues in the LO cell of the following rows;
* rows after a page break lose their empty LO cell (``4.4<TAB>Recommend ...``);
* some grids print the AC number inside the text cell (``1.1 Explain ...``), and unit 43
  prints it twice (``2.2<TAB>2.2 Describe ...``);
* some LO and AC numbers are missing, one AC sits on the next LO's row, and unit 40's text
  cells are split across tabs with a doubled or stray letter (``accour<TAB>ntabilities``).

The extractor reads the grids *as printed* (a split cell is joined with one space, a
missing number stays empty, an AC stays on the row it is printed on) and leaves every
repair to ``tools/corrections/sfj-l3-diploma-customer-service.json``, so each one carries a
source line and a reason a reviewer can check.  Assessment rules come from each unit's
"Simulation" paragraph and from the assessment strategy (Appendices A-D) that the unit's
guidance names; each rule quotes the sentence it rests on.
"""

from __future__ import annotations

import re

from tools.extract import common as c

PACK_ID = "sfj-l3-diploma-customer-service"
SOURCE_FILE = "003_82ce2c81b55b795d.txt"

AWARDING_BODY = "SFJ Awards"

_UNIT_HEADING = re.compile(r"^Unit (\d+):\s*(.*?)\s*([A-Z]/\d{3}/\d{4})\s*$")
_GUIDANCE_HEADING = re.compile(r"^Unit (\d+) Guidance on Delivery and Assessment\b\s*(.*)$")
_AC_NUMBER = re.compile(r"^\d+\.\d+$")
_AC_IN_CELL = re.compile(r"^(\d+\.\d+)\s+(\S.*)$")
_LO_NUMBERED = re.compile(r"^(\d+)\.\s+(\S.*)$")
_GRID_HEADER = re.compile(r"^_?(?:L|_)?earning Outcome - The learner will:")
_SECTION_HEADINGS = ("Delivery", "Assessment", "Simulation", "Links")

# Which assessment strategy a unit's guidance names, by the words it uses.
STRATEGY_A = "Skills CFA Assessment Strategy Competence units (S/NVQ)"
STRATEGY_B = "Skills CFA Assessment Strategy 2010 Sales Standards"
STRATEGY_C = "CfA Assessment Strategy Contact Centre Operations January 2012"
STRATEGY_D = "ITQ Assessment Strategy England, Wales and Northern Ireland March 2009"


class SourceShapeError(ValueError):
    """The source does not have the shape this extractor was written for."""


# ---------------------------------------------------------------------------
# small helpers


def _cells(line: str) -> list[str]:
    cells = [x.strip() for x in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _clean(text: str) -> str:
    return c.collapse_whitespace(text.replace("\t", " "))


def _join_title(title: str, more: str) -> str:
    if not title:
        return more
    if title.endswith("-"):          # "real-" + "time online ..." -> "real-time online ..."
        return title + more
    return title + " " + more


def _find_line(lines: list[tuple[int, str]], needle: str, start: int = 1, end: int | None = None,
               exact: bool = False) -> tuple[int, str]:
    """First (line number, stripped text) at or after ``start`` containing ``needle``."""
    for n, t in lines:
        if n < start or (end is not None and n > end):
            continue
        s = t.strip()
        if (s == needle) if exact else (needle in s):
            return n, s
    raise SourceShapeError(f"{needle!r} not found from line {start}")


def _bullet_free(text: str) -> str:
    """'- · item' / '• item' / '- item' -> 'item' (for quoting a rule's sentence)."""
    return re.sub(r"^(?:[-•·]\s*)+", "", text.strip()).strip()


# ---------------------------------------------------------------------------
# front matter


def _parse_structure(lines: list[tuple[int, str]]) -> dict:
    """The 'Structure' section: the sentence of rules and the table of units by group."""
    struct_line, _ = _find_line(lines, "Structure", start=100, exact=True)
    rule_line, rule_text = _find_line(lines, "To achieve this qualification", start=struct_line)
    delivery_line, _ = _find_line(lines, "Delivery", start=rule_line, exact=True)

    m = re.search(r"minimum of (\d+) credits: (\d+) credits from the (Mandatory Group) and a "
                  r"minimum of (\d+) credits from (Optional Group A)\. A maximum of (\d+) "
                  r"credits can come from (Optional Group B)\.", rule_text)
    if not m:
        raise SourceShapeError(f"structure sentence not recognised at line {rule_line}")
    total, mand_credits, mand_title, a_min, a_title, b_max, b_title = m.groups()

    # Group headings in the table are split across tabs ("Manda\tatory Group",
    # "Option\tnal Group B"); they are recognised by their last word(s) only, and the
    # group titles used are the ones printed in the structure sentence above.
    groups = {"M": [], "A": [], "B": []}
    table_rows: list[tuple[int, str, str, int, int, str]] = []
    current = None
    for n, t in lines:
        if n <= rule_line or n >= delivery_line:
            continue
        cells = _cells(t)
        if not cells:
            continue
        joined = " ".join(cells)
        if joined.endswith("atory Group"):
            current = "M"
            continue
        if joined.endswith("Group A"):
            current = "A"
            continue
        if joined.endswith("Group B"):
            current = "B"
            continue
        if len(cells) >= 4 and cells[0].isdigit() and current:
            number = f"Unit {cells[0]}"
            groups[current].append(number)
            table_rows.append((n, number, cells[1], int(cells[2]), int(cells[3]), current))
    return {
        "rule_line": rule_line,
        "rule_text": rule_text,
        "end_line": table_rows[-1][0],
        "min_credits": int(total),
        "groups": [
            {"id": "M", "title": mand_title, "mandatory": True, "units": groups["M"],
             "min_credits": int(mand_credits), "max_credits": None,
             "min_units": None, "max_units": None},
            {"id": "A", "title": a_title, "mandatory": False, "units": groups["A"],
             "min_credits": int(a_min), "max_credits": None,
             "min_units": None, "max_units": None},
            {"id": "B", "title": b_title, "mandatory": False, "units": groups["B"],
             "min_credits": None, "max_credits": int(b_max),
             "min_units": None, "max_units": None},
        ],
        "table_rows": table_rows,
    }


# ---------------------------------------------------------------------------
# units


def _unit_blocks(lines: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """(first line, last line) of each unit in the body, in order."""
    by_no = dict(lines)
    # The appendix heading itself, not its mentions in the contents and "Tutor requirements"
    appendix_a, _ = _find_line(lines, "Appendix A: Skills CFA Assessment Strategy Competence "
                               "units (S/NVQ) - April 2014", exact=True)
    starts = []
    for n, t in lines:
        if n >= appendix_a:
            break
        if _UNIT_HEADING.match(t.strip()) and "Guided Learning Hours:" in by_no.get(n + 2, ""):
            starts.append(n)
    blocks = []
    for i, s in enumerate(starts):
        end = (starts[i + 1] if i + 1 < len(starts) else appendix_a) - 1
        while end > s and not by_no[end].strip():
            end -= 1
        blocks.append((s, end))
    return blocks


def _parse_grid(rows: list[tuple[int, str]], with_guidance_column: bool) -> tuple[list, list]:
    """LOs and their ACs as printed; returns (learning_outcomes, notes)."""
    los: list[dict] = []
    notes: list[str] = []
    for n, t in rows:
        cells = _cells(t)
        if not cells:
            continue
        if _AC_NUMBER.match(cells[0]):
            lo_cell, rest = "", cells           # row after a page break: no LO cell
        else:
            lo_cell, rest = cells[0], cells[1:]

        if lo_cell:
            m = _LO_NUMBERED.match(lo_cell)
            if m:
                los.append(c.new_lo(m.group(1), m.group(2)))
            elif not los:
                los.append(c.new_lo("", lo_cell))   # first LO printed without its number
            else:
                los[-1]["title"] = _join_title(los[-1]["title"], lo_cell)
        if not rest:
            continue
        if not los:
            raise SourceShapeError(f"line {n}: criterion before any learning outcome")

        guidance = None
        if _AC_NUMBER.match(rest[0]) or rest[0] == "":
            number, text_cells = rest[0], rest[1:]
        else:
            number, text_cells = "", rest
        if with_guidance_column and len(text_cells) > 1:
            guidance = _clean(" ".join(text_cells[1:])) or None
            text_cells = text_cells[:1]
        text = " ".join(x for x in text_cells if x)
        m = _AC_IN_CELL.match(text)
        if m and (not number or number == m.group(1)):
            number, text = m.group(1), m.group(2)   # number printed inside the text cell
        text = _clean(text)
        if not text:
            raise SourceShapeError(f"line {n}: criterion without text")
        los[-1]["criteria"].append(c.new_ac(number, text, guidance=guidance, source_line=n))
    for lo in los:
        lo["title"] = _clean(lo["title"])
        lo["type"] = c.lo_type(lo["title"])
    return los, notes


def _guidance_text(rows: list[tuple[int, str]]) -> tuple[str | None, str | None]:
    """(aim, assessment_requirements) from a unit's 'Guidance on Delivery and Assessment'.

    The aim is the 'Delivery' paragraph; the rest (Assessment, Simulation, Links) is kept
    as printed, one paragraph or list item per line, section headings on lines of their own,
    list items as '- item'.
    """
    sections: list[tuple[str, list[str]]] = []
    for _, t in rows:
        s = t.strip()
        if not s:
            continue
        if s in _SECTION_HEADINGS:
            sections.append((s, []))
            continue
        if not sections:
            raise SourceShapeError(f"guidance text before a section heading: {s[:60]!r}")
        if s.startswith(("-", "•", "·")):
            s = "- " + _bullet_free(s)
        sections[-1][1].append(re.sub(r"\s+", " ", s))
    aim = None
    rest: list[str] = []
    for heading, body in sections:
        if heading == "Delivery" and aim is None:
            aim = "\n".join(body) or None
        else:
            rest.append(heading)
            rest.extend(body)
    return aim, ("\n".join(rest) or None)


def _parse_unit(lines: list[tuple[int, str]], first: int, last: int) -> dict:
    block = [(n, t) for n, t in lines if first <= n <= last]
    by_no = dict(block)
    m = _UNIT_HEADING.match(by_no[first].strip())
    number = f"Unit {m.group(1)}"
    title, reference = m.group(2), m.group(3)

    def value(label: str) -> int:
        n, s = _find_line(block, label, start=first, end=last)
        return int(s.split(":", 1)[1].strip())

    glh, level, credit = value("Guided Learning Hours:"), value("Unit Level:"), value("Unit Credit:")

    header_n, header = next((n, t) for n, t in block if _GRID_HEADER.match(t.strip()))
    guidance_n, guidance_head = next(
        (n, t.strip()) for n, t in block if _GUIDANCE_HEADING.match(t.strip()))
    if _GUIDANCE_HEADING.match(guidance_head).group(1) != m.group(1):
        raise SourceShapeError(f"line {guidance_n}: guidance heading of another unit")
    grid = [(n, t) for n, t in block if header_n < n < guidance_n]
    los, _ = _parse_grid(grid, with_guidance_column="Indicative Contents" in header)

    # "Unit 42 Guidance on Delivery and Assessment Delivery": heading glued to "Delivery"
    tail = _GUIDANCE_HEADING.match(guidance_head).group(2).strip()
    guidance_rows = ([(guidance_n, tail)] if tail else []) + [
        (n, t) for n, t in block if n > guidance_n]
    aim, requirements = _guidance_text(guidance_rows)

    knowledge_unit = requirements is not None and "This is a knowledge-based unit" in requirements
    unit = c.new_unit(
        number, title=title, reference=reference, level=level, credit=credit, glh=glh,
        type="knowledge" if knowledge_unit else "competence",
        aim=aim, assessment_requirements=requirements, source_lines=[first, last])
    unit["learning_outcomes"] = los
    if STRATEGY_D in (requirements or ""):
        # ITQ skills unit: its LOs ("Input and combine information using bespoke software")
        # are skills to demonstrate, but say neither "be able to" nor "understand".
        for lo in los:
            lo["type"] = "performance"
        unit["missing"].append(
            "the learning outcomes do not begin 'Be able to' or 'Understand'; as outcomes of an "
            "ITQ skills unit assessed on the learner's use of the software they are typed "
            "'performance' here")
    if "Indicative Contents" in header:
        unit["missing"].append(
            f"the grid has a third column 'Indicative Contents' (line {header_n}); each "
            "entry is kept as the guidance of the criterion on its row")
    return unit


# ---------------------------------------------------------------------------
# assessment rules


def _strategy_of(unit: dict) -> str | None:
    req = unit["assessment_requirements"] or ""
    for name in (STRATEGY_A, STRATEGY_B, STRATEGY_C, STRATEGY_D):
        if name in req:
            return name
    return None


def _add_rules(pack: dict, lines: list[tuple[int, str]]) -> None:
    appendix = {}
    after_units = pack["units"][-1]["source_lines"][1]
    for letter in "ABCD":
        appendix[letter], _ = _find_line(lines, f"Appendix {letter}: ", start=after_units)

    # Appendix A (Skills CFA, competence units): simulation only for the units listed in
    # Appendage B, none of which is in this qualification.
    a_sim_n, a_sim = _find_line(lines, "Simulation can only be applied to the following "
                                "competence units:", start=appendix["A"], end=appendix["B"])
    a_listed = {(_cells(t) + [""])[1] for n, t in lines
                if a_sim_n < n < appendix["B"] and len(_cells(t)) == 3}
    # Appendix B (Sales): performance at work or simulation (in a realistic working
    # environment).
    b_sim_n, b_sim = _find_line(lines, "may be based on either candidate performance at work "
                                "or through simulation", start=appendix["B"], end=appendix["C"])
    # Appendix C (Contact Centre): only the Level 1 award may use a realistic working
    # environment.
    c_sim_n, c_sim = _find_line(lines, "Only the Level 1 NVQ/SVQ Award in Contact Centres can be "
                                "assessed in a realistic working environment",
                                start=appendix["C"], end=appendix["D"])
    # Appendix A, 3.1: a trainee assessor's decisions are countersigned (the assessor's
    # judgement to act on, shown at every AC the strategy governs).
    a_counter_n, a_counter = _find_line(lines, "Assessors working towards an appropriate "
                                        "qualification must ensure their decisions are "
                                        "countersigned", start=appendix["A"], end=appendix["B"])
    a_counter = " ".join(_bullet_free(t) for n, t in lines if a_counter_n <= n <= a_counter_n + 2)
    a_counter = a_counter[:a_counter.index("period.") + len("period.")]
    # Appendix B, 4.1: a simulated unit must be in a realistic working environment.
    b_rwe_n, b_rwe = _find_line(lines, "If a unit or part of a unit at any level is simulated",
                                start=appendix["B"], end=appendix["C"])
    # Appendix D (ITQ): any method; recommended methods listed in Section B.
    d_rules = []
    for method, needle in (("Sim", "electronic testing using simulation"),
                           ("Q", "knowledge tests;"),
                           ("Wt", "witness testimony;"),
                           ("PD", "professional discussion;")):
        n, s = _find_line(lines, needle, start=appendix["D"])
        d_rules.append(("allowed", method, n, _bullet_free(s)))
    # A.5: who may be a witness, in the strategy's words.
    d_wt_n, d_wt = _find_line(lines, "A 'witness' is someone who provides a written statement",
                              start=appendix["D"])
    d_rules.append(("guidance", "Wt", d_wt_n, d_wt))
    d_apa_n, d_apa = _find_line(lines, "candidates will be able to count any relevant units "
                                "towards the ITQ", start=appendix["D"])
    d_rules.append(("allowed", "A", d_apa_n,
                    "Under the QCF, awarding bodies agree to mutual recognition of achievement, "
                    "so that candidates will be able to count any relevant units towards the ITQ "
                    "regardless of which awarding body issues the certificates."))
    if d_rules[-1][3] not in d_apa:
        raise SourceShapeError(f"line {d_apa_n}: APA sentence changed")

    for unit in pack["units"]:
        first, last = unit["source_lines"]
        block = [(n, t) for n, t in lines if first <= n <= last]
        rules = unit["assessment_rules"]
        strategy = _strategy_of(unit)
        if unit["type"] == "knowledge":
            # The units' own list of methods "appropriate to the assessment of knowledge";
            # Appendix A does not govern knowledge-only units (line of "knowledge-only units").
            for method, needle in (("Q", "Question and answer test"),
                                   ("Q", "Question and answer verbal (ensure records are kept)"),
                                   ("Ot", "Essay")):
                n, s = _find_line(block, needle, start=first, end=last)
                rules.append(c.new_rule("allowed", method, n, _bullet_free(s)))
            continue
        sim_heading, _ = _find_line(block, "Simulation", start=first, end=last, exact=True)
        own_n, own = next((n, t.strip()) for n, t in block if n > sim_heading and t.strip())
        own_first = re.match(r"^(.*?\.)(?:\s|$)", own).group(1)
        named = re.search(r"in Appendix ([A-D]) at the end of this document",
                          unit["assessment_requirements"] or "")
        letter = {STRATEGY_A: "A", STRATEGY_B: "B", STRATEGY_C: "C", STRATEGY_D: "D"}.get(strategy)
        if named and letter and named.group(1) != letter:
            unit["missing"].append(
                f"the unit's guidance places '{strategy}' 'in Appendix "
                f"{named.group(1)}'; that strategy is Appendix {letter} (line {appendix[letter]}), "
                f"and its rules are the ones applied here")
        if strategy == STRATEGY_A:
            if not own_first.startswith("Simulation is not allowed"):
                raise SourceShapeError(f"line {own_n}: unexpected simulation rule {own_first!r}")
            rules.append(c.new_rule("barred", "Sim", own_n, own_first))
            if unit["title"] in a_listed:
                raise SourceShapeError(f"{unit['number']} is listed in Appendage B")
            rules.append(c.new_rule("barred", "Sim", a_sim_n, a_sim))
            rules.append(c.new_rule("guidance", None, a_counter_n, a_counter))
        elif strategy == STRATEGY_B:
            if "simulation" not in own_first:
                raise SourceShapeError(f"line {own_n}: unexpected simulation rule {own_first!r}")
            rules.append(c.new_rule("allowed", "Sim", own_n, own_first))
            rules.append(c.new_rule("allowed", "Sim", b_sim_n, _bullet_free(b_sim)))
            rules.append(c.new_rule("guidance", "Sim", b_rwe_n, _bullet_free(b_rwe)))
        elif strategy == STRATEGY_C or STRATEGY_C in (unit["assessment_requirements"] or ""):
            if not own_first.startswith("Simulation is not allowed"):
                raise SourceShapeError(f"line {own_n}: unexpected simulation rule {own_first!r}")
            rules.append(c.new_rule("barred", "Sim", own_n, own_first))
            # Appendix C bars a realistic working environment, not simulation (the unit's
            # own sentence, above, bars that).
            rules.append(c.new_rule("barred", "RWE", c_sim_n, _bullet_free(c_sim)))
        elif strategy == STRATEGY_D:
            for kind, method, n, s in d_rules:
                rules.append(c.new_rule(kind, method, n, s))
        else:
            raise SourceShapeError(f"{unit['number']}: no assessment strategy named")


# ---------------------------------------------------------------------------
# pack


def build(source_text: str, corrections: list) -> dict:
    lines = c.numbered_lines(source_text)

    title_line, doc_title = next((n, t.strip()) for n, t in lines if t.strip())
    reg_line, reg = _find_line(lines, "Regulation No:")
    regulator_number = reg.split(":", 1)[1].strip()
    footer_n, footer = _find_line(lines, "IQB/0.2/285 | Version")
    fm = re.search(r"Version (\S+) \| (\d{2}/\d{2}/\d{4})", footer)

    pack = c.new_pack(PACK_ID, "qualification", AWARDING_BODY, SOURCE_FILE, source_text,
                      document_title=doc_title, document_version=fm.group(1),
                      document_date=fm.group(2))

    structure = _parse_structure(lines)
    for first, last in _unit_blocks(lines):
        pack["units"].append(_parse_unit(lines, first, last))
    unit_by_no = {u["number"]: u for u in pack["units"]}

    # Group of each unit, and a cross-check of the structure table against the unit pages.
    group_title = {g["id"]: g["title"] for g in structure["groups"]}
    for n, number, title, credit, glh, gid in structure["table_rows"]:
        unit = unit_by_no.get(number)
        if unit is None:
            continue        # e.g. the table's "737" (a correction renames it)
        unit["group"] = group_title[gid]
        for what, table_value, page_value in (("credit", credit, unit["credit"]),
                                              ("GLH", glh, unit["glh"])):
            if table_value != page_value:
                unit["missing"].append(
                    f"structure table (line {n}) gives {what} {table_value}, the unit page "
                    f"gives {page_value}; the unit page's value is used")
        if title != unit["title"] and unit["title"]:
            unit["missing"].append(
                f"structure table (line {n}) titles the unit {title!r}")

    _add_rules(pack, lines)

    glh_line, glh_text = _find_line(lines, "Guided learning hours are", start=structure["end_line"])
    level = int(re.search(r"Level (\d+)", doc_title).group(1))
    qualification = {
        "title": doc_title,
        "ab_number": None,
        "regulator_number": regulator_number,
        "level": level,
        "glh": None,
        "tqt": None,
        "credits": structure["min_credits"],
        "units": [u["number"] for u in pack["units"]],
        "rules_of_combination": {
            "min_credits": structure["min_credits"],
            "min_credits_at_or_above_level": None,
            "groups": structure["groups"],
            "barred": [],
            "order": [],
            "source_lines": [structure["rule_line"], structure["end_line"]],
            "notes": structure["rule_text"],
        },
        "missing": [
            "no awarding body qualification number is printed (the footer's 'IQB/0.2/285' "
            f"(line {footer_n}) is the document's reference, not the qualification's)",
            f"GLH is printed only as a range: '{glh_text.split('.')[0]}.' (line {glh_line}); "
            "glh is left null",
            "total qualification time (TQT) is not printed in the source",
            "credits is the minimum the structure section requires ('a minimum of "
            f"{structure['min_credits']} credits', line {structure['rule_line']})",
            "the structure section states no barred units, no minimum credits at or above a "
            "level and no maximum for Optional Group A or minimum for Optional Group B",
        ],
    }
    pack["qualifications"].append(qualification)

    withdrawal_n, withdrawal = _find_line(lines, "is being withdrawn")
    notes_n, notes = _find_line(lines, "V3.0 updated")
    pack["missing"] = [
        f"the document date is the page footer's ({fm.group(2)}, line {footer_n}); the version "
        f"notes (line {notes_n}) say: {notes}",
        f"the qualification is being withdrawn (line {withdrawal_n}): {withdrawal}",
        "Appendix A (Skills CFA strategy for competence units) says nothing about observation "
        "or witness testimony: its evidence rules are workplace performance (section 4.1, "
        "which has no method code and is not recorded as a rule) and simulation only for the "
        "units listed in Appendage B (none of this qualification's units), recorded as "
        "'barred Sim' on every unit it governs",
        "the assessor, IQA and EQA requirements of Appendices A-D (qualifications held, "
        "countersigning of decisions by those working towards them, occupational competence, "
        "CPD) are not unit assessment rules and are not recorded in this pack",
    ]
    return c.finish_pack(pack, corrections)
