"""Extractor for seed 002: EDI support pack for the Level 2 NVQ Certificate in Customer
Service (QCF).

Layout of the source (text extracted from a PDF):

* Front matter, appendices (evidence matrix, claim to competence), then "Qualification
  structure": the rules sentence and a table per group (GROUP A mandatory, Groups B-E
  optional), rows ``A2 CU794 Adapt your behaviour ... 1 5`` (title may wrap; level and
  credit may sit on their own line).  Group C's table is split across a page.
* 24 unit specifications, each starting with ``Aims``; then credit value and level, then
  the two-column LO / AC table flattened: an LO line ``1 Title`` / ``1.   Title`` (title may
  wrap), sometimes with its first AC on the same line; AC lines ``1.1  Text`` wrapping over
  following lines (with blank lines in between); a running page header
  ``Unit C U791 Communicate Using ...`` (wrapping) in the middle of the table; bare page
  numbers; then "Evidence Requirements" (numbered paragraphs).
* The text stops inside unit CU810 (after AC 3.8): the structure table lists 49 units,
  24 are specified.
* Garbled characters: ``Á`` bullets, ``ô`` apostrophes, ``ó``/``ñ`` opening and
  ``ò`` closing quotes, ``ï`` dashes.  Irregular AC numbers (``1 2``, ``1. 8``, ``2.3.``)
  are read as the number they print; the one AC number printed twice (CU791 2.2) is
  corrected in ``tools/corrections/edi-l2-nvq-customer-service.json``.
"""

from __future__ import annotations

import re

from tools.extract import common as c

PACK_ID = "edi-l2-nvq-customer-service"
SOURCE_FILE = "002_c45392099764acbc.txt"

QUAL_TITLE = "EDI Level 2 NVQ Certificate in Customer Service"

_ROW = re.compile(r"^\s*([FABCD]\d+)\s+(CU\d{3})\s+(.*?)\s*$")
_LEVEL_CREDIT = re.compile(r"^(.*?)\s*\b(\d)\s+(\d{1,2})\s*$")
_HEADER = re.compile(r"^\s*Unit C ?U(\d{3})\s+(.*?)\s*$")
# an AC: "1.1  Text", "1. 8  Text", "2.3.  Text", "1 2  Text" (two spaces after)
_AC = re.compile(r"^\s*((\d{1,2})(?:\.\s?|\s)(\d{1,2})\.?)(?:\s+|$)(.*?)\s*$")
_LO = re.compile(r"^\s*(\d{1,2})\.?\s+(\D.*?)\s*$")
_LO_WITH_AC = re.compile(r"^(.*?\S)\s+(\d{1,2}\.\d{1,2})\s+(.*)$")
_PAGE_NO = re.compile(r"^\s*\d{1,3}\s*$")


def _degarble(text: str) -> str:
    """The PDF's Windows-1252 quotes and bullets, read as Latin-1 letters."""
    text = re.sub(r"(?<=\w)ô|ô(?=\w)", "’", text)
    return (text.replace("ô", "’").replace("ó", "‘").replace("ñ", "“").replace("ò", "”")
            .replace("ï", "–").replace("Á", "•"))


def _clean(text: str) -> str:
    text = _degarble(text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


def _join(parts: list[str]) -> str:
    """Join wrapped lines; a line ending in a hyphen ("non-") runs on without a space."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not (re.search(r"[A-Za-z]-$", out)):
            out += " "
        out += p
    return _clean(out)


def _norm_title(s: str) -> str:
    s = _degarble(s).lower()
    s = s.replace(" -", "-")
    return re.sub(r"[^a-z]", "", s)


# ---------------------------------------------------------------------------
# structure table


def _parse_structure(lines, by_line):
    start = next(n for n, s in lines if s.strip().startswith("Qualification s tructure")
                 or s.strip().startswith("Qualification structure"))
    end = next(n for n, s in lines if n > start and s.strip().startswith("Guided learning hours"))
    rule_lines = []
    n = start + 1
    while by_line[n].strip().upper() != "GROUP":
        if by_line[n].strip():
            rule_lines.append((n, by_line[n]))
        n += 1
    groups: list[dict] = []
    rows: list[dict] = []
    n = start
    pending = None
    while n < end:
        s = by_line[n].strip()
        if s.upper() == "GROUP":
            gid = by_line[n + 1].strip()
            # title: the line(s) after "UNIT" / "CODE" up to "QCF"
            k = n + 2
            while not by_line[k].strip().startswith(("Mandatory", "Optional")):
                k += 1
            tparts = []
            while not by_line[k].strip().startswith("QCF"):
                if by_line[k].strip():
                    tparts.append(by_line[k].strip())
                k += 1
            title = _join(tparts)
            title = title.replace("Improveme nt", "Improvement")  # PDF split, see _fix_split
            pending = None
            if not groups or groups[-1]["id"] != gid:
                groups.append({"id": gid, "title": _fix_split(title), "line": n, "units": []})
            n = k
            continue
        m = _ROW.match(by_line[n])
        if m:
            pending = {"pos": m.group(1), "number": m.group(2), "parts": [m.group(3)],
                       "line": n, "group": groups[-1]["id"]}
            rows.append(pending)
            groups[-1]["units"].append(m.group(2))
        elif pending is not None and s:
            pending["parts"].append(s)
        if pending is not None and _LEVEL_CREDIT.match(_join(pending["parts"])):
            pending = None  # row complete
        n += 1
    for r in rows:
        text = _join(r["parts"])
        m = _LEVEL_CREDIT.match(text)
        r["title"] = m.group(1)
        r["level"], r["credit"] = int(m.group(2)), int(m.group(3))
        del r["parts"]
    return start, end, rule_lines, groups, rows


def _fix_split(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------
# units


def _unit_blocks(lines, by_line, structure_end):
    aims = [n for n, s in lines if n > structure_end and s.strip() == "Aims"]
    last = lines[-1][0]
    return [(a, (aims[i + 1] - 1) if i + 1 < len(aims) else last) for i, a in enumerate(aims)]


def _parse_unit(start, end, by_line, rows_by_number):
    span = list(range(start, end + 1))
    # the running header names the unit
    hdr = next(n for n in span if _HEADER.match(by_line[n]))
    number = "CU" + _HEADER.match(by_line[hdr]).group(1)
    row = rows_by_number[number]
    # header lines: the first and as many following lines as continue the title
    want = _norm_title(row["title"])
    hdr_lines = {hdr}
    got = _norm_title(_HEADER.match(by_line[hdr]).group(2))
    k = hdr + 1
    while got != want and want.startswith(got):
        if by_line[k].strip():
            got += _norm_title(by_line[k])
        hdr_lines.add(k)
        k += 1
    if got != want:
        raise ValueError(f"{number}: page header at line {hdr} does not match the title")

    # aim, credit, level
    lo_start = next(n for n in span if by_line[n].strip() == "Learning outcomes")
    head = [n for n in range(start + 1, lo_start) if n not in hdr_lines]
    aim_lines, credit, level = [], None, None
    i = 0
    while i < len(head):
        n = head[i]
        s = by_line[n].strip()
        m = re.match(r"^(Credit value|Level)\s*:?\s*(\d*)$", s)
        if m:
            val = m.group(2)
            j = i + 1
            while not val:
                val = by_line[head[j]].strip()
                j += 1
            if m.group(1) == "Level":
                level = int(val)
            else:
                credit = int(val)
            i = j if not m.group(2) else i + 1
            continue
        if s and credit is None and level is None:
            aim_lines.append(s)
        i += 1
    aim = _join(aim_lines)
    aim = re.sub(r"\s+\.\s*\.$", ".", aim)

    can = next(n for n in span if n > lo_start and by_line[n].strip() == "The learner can:")
    ev = next((n for n in span
               if re.sub(r"\s", "", by_line[n]) == "EvidenceRequirements"), None)
    table_end = (ev - 1) if ev else end

    los: list[dict] = []
    cur_lo = None
    cur_ac = None
    lo_parts: list[str] = []
    ac_parts: list[str] = []

    def close_ac():
        nonlocal cur_ac, ac_parts
        if cur_ac is not None:
            cur_ac["text"] = _join(ac_parts)
        cur_ac, ac_parts = None, []

    def close_lo_title():
        nonlocal lo_parts
        if cur_lo is not None and lo_parts:
            cur_lo["title"] = _join(lo_parts)
        lo_parts = []

    def start_ac(printed, text, n):
        # the number exactly as printed (irregular ones such as "1 2", "1. 8" and "2.3."
        # are normalised by entries in the corrections file)
        nonlocal cur_ac, ac_parts
        close_ac()
        close_lo_title()
        cur_ac = c.new_ac(re.sub(r"\s+", " ", printed), "", source_line=n)
        cur_lo["criteria"].append(cur_ac)
        ac_parts = [text]

    for n in range(can + 1, table_end + 1):
        if n in hdr_lines:
            continue
        raw = by_line[n]
        s = raw.strip()
        if not s or _PAGE_NO.match(s):
            continue
        m = _AC.match(raw)
        if m and cur_lo is not None and int(m.group(2)) == int(cur_lo["number"]):
            start_ac(m.group(1), m.group(4), n)
            continue
        m = _LO.match(raw)
        if m and (not los or int(m.group(1)) == int(los[-1]["number"]) + 1):
            close_ac()
            close_lo_title()
            title = m.group(2)
            first_ac = None
            mm = _LO_WITH_AC.match(title)
            if mm and mm.group(2).split(".")[0] == m.group(1):
                title, first_ac = mm.group(1), mm
            cur_lo = c.new_lo(str(int(m.group(1))), "", type="knowledge")
            los.append(cur_lo)
            lo_parts = [title]
            if first_ac:
                close_lo_title()
                start_ac(first_ac.group(2), first_ac.group(3), n)
            continue
        if cur_ac is not None:
            ac_parts.append(s)
        elif cur_lo is not None:
            lo_parts.append(s)
        else:
            raise ValueError(f"{number}: unexpected line {n}: {s!r}")
    close_ac()
    close_lo_title()

    for lo in los:
        t = lo["title"].lower()
        lo["type"] = "knowledge" if t.startswith(("understand", "know")) else "performance"
    types = {lo["type"] for lo in los}

    ev_text = None
    ev_lines: list[tuple[int, str]] = []
    if ev:
        ev_lines = [(n, by_line[n]) for n in range(ev + 1, end + 1)]
        ev_text = _evidence_text(ev_lines)

    unit = c.new_unit(number, title=row["title"], reference=None, level=level, credit=credit,
                      glh=None,
                      type=("knowledge" if types == {"knowledge"} else
                            "competence" if types == {"performance"} else "mixed"),
                      group=None, aim=aim or None, assessment_requirements=ev_text,
                      source_lines=[start, end])
    unit["learning_outcomes"] = los
    unit["missing"].append("no national unit reference (QCF unit reference) printed in this "
                           "document: EDI code only")
    unit["missing"].append("no guided learning hours printed for the unit")
    if level != row["level"] or credit != row["credit"]:
        unit["missing"].append(f"level/credit in the unit ({level}/{credit}) differ from the "
                               f"structure table ({row['level']}/{row['credit']})")

    # assessment rules from the evidence requirements
    if ev_lines:
        joined, starts = _sentences_with_lines(ev_lines)
        for sent, n in zip(joined, starts):
            if re.match(r"Simulation is not allowed for any performance evidence", sent):
                for lo in los:
                    if lo["type"] == "performance":
                        unit["assessment_rules"].append(
                            c.new_rule("barred", "Sim", n, sent, lo=lo["number"]))
            elif re.match(r"Simulation is not allowed for any evidence", sent):
                unit["assessment_rules"].append(c.new_rule("barred", "Sim", n, sent))
            # A realistic working environment is not simulation: the units say apart which
            # each may use (once one code, each simulation bar also refused the RWE evidence
            # the unit permits, and the four units barring RWE did so only by accident).
            elif re.search(r"realistic working environment or a work placement\s+is not "
                           r"permissible", sent):
                unit["assessment_rules"].append(c.new_rule("barred", "RWE", n, sent))
            elif re.search(r"realistic working environment or a work placement\s+is "
                           r"permissible", sent):
                unit["assessment_rules"].append(c.new_rule("allowed", "RWE", n, sent))
            elif re.search(r"over a sufficient period of time with different customers on "
                           r"different occasions", sent):
                # How much evidence, not which kind: evidence from different occasions (the
                # dates Fieldfolio can check) with different customers (the assessor's
                # judgement). Read once as a required "Other" record, it blocked every unit.
                unit["assessment_rules"].append(
                    c.new_rule("sufficiency", None, n, sent, count_of="occasions"))
    return unit


def _sentences_with_lines(ev_lines):
    """Sentences of the evidence requirements, each with the line where it starts."""
    words: list[tuple[int, str]] = []
    for n, raw in ev_lines:
        for w in _clean(raw).split():
            words.append((n, w))
    sents, starts = [], []
    cur: list[str] = []
    cur_start = None
    for n, w in words:
        if re.fullmatch(r"\d+\.?", w) and not cur:
            continue  # paragraph number
        if cur_start is None:
            cur_start = n
        cur.append(w)
        if re.search(r"[.:]\)?$", w) and not re.fullmatch(r"[a-z]\.", w):
            sents.append(" ".join(cur))
            starts.append(cur_start)
            cur, cur_start = [], None
    if cur:
        sents.append(" ".join(cur))
        starts.append(cur_start)
    return sents, starts


def _evidence_text(ev_lines) -> str | None:
    """Numbered paragraphs on their own lines, lettered items on their own lines."""
    out: list[str] = []
    for n, raw in ev_lines:
        s = _clean(raw)
        if not s or s == "Aims":
            continue
        if re.match(r"^\d+\.?\s", s) or re.match(r"^[a-z]\.?\s", s) or not out:
            out.append(s)
        else:
            out[-1] += " " + s
    text = "\n".join(out).strip()
    return text or None


# ---------------------------------------------------------------------------


def _rwe_guidelines(lines, by_line) -> dict:
    """Appendix D: RWE for every unit, on the guidelines printed there. Four units' own
    evidence requirements bar it; the app shows each such pair as the conflict it is."""
    start = next(n for n, s in lines if s.strip() == "APPENDIX D")
    applies = next(n for n, s in lines if n > start and s.strip().startswith("RWE can be applied"))
    must = next(n for n, s in lines if n > applies and "the following guidelines must be met" in s)
    end = next(n for n, s in lines if n > must and "managed as a real work situation" in s)
    words = " ".join(_clean(by_line[n]) for n in range(must, end + 1) if by_line[n].strip())
    text = f"{_clean(by_line[applies]).strip()}. {' '.join(words.split())}"
    return c.new_rule("allowed", "RWE", applies, text)


def build(source_text: str, corrections: list) -> dict:
    lines = c.numbered_lines(source_text)
    by_line = dict(lines)

    pack = c.new_pack(PACK_ID, "qualification", "EDI", SOURCE_FILE, source_text,
                      document_title=f"{QUAL_TITLE}: support pack",
                      document_version=None, document_date=None)

    s_start, s_end, rule_lines, groups, rows = _parse_structure(lines, by_line)
    rows_by_number = {r["number"]: r for r in rows}
    group_title = {g["id"]: g["title"] for g in groups}

    rwe_rule = _rwe_guidelines(lines, by_line)
    units = []
    for a, b in _unit_blocks(lines, by_line, s_end):
        unit = _parse_unit(a, b, by_line, rows_by_number)
        row = rows_by_number[unit["number"]]
        unit["group"] = f"Group {row['group']}: {group_title[row['group']]}"
        unit["assessment_rules"].append(dict(rwe_rule))
        units.append(unit)
    last = units[-1]
    last_ac = last["learning_outcomes"][-1]["criteria"][-1]
    if not last["assessment_requirements"]:
        last["missing"].append(
            f"the source text ends after AC {last_ac['number']} (line {last_ac['source_line']}): "
            "any further assessment criteria of LO "
            f"{last['learning_outcomes'][-1]['number']} and the unit's Evidence Requirements "
            "are not in the file")
    pack["units"] = units

    specified = {u["number"] for u in units}
    pack["listed_not_specified"] = [
        {"number": r["number"], "reference": None, "title": r["title"], "source_line": r["line"]}
        for r in rows if r["number"] not in specified]
    lns = pack["listed_not_specified"]
    pack["missing"] = [
        f"the text stops part-way: the structure table (lines {s_start}–{s_end - 1}) lists "
        f"{len(rows)} units but only {len(units)} are specified "
        f"({', '.join(u['number'] for u in units)}); the text ends inside unit "
        f"{last['number']} (line {lines[-1][0]}). The other {len(lns)} are listed in "
        "listed_not_specified: " + ", ".join(x["number"] for x in lns),
        "no document version or date: the pack says they are on the front cover, which is "
        "not in the text",
        "no national unit references (QCF unit reference numbers) are printed for any unit",
    ]

    rule_text = _join([s for _, s in rule_lines])
    nums = {"eight": 8, "eleven": 11, "twenty": 20, "twenty eight": 28}
    m = re.search(r"minimum of (twenty eight) credits", rule_text)
    min_total = nums[m.group(1)]
    m = re.search(r"achieve (eight) credits from the Mandatory Units", rule_text)
    min_mand = nums[m.group(1)]
    m = re.search(r"minimum of (eleven) credits must be achieved at level (\d)", rule_text)
    min_l2, l2 = nums[m.group(1)], int(m.group(2))
    assert "a minimum of one unit from each Optional Group" in rule_text

    roc_groups = []
    for g in groups:
        mandatory = g["title"].startswith("Mandatory")
        roc_groups.append({
            "id": g["id"], "title": g["title"], "mandatory": mandatory, "units": g["units"],
            "min_credits": min_mand if mandatory else None, "max_credits": None,
            "min_units": None if mandatory else 1, "max_units": None})
    glh_line = next(n for n, s in lines if "guided learning hours (GLHs) provide" in s)
    roc = {
        "min_credits": min_total,
        "min_credits_at_or_above_level": {"level": l2, "credits": min_l2},
        "groups": roc_groups,
        "barred": [],
        "order": [],
        "source_lines": [s_start, s_end - 1],
        "notes": (rule_text + " (The 'eleven credits at level 2' applies to optional groups "
                  "B to E, as printed; min_credits_at_or_above_level holds it.) Groups name "
                  "every unit the structure table lists, including those this file does not "
                  "specify (see listed_not_specified)."),
    }
    pack["qualifications"] = [{
        "title": QUAL_TITLE,
        "ab_number": None,
        "regulator_number": None,
        "level": 2,
        "glh": None,
        "tqt": None,
        "credits": min_total,
        "units": [u["number"] for u in units],
        "rules_of_combination": roc,
        "missing": [
            "no EDI qualification number or Ofqual/QCF qualification number printed",
            f"GLH given only as a recommended range: '{_clean(by_line[glh_line])} "
            f"{_clean(by_line[glh_line + 1])}' (line {glh_line})",
            "no total qualification time printed",
            f"{len(lns)} of the {len(rows)} units in the structure table are not specified in "
            "this file (see the pack's listed_not_specified)",
        ],
    }]
    return c.finish_pack(pack, corrections)


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    corr = json.loads((c.REPO_ROOT / "tools" / "corrections" / f"{PACK_ID}.json")
                      .read_text(encoding="utf-8")) if len(sys.argv) > 1 else []
    sys.stdout.write(c.dump_pack(build(c.read_seed(SOURCE_FILE), corr)))
