"""Extractor for the VTCT Customer Service Suite assessment guidance (seed 004).

The source is a bank of 59 QCF units (customer service "CS", business administration "BA",
management "ML"), each printed as a header block (number, title, unit reference number, QCF
level, credit value, GLH) followed by a four-column table: LO number, LO title, assessment
criterion, assessment guidance.  It defines no qualification.

The table text was converted from a PDF and breaks at page boundaries:

* a row continued on the next page loses its first column, so the LO title (or the AC
  text) continues in the "wrong" column.  A row's layout is told by its number of cells:
  a full row has as many cells as the table header, a row missing its first column one
  fewer (see ``_row_cells``);
* some cells hold several ACs in ``<p>`` paragraphs, or run the next AC on after the end of
  the previous one ("... methods 2.3 Develop ...");
* guidance is inline HTML (``<p>``, ``<ul>``, ``•`` bullets) and may continue over a page
  break; a guidance fragment that starts in lower case, or sits in a row without any AC
  text, continues the previous guidance.

Manual fixes are in ``tools/corrections/vtct-customer-service-bank.json``.
"""

from __future__ import annotations

import re

from tools.extract import common as c

PACK_ID = "vtct-customer-service-bank"
SOURCE_FILE = "004_8c506c070b9e3af3.txt"

UNIT_HEAD = re.compile(r"^(UBU\d+\s*/\s*(?:CS|BA|ML) \d+):\s*(.*?)\s*$")
FIELD = re.compile(r"^\s*(Unit reference number|QCF level|Credit value|GLH):\s*(.*?)\s*$")
AC_START = re.compile(r"(?:(?<=^)|(?<=\s))(\d+\.\d+)\s+(?=[A-Z])")
TABLE_HEAD = re.compile(r"^\tLearning outcomes\tAssessment Criterion\tAssessment Guidance")
SEPARATOR = re.compile(r"^[-\t ]+$")
BOILERPLATE = ("Assessment guidance is provided below for some assessment criterion.")

# Assessment rules the guidance states in words (line number -> rule).  The source has no
# assessment strategy: these are the only statements about how evidence may be produced.
RULES = {
    143: dict(lo="2", kind="allowed", method="Wt",
              quote="Where possible, adherence to organisational standards, policies and "
                    "procedures should be confirmed by a line manager or experienced colleague."),
    507: dict(lo="2", kind="allowed", method="Wt",
              quote="Where possible, adherence to organisational standards, policies and "
                    "procedures should be confirmed by a line manager or experienced colleague."),
    513: dict(lo="2", kind="allowed", method="Sim",
              quote="Where an organisation adopts a standardised format , over which the "
                    "learner has no control, this AC can be met by 'what if' scenarios"),
    851: dict(lo="1", kind="allowed", method="Sim",
              quote="If these do not exist, 'what if' scenarios can be used"),
}


# Gaps and doubtful content in the source, recorded rather than guessed at.
UNIT_NOTES = {
    "UBU50 / BA 42": [
        "ACs 1.2 and 1.3 are printed with the same text ('Explain the use of different "
        "negotiation techniques', lines 1677-1678); the intended text of one of them is not "
        "given in the source",
    ],
    "UBU57 / ML 9": [
        "AC 2.3 is printed as 'Explain the importance of displaying behaviour that supports "
        "equality, diversity and inclusion in the workplace' (line 1844), the text of AC 2.3 "
        "of UBU66 / ML 10; its guidance (a skills gap analysis) suggests a different "
        "criterion, which the source does not give",
    ],
    "UBU69 / ML 21": [
        "the source text ends after AC 3.2 (line 1973, the last line of the file, with no "
        "closing row); any further criteria of LO 3 are not in the source",
    ],
}


# ---------------------------------------------------------------------------
# Text


def _plain(text: str) -> str:
    """Cell text without HTML, with straight quotes and single spaces."""
    text = c.strip_html(text)
    text = re.sub(r"“\s+", "“", re.sub(r"\s+”", "”", text))   # “ customer service language ”
    text = c.normalise_quotes(text, straight=True)
    text = re.sub(r"\*([^*]+)\*", r"\1", text)          # *italic* titles
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:])", r"\1", text)           # "(SLAs) , objectives"
    return text


def _guidance_lines(cell: str) -> list[str]:
    """Guidance cell -> lines: paragraphs and bullet items each on a line of their own."""
    t = cell
    t = re.sub(r"(?i)<ul[^>]*>|</ul>|</?li>", "\n", t)
    t = re.sub(r"(?i)</p>", "\n", t)
    t = re.sub(r"(?i)<p[^>]*>", "\n", t)
    t = re.sub(r"(?i)</?i>", "", t)
    t = t.replace("\u2022", "\n\u2022 ").replace("\u25cb", "\n\u25cb ")
    out = []
    for ln in t.split("\n"):
        ln = _plain(ln)
        if ln in ("", "\u2022", "\u25cb"):
            continue
        ln = re.sub(r"^([\u2022\u25cb])\s*", r"\1 ", ln)
        out.append(ln)
    return out


def _join_guidance(old: str | None, lines: list[str]) -> str | None:
    if not lines:
        return old
    if old is None:
        return "\n".join(lines)
    first = lines[0]
    last_line = old.split("\n")[-1]
    if first[:1].islower() or (not first.startswith(("\u2022", "\u25cb"))
                               and not re.search(r"[.:!?)]$", last_line)):
        old = old + " " + first       # the sentence or item runs on over the page break
        lines = lines[1:]
    return "\n".join([old] + lines) if lines else old


def _ac_pieces(cell: str) -> list[tuple[str | None, str]]:
    """Split an AC cell into (number or None for a continuation, text) pieces."""
    text = _plain(cell)
    if not text:
        return []
    pieces: list[tuple[str | None, str]] = []
    pos = 0
    current: str | None = None
    for m in AC_START.finditer(text):
        before = text[pos:m.start()].strip()
        if before:
            pieces.append((current, before))
        elif current is not None:
            pieces.append((current, ""))
        current = m.group(1)
        pos = m.end()
    rest = text[pos:].strip()
    if rest or current is not None:
        pieces.append((current, rest))
    return pieces


# ---------------------------------------------------------------------------
# Structure


def _row_cells(line: str) -> tuple[str | None, str, str, str]:
    """(LO number or None, LO title text, AC text, guidance text) for a table row.

    Full rows are ``LO number, LO title, AC, guidance``.  A row continued after a page
    break may lose its first column: then its first cell (or, after a leading tab, its
    second) is the continuation of the LO title when the row still has four cells, and
    AC text when it has three.
    """
    cells = line.split("\t")
    stripped = [re.sub(r"(?i)^<p>(.*)</p>$", r"\1", x.strip()) for x in cells]
    first = stripped[0]
    if re.fullmatch(r"\d+", first):
        return first, stripped[1] if len(cells) > 1 else "", \
            stripped[2] if len(cells) > 2 else "", "\t".join(cells[3:])
    if first:  # first column lost at a page break: LO title continues in column 0
        return None, first, stripped[1] if len(cells) > 1 else "", "\t".join(cells[2:])
    if stripped[1] == "" or len(cells) < 2:
        return None, "", stripped[2] if len(cells) > 2 else "", "\t".join(cells[3:])
    if AC_START.match(_plain(stripped[1])) or len(cells) < 4:
        # the LO column is gone at a page break: AC text is in column 1
        return None, "", stripped[1], "\t".join(cells[2:])
    # LO title continued in column 1, AC (continuation) in column 2
    return None, stripped[1], stripped[2], "\t".join(cells[3:])


def _parse_unit(number: str, title: str, block: list[tuple[int, str]], end_line: int) -> dict:
    fields: dict[str, str] = {}
    in_table = False
    los: list[dict] = []
    lo: dict | None = None
    ac: dict | None = None
    last_guided: dict | None = None
    boilerplate = None
    rules = []
    for n, line in block:
        if not in_table:
            m = FIELD.match(line)
            if m:
                fields[m.group(1)] = m.group(2)
                continue
            if line.startswith(BOILERPLATE):
                boilerplate = _plain(line)
            if TABLE_HEAD.match(line):
                in_table = True
            continue
        if not line.strip() or SEPARATOR.match(line) or "\t" not in line:
            continue
        lo_num, lo_text, ac_text, guid = _row_cells(line)
        if lo_num is not None:
            lo = c.new_lo(lo_num, _plain(lo_text))
            los.append(lo)
            ac = None
        elif lo_text and lo is not None:
            lo["title"] = (lo["title"] + " " + _plain(lo_text)).strip()
        target = None  # the AC this row's guidance belongs to
        for num, text in _ac_pieces(ac_text):
            if num is None or (ac is not None and num == ac["number"]):
                if ac is None:
                    raise ValueError(f"line {n}: AC text {text!r} before any AC number")
                ac["text"] = (ac["text"] + " " + text).strip()
            else:
                if lo is None:
                    raise ValueError(f"line {n}: AC {num} before any learning outcome")
                ac = c.new_ac(num, text, None, n)
                lo["criteria"].append(ac)
            if target is None:
                target = ac
        glines = _guidance_lines(guid)
        if glines:
            continues = glines[0][:1].islower() or target is None
            dest = (last_guided or ac) if continues else target
            if dest is None:
                raise ValueError(f"line {n}: guidance before any AC")
            dest["guidance"] = _join_guidance(dest["guidance"], glines)
            last_guided = dest
        if n in RULES:
            r = RULES[n]
            assert r["quote"] in _plain(line) or r["quote"] in line, (n, r["quote"])
            rules.append(c.new_rule(r["kind"], r["method"], n, r["quote"], lo=r["lo"]))

    def num(key):
        v = fields.get(key)
        return int(v) if v and v.isdigit() else None

    types = {x["type"] for x in los}
    utype = ("knowledge" if types == {"knowledge"} else
             "competence" if types == {"performance"} else "mixed" if types else None)
    unit = c.new_unit(
        number, title, reference=fields.get("Unit reference number"),
        level=num("QCF level"), credit=num("Credit value"), glh=num("GLH"), type=utype,
        group=_group(number), aim=None, assessment_requirements=boilerplate,
        source_lines=[block[0][0] - 1, end_line])
    unit["learning_outcomes"] = los
    unit["assessment_rules"] = rules
    unit["missing"] = ["no unit aim or purpose statement is printed in the source"]
    return unit


def _group(number: str) -> str:
    code = re.search(r"/\s*(CS|BA|ML) ", number).group(1)
    return {"CS": "Customer service", "BA": "Business administration",
            "ML": "Management and leadership"}[code]


def _contents(lines: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    out = []
    for n, ln in lines:
        if ln.strip() == "Units" and out:
            break
        m = re.match(r"^(UBU\d+\s*/\s*(?:CS|BA|ML) \d+):\s*(.*?)(?:\.{2,})?\t\d+\s*$", ln)
        if m:
            out.append((n, m.group(1), m.group(2).strip()))
    return out


def build(source_text: str, corrections: list) -> dict:
    lines = c.numbered_lines(source_text)
    pack = c.new_pack(PACK_ID, "unit_bank", "VTCT", SOURCE_FILE, source_text,
                      document_title="VTCT Customer Service Suite: Assessment Guidance",
                      document_version=None, document_date=None)
    contents = _contents(lines)
    body_start = next(n for n, ln in lines if ln.strip() == "Units" and n > contents[-1][0])

    heads = []
    for i, (n, ln) in enumerate(lines):
        if n <= body_start:
            continue
        m = UNIT_HEAD.match(ln)
        if m:
            heads.append((i, n, m.group(1), m.group(2)))
    for k, (i, n, number, title) in enumerate(heads):
        stop = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
        block = lines[i + 1:stop]
        if not title:  # title on the next non-empty line
            for j, (tn, tl) in enumerate(block):
                if tl.strip():
                    title = tl
                    block = block[j + 1:]
                    break
        end = block[-1][0] if block else n
        while block and not block[-1][1].strip():
            block = block[:-1]
        end = block[-1][0] if block else n
        unit = _parse_unit(number, _plain(title), [(n, "")] + block, end)
        unit["source_lines"] = [n, end]
        pack["units"].append(unit)

    # every unit in the contents list must be specified, and vice versa
    specified = {re.sub(r"\s+", "", u["number"]) for u in pack["units"]}
    for n, number, title in contents:
        if re.sub(r"\s+", "", number) not in specified:
            pack["listed_not_specified"].append(
                {"number": number, "reference": None, "title": title, "source_line": n})

    pack["missing"] = [
        "the source defines no qualification and no rules of combination: it is a bank of "
        "units with assessment guidance",
        "no document version or date is printed in the source",
        "the source has no assessment strategy: no assessment method is stated as required "
        "or barred; the few statements about evidence (witness confirmation, 'what if' "
        "scenarios) are recorded as 'allowed' assessment rules on their units",
    ]
    for unit in pack["units"]:
        unit["missing"] += UNIT_NOTES.get(unit["number"], [])
    return c.finish_pack(pack, corrections)
