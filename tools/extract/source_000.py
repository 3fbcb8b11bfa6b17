"""Source 000: units section of a City & Guilds customer service handbook.

The seed (``000_1461ff37435fe4db.txt``) is a plain-text export of the *units* pages only:
units 201-236, 302, 303 and 311, each laid out as

    Unit 201 Deliver customer service          <- heading (title may wrap)
    UAN: / Level: / Credit value: / GLH: / Assessment type: / Relationship to NOS:
    Assessment requirements specified by a sector or regulatory body: <text>
    Aim: <text>
    Learning outcome / The learner will: / 1. <title>
    Assessment criteria / The learner can: / 1.1 <text> ...
    Assessment guidance | Assessment Guidance | Range | ...   <- per-LO guidance
    ... next "Learning outcome" or next unit heading

Traps handled here (see also tools/corrections/cg-customer-service-units.json):

* bullets were exported as a single leading space (the bullet glyph is lost), so a line
  that starts with white space is a list item, not a continuation;
* guidance is sometimes keyed by AC number ("1.1", "2.3  The Equality Act ...") and
  those lines look exactly like criteria: criteria are only read between "The learner
  can:" and the next guidance heading, and keyed guidance is filed under the matching
  criterion's ``guidance``;
* continuation pages repeat the unit heading (228 and 303): a heading with the number
  of the unit being read continues that unit instead of starting a new one;
* ACs and titles wrap across lines, sometimes with a blank line (page layout) inside
  them; lettered sub-items (a., b., ...) stay inside their AC, one per line, and the
  words that close the AC after the sub-items get a line of their own;
* bare page numbers ("2", "  3") sit between paragraphs and are dropped;
* hyphens at line ends are real compound words here ("post-", "self-", "on-"), so a
  wrapped line is joined after the hyphen without a space, keeping the hyphen.

The source has no front matter: no document title, no qualification, no rules of
combination.  The pack is therefore a unit bank (see the pack's ``missing``).
"""

from __future__ import annotations

import re

from tools.extract import common as c

PACK_ID = "cg-customer-service-units"
SOURCE_FILE = "000_1461ff37435fe4db.txt"
AWARDING_BODY = "City & Guilds"
DOCUMENT_TITLE = ("City & Guilds customer service handbook, units section "
                  "(units 201-236, 302, 303, 311; title not printed in the source)")

PACK_MISSING = [
    "No qualification is named anywhere in this source: it is only the units section of a "
    "City & Guilds customer service handbook, with no front matter, qualification title or "
    "number, Ofqual number, GLH/TQT, or rules of combination. The units are therefore "
    "published as a unit bank; the Level 2 and Level 3 diplomas they belong to must come "
    "from another source.",
    "No document title, version or date is printed (the text begins at 'Unit 201'); "
    "source.document_title is a description, not a printed title.",
    "'Relationship to NOS' and 'Assessment type' lines printed in the unit headers are not "
    "carried: the pack format has no field for them.",
    "'Assessment requirements' that refer to the Skills CFA Assessment Strategy or the "
    "e-Skills IT User Assessment Strategy are kept as text; the strategies are not part of "
    "this source, so no method rules (e.g. on simulation) are derived from them.",
    "Assessment rules: 'required Obs' comes from the notes 'the candidate will require to be "
    "observed ...' (counts only where a number is printed); 'allowed' rules come from the "
    "'Evidence may be supplied by:' lists (documents and records listed there are filed as "
    "P, 'report' and 'case study' as Ot) and from 'witness testimonies can be ...' notes.",
]

UNIT_RE = re.compile(r"^Unit (\d{3})(?:/(\d{3}))?\s+(.*\S)\s*$")
LO_RE = re.compile(r"^(\d+)\.\s+(.*)$")
AC_RE = re.compile(r"^(\d+)\.(\d+)\s+(.*)$")
KEY_RE = re.compile(r"^(\d+)\.(\d+)(?:\s+(.*))?$")
PAGE_NUMBER_RE = re.compile(r"^\d{1,3}$")
SUB_ITEM_RE = re.compile(r"^[a-z]\.\s+\S")

GUIDANCE_HEADINGS = ("Assessment guidance", "Assessment Guidance", "Range")
# lines inside keyed (per-AC) guidance that return to LO-level guidance
KEYED_GUIDANCE_ENDS = ("Additional Guidance", "Note:", "Evidence may be supplied by")


# ---------------------------------------------------------------------------
# small text helpers


def _squash(s: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", s).strip()


def _join(a: str, b: str) -> str:
    """Join a wrapped line: a hyphen at the end of ``a`` is a real hyphen here."""
    if not a:
        return b
    if a.endswith("-") and b[:1].isalpha():
        return a + b
    return a + " " + b


def _is_page_number(s: str) -> bool:
    return bool(PAGE_NUMBER_RE.match(s))


def _is_guidance_heading(s: str) -> bool:
    return s in GUIDANCE_HEADINGS or s.startswith("Assessment guidance") or \
        s.startswith("Assessment Guidance") or s.startswith("Evidence may be supplied by")


# ---------------------------------------------------------------------------
# flowing text (aims, requirements, guidance) into lines


class Flow:
    """Turns source lines into display lines: paragraphs joined, bullets one per line.

    Each item is ``[kind, text, first_line]`` with kind ``para``, ``bullet`` or ``sub``.
    """

    def __init__(self):
        self.items: list[list] = []
        self._blank = True

    def blank(self):
        self._blank = True

    def add(self, raw: str, lineno: int):
        s = _squash(raw)
        if not s:
            self._blank = True
            return
        lead = raw[: len(raw) - len(raw.lstrip())] != ""
        prev = self.items[-1] if self.items else None
        blank_before = self._blank
        self._blank = False

        if s.startswith("•"):
            self.items.append(["bullet", _squash(s[1:]), lineno])
            return
        if re.match(r"^o\s+\S", s):
            self.items.append(["sub", _squash(s[1:]), lineno])
            return
        if lead:
            para_like = (s in ("eg", "eg:") or s.startswith("In this criterion")
                         or _is_guidance_heading(s))
            if prev and prev[0] == "para" and not blank_before and not prev[1].endswith(":") \
                    and s[:1].islower():
                prev[1] = _join(prev[1], s)      # wrapped paragraph line with a stray space
                return
            if prev and prev[0] == "para" and not blank_before and s.endswith(":") \
                    and not prev[1].endswith(":"):
                para_like = True                 # "  Employer benefits include:" heading
            if para_like:
                self.items.append(["para", s, lineno])
            else:
                self.items.append(["bullet", s, lineno])
            return
        # no leading space
        if prev and prev[0] in ("bullet", "sub"):
            unbalanced = prev[1].count("(") > prev[1].count(")")
            dangling = not blank_before and re.search(
                r"\b(?:the|of|and|or|to|a|an|in|on|for|with|by|as|at|from|that)$", prev[1])
            if s[:1].islower() or s[:1] == ")" or unbalanced or dangling:
                prev[1] = _join(prev[1], s)
                return
            self.items.append(["para", s, lineno])
            return
        if prev and prev[0] == "para" and blank_before and s[:1].islower() and s not in ("eg", "eg:") \
                and not re.search(r"[.:;!?]$", prev[1]):
            prev[1] = _join(prev[1], s)          # a paragraph wrapped over a layout gap
            return
        if prev and prev[0] == "para" and not blank_before:
            short_heading = (len(prev[1].split()) <= 4 and prev[1][:1].isupper()
                             and not re.search(r"[.,;:!?]$", prev[1]) and s[:1].isupper())
            if not prev[1].endswith(":") and not short_heading:
                prev[1] = _join(prev[1], s)
                return
        self.items.append(["para", s, lineno])

    def text(self) -> str | None:
        out = []
        items = self.items
        for k, (kind, text, _) in enumerate(items):
            if not text:
                continue
            if kind == "bullet" and text.endswith(":") and not (
                    k + 1 < len(items) and items[k + 1][0] == "sub"):
                kind = "para"                 # a heading that lost its place, not an item
            if kind == "bullet":
                out.append("• " + text)
            elif kind == "sub":
                out.append("◦ " + text)
            else:
                out.append(text)
        return "\n".join(out) if out else None


# ---------------------------------------------------------------------------
# parsing


class _Unit:
    def __init__(self, number, alt, title, line):
        self.number = number
        self.alt = alt
        self.title = title
        self.first = line
        self.last = line
        self.header: list[tuple[int, str]] = []
        self.los: list[dict] = []
        self.missing: list[str] = []


def _segment(lines):
    """Split the source into units; continuation pages are folded into their unit."""
    units: list[_Unit] = []
    cur: _Unit | None = None
    i = 0
    n = len(lines)
    while i < n:
        no, raw = lines[i]
        s = _squash(raw)
        m = UNIT_RE.match(s)
        if m:
            # the heading title may wrap until the next blank line
            title = m.group(3)
            j = i + 1
            while j < n and _squash(lines[j][1]):
                title = _join(title, _squash(lines[j][1]))
                j += 1
            if cur is not None and m.group(1) == cur.number:
                # continuation page: repeated heading, same unit
                cur.body.append((no, None))           # marker: continuation starts here
                i = j
                continue
            cur = _Unit(m.group(1), m.group(2), title, no)
            cur.body = []
            units.append(cur)
            i = j
            continue
        if cur is not None:
            cur.body.append((no, raw))
        i += 1
    return units


def _parse_header(unit: _Unit, header: list[tuple[int, str]]):
    """Fields between the heading and the first learning outcome."""
    fields: dict[str, list[tuple[int, str]]] = {}
    key = None
    k = 0
    items = [(no, raw) for no, raw in header if _squash(raw) and not _is_page_number(_squash(raw))]
    while k < len(items):
        no, raw = items[k]
        s = _squash(raw)
        label = None
        for lab, name in (("UAN:", "uan"), ("Level:", "level"), ("Credit value:", "credit"),
                          ("GLH:", "glh"), ("Assessment type:", "atype"),
                          ("Relationship to NOS:", "nos"), ("Aim:", "aim")):
            if s.startswith(lab):
                label = name
                rest = s[len(lab):].strip()
                break
        if label is None and s == "Assessment" and k + 1 < len(items) \
                and _squash(items[k + 1][1]).startswith("requirements"):
            # "Assessment / requirements [specified] / [by a sector or] / ... body:"
            while k < len(items) and not _squash(items[k][1]).endswith("body:"):
                k += 1
            label, rest, no, raw = "req", "", items[k][0], ""
        if label is not None:
            key = label
            fields.setdefault(key, [])
            if rest:
                fields[key].append((no, (" " if raw[:1] == " " else "") + rest))
            k += 1
            continue
        if key is None:
            raise ValueError(f"line {no}: unexpected text before the unit fields: {s!r}")
        fields[key].append((no, raw))
        k += 1
    return fields


def _int_field(fields, key, unit: _Unit, what: str):
    vals = fields.get(key)
    if not vals:
        unit.missing.append(f"no {what} printed")
        return None
    m = re.search(r"\d+", vals[0][1])
    if not m:
        raise ValueError(f"line {vals[0][0]}: no number in {what}: {vals[0][1]!r}")
    return int(m.group(0))


def _flow_text(pairs) -> str | None:
    f = Flow()
    for no, raw in pairs:
        if _is_page_number(_squash(raw)):
            continue
        f.add(raw, no)
    return f.text()


def _parse_los(unit: _Unit, body):
    """Read learning outcomes, criteria and guidance from the unit body."""
    los = []
    state = None
    lo = None
    ac = None
    header = []
    i = 0
    n = len(body)
    while i < n:
        no, raw = body[i]
        if raw is None:                      # continuation page of the same unit
            if lo is None:
                raise ValueError(f"unit {unit.number}: continuation before any LO")
            state = "guidance"
            lo["_guidance"].append((no, None))
            i += 1
            continue
        s = _squash(raw)
        if state is None:
            if s == "Learning outcome":
                state = "lo_head"
            else:
                header.append((no, raw))
            i += 1
            continue
        if s == "Learning outcome":
            state = "lo_head"
            lo = None
            ac = None
            i += 1
            continue
        if state == "lo_head":
            if not s or s == "The learner will:":
                i += 1
                continue
            m = LO_RE.match(s)
            if not m:
                raise ValueError(f"line {no}: expected a learning outcome title, got {s!r}")
            lo = {"number": m.group(1), "title": m.group(2), "line": no, "acs": [],
                  "_guidance": []}
            los.append(lo)
            state = "lo_title"
            i += 1
            continue
        if state == "lo_title":
            if s == "Assessment criteria":
                state = "ac_head"
            elif s:
                lo["title"] = _join(lo["title"], s)
            i += 1
            continue
        if state == "ac_head":
            if s == "The learner can:":
                state = "acs"
            elif s:
                raise ValueError(f"line {no}: expected 'The learner can:', got {s!r}")
            i += 1
            continue
        if state == "acs":
            if not s or _is_page_number(s):
                i += 1
                continue
            m = AC_RE.match(s)
            if m and m.group(1) == lo["number"]:
                ac = {"number": f"{m.group(1)}.{m.group(2)}", "line": no,
                      "parts": [m.group(3)], "sub": False}
                lo["acs"].append(ac)
                i += 1
                continue
            if m:
                raise ValueError(f"line {no}: criterion {m.group(1)}.{m.group(2)} "
                                 f"under LO {lo['number']}")
            if _is_guidance_heading(s):
                state = "guidance"
                lo["_guidance"].append((no, raw))
                i += 1
                continue
            if ac is None:
                raise ValueError(f"line {no}: text before the first criterion: {s!r}")
            if SUB_ITEM_RE.match(s):
                ac["parts"].append(s)
                ac["sub"] = True
            elif ac["sub"]:
                ac["parts"].append(s)          # words closing the stem after sub-items
                ac["sub"] = "closed"
            else:
                ac["parts"][-1] = _join(ac["parts"][-1], s)
            i += 1
            continue
        if state == "guidance":
            lo["_guidance"].append((no, raw))
            i += 1
            continue
        raise AssertionError(state)  # pragma: no cover
    return header, los


def _build_guidance(lo):
    """LO guidance text, plus per-criterion guidance where the source keys it by AC."""
    ac_numbers = [a["number"] for a in lo["acs"]]
    lo_flow = Flow()
    ac_flows: dict[str, Flow] = {}
    current = None                          # AC number whose keyed guidance we are in
    last_key = None
    rules_src = []                          # (lineno, raw) lines for rule detection
    for no, raw in lo["_guidance"]:
        if raw is None:                     # continuation page: back to LO-level text
            current = None
            lo_flow.blank()
            continue
        s = _squash(raw)
        rules_src.append((no, raw))
        if _is_page_number(s):
            continue
        if not s:
            (ac_flows[current] if current else lo_flow).blank()
            continue
        m = KEY_RE.match(s)
        if m and f"{m.group(1)}.{m.group(2)}" in ac_numbers:
            key = f"{m.group(1)}.{m.group(2)}"
            if last_key is None or c.ac_sort_key(key) > c.ac_sort_key(last_key):
                current = last_key = key
                ac_flows[key] = Flow()
                if m.group(3):
                    ac_flows[key].add(m.group(3), no)
                continue
        if current and s.startswith(KEYED_GUIDANCE_ENDS):
            current = None
            lo_flow.blank()
        if current:
            ac_flows[current].add(raw, no)
        else:
            lo_flow.add(raw, no)
    items = lo_flow.items
    if ac_flows and items and items[0][0] == "para" and items[0][1] in GUIDANCE_HEADINGS:
        # the heading is printed over the keyed guidance; keep only the LO-level remainder
        view = Flow()
        view.items = items[1:]
        lo_text = view.text()
    else:
        lo_text = lo_flow.text()
    return lo_text, {k: f.text() for k, f in ac_flows.items()}, rules_src, items


def _ac_text(ac) -> str:
    return "\n".join(_squash(p) for p in ac["parts"])


# ---------------------------------------------------------------------------
# assessment rules


def _method_for(item: str) -> list[str]:
    t = item.lower().rstrip(" .*")
    if "observation" in t:
        return ["Obs"]
    if "witness testimon" in t:
        return ["Wt"]
    if "professional discussion" in t:
        return ["PD"]
    if t.startswith("questioning"):
        return ["Q"]
    if "case study" in t and "reflective account" in t:
        return ["Ot", "RA"]
    if "reflective account" in t:
        return ["RA"]
    if t.startswith("report"):
        return ["Ot"]
    return ["P"]                       # products, documents, records, policies, feedback ...


def _sentences(pairs):
    """Paragraph sentences with the line each starts on: [(line, sentence), ...]."""
    out = []
    para: list[tuple[int, str]] = []

    def flush():
        if not para:
            return
        text = ""
        starts = []                   # (offset, line)
        for no, s in para:
            if text:
                text = _join(text, s)
                starts.append((len(text) - len(s), no))
            else:
                text = s
                starts.append((0, no))
        for m in re.finditer(r"[^.]+(?:\.(?!\S)|$)", text):
            sent = m.group(0).strip()
            if not sent:
                continue
            off = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            line = max(ln for o, ln in starts if o <= off)
            out.append((line, sent))
        para.clear()

    for no, raw in pairs:
        s = _squash(raw)
        if not s or _is_page_number(s):
            flush()
            continue
        para.append((no, s))
    flush()
    return out


_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def _rules_for_lo(lo_number: str, rules_src, items) -> list[dict]:
    rules: list[dict] = []
    have = set()

    def add(kind, method, line, text, count=None, count_of=None):
        if (kind, method) in have:
            return
        have.add((kind, method))
        rules.append(c.new_rule(kind, method, line, text, lo=lo_number, count=count,
                                count_of=count_of))

    sents = _sentences(rules_src)
    for k, (line, sent) in enumerate(sents):
        low = sent.lower()
        if "require to be observed" in low:
            count = count_of = None
            m = re.search(r"at least (\w+) (customers|challenging customers)", low)
            text = sent
            if m and m.group(1) in _COUNT_WORDS:
                count, count_of = _COUNT_WORDS[m.group(1)], "customers"
            elif k + 1 < len(sents) and "more than one occasion" in sents[k + 1][1].lower():
                count, count_of = 2, "occasions"
                text = sent + " " + sents[k + 1][1]
            add("required", "Obs", line, text, count, count_of)
    # evidence lists: bullets after "Evidence may be supplied by:"
    in_list = False
    for kind, text, line in items:
        if kind == "para":
            in_list = text.startswith("Evidence may be supplied by")
            continue
        if in_list and kind == "bullet":
            for method in _method_for(text):
                add("allowed", method, line, text)
    for line, sent in sents:
        if re.search(r"witness testimonies (?:can|and other forms of evidence can)", sent.lower()):
            add("allowed", "Wt", line, sent)
    return rules


# ---------------------------------------------------------------------------


def build(source_text: str, corrections: list) -> dict:
    lines = c.numbered_lines(source_text)
    pack = c.new_pack(PACK_ID, "unit_bank", AWARDING_BODY, SOURCE_FILE, source_text,
                      document_title=DOCUMENT_TITLE)
    pack["missing"] = list(PACK_MISSING)

    for u in _segment(lines):
        header, los = _parse_los(u, u.body)
        fields = _parse_header(u, header)
        last_line = max(no for no, raw in u.body
                        if raw is None or (_squash(raw) and not _is_page_number(_squash(raw))))
        uan = fields.get("uan")
        reference = _squash(uan[0][1]) if uan else None
        if reference is None:
            u.missing.append("no national unit reference (UAN) printed")
        level = _int_field(fields, "level", u, "level")
        credit = _int_field(fields, "credit", u, "credit value")
        glh = _int_field(fields, "glh", u, "GLH")
        req = _flow_text(fields["req"]) if fields.get("req") else None
        if req is None:
            u.missing.append("no 'Assessment requirements specified by a sector or regulatory "
                             "body' section printed")
        aim = _flow_text(fields["aim"]) if fields.get("aim") else None
        if aim is None:
            u.missing.append("no aim printed")
        if u.alt:
            u.missing.append(f"the heading prints 'Unit {u.number}/{u.alt}'; the second "
                             f"number is not explained in the source, so the unit is "
                             f"numbered {u.number} here")

        unit = c.new_unit(u.number, title=u.title, reference=reference, level=level,
                          credit=credit, glh=glh, aim=aim, assessment_requirements=req,
                          source_lines=[u.first, last_line])
        types = set()
        for lo in los:
            title = _squash(lo["title"])
            low = title.lower()
            if low.startswith(("understand", "know")):
                lo_type = "knowledge"
            else:
                lo_type = "performance"
            types.add(lo_type)
            lo_text, ac_guidance, rules_src, items = _build_guidance(lo)
            new = c.new_lo(lo["number"], title, type=lo_type, guidance=lo_text)
            for a in lo["acs"]:
                new["criteria"].append(c.new_ac(a["number"], _ac_text(a),
                                                guidance=ac_guidance.get(a["number"]),
                                                source_line=a["line"]))
            unit["learning_outcomes"].append(new)
            unit["assessment_rules"].extend(_rules_for_lo(lo["number"], rules_src, items))
        unit["type"] = ("mixed" if len(types) > 1 else
                        "knowledge" if types == {"knowledge"} else "competence")
        unit["missing"] = u.missing
        pack["units"].append(unit)

    _unit_specifics(pack, source_text)
    return c.finish_pack(pack, corrections)


def _unit_specifics(pack: dict, source_text: str):
    """Facts about single units that a reader should know; each checked against the text."""
    units = {u["number"]: u for u in pack["units"]}
    lines = dict(c.numbered_lines(source_text))

    def line_of(needle: str, start: int) -> int:
        for no in range(start, len(lines) + 1):
            if needle in lines[no]:
                return no
        raise ValueError(f"{needle!r} not found after line {start}")

    # "Assessment type" lines: how the unit is assessed, as printed in its header (the unit
    # list drops them otherwise). Guidance: which instrument was used is the assessor's
    # record to keep, not something a method code shows.
    for unit in pack["units"]:
        first, last = unit["source_lines"]
        for no in range(first, last + 1):
            if lines.get(no, "").startswith("Assessment type:"):
                end = no
                while lines.get(end + 1, "").strip():   # the field runs on to a blank line
                    end += 1
                text = _squash(" ".join(lines[k] for k in range(no, end + 1)))
                unit["assessment_rules"].append(c.new_rule("guidance", None, no, text))

    u = units["228"]
    n = line_of("must be assessed by one", u["source_lines"][0])
    text = _squash(" ".join(lines[k] for k in range(n, n + 4)))
    # One of City & Guilds' own short answer question assignments, marked by the centre (or,
    # by the unit's header, the Skills CFA on-line workbook): not any questioning record,
    # which is how it was once read. Which paper was used is the assessor's to record.
    u["assessment_rules"].append(c.new_rule("guidance", "Q", n, text))
    u["missing"].append("no assessment guidance is printed for either learning outcome; the "
                        "continuation page's 'Supporting information / Evidence "
                        "requirements' is filed as guidance of the last learning outcome")
    u["missing"].append("the evidence requirement names the unit '5528-227' (a number from "
                        "another City & Guilds qualification); kept as printed")

    u = units["303"]
    u["missing"].append("the continuation page's 'Supporting information / Guidance' (report "
                        "length) is filed as guidance of the last learning outcome")

    u = units["236"]
    u["missing"].append("no assessment guidance or evidence list is printed for any learning "
                        "outcome")
    u["missing"].append("learning outcome titles state skills without 'be able to' (e.g. "
                        "'Input and combine information ...'); they are typed as performance")

    for num in ("231", "233"):
        units[num]["missing"].append(
            "the text printed after 'Aim:' is a statement about evidence, not an aim; kept as "
            "printed")

    u = units["225"]
    u["missing"].append("learning outcome 1 guidance prints the headings 'Organisation’s "
                        "structure:', 'Presentation:', 'Challenging people:' and 'Evidence may "
                        "be supplied by:' with empty bullets: their content is not in the "
                        "source")

    u = units["222"]
    u["missing"].append("no 'Evidence may be supplied by' list is printed for either learning "
                        "outcome")
