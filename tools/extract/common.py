"""Helpers shared by the per-source extractors (tools/extract/source_NNN.py).

An extractor module exposes ``PACK_ID``, ``SOURCE_FILE`` and
``build(source_text: str, corrections: list) -> dict``.  The usual shape is::

    from tools.extract import common as c

    def build(source_text, corrections):
        lines = c.numbered_lines(source_text)          # [(1, "first line"), ...]
        pack = c.new_pack(PACK_ID, "unit_bank", "VTCT", SOURCE_FILE, source_text,
                          document_title="...", document_version=None, document_date=None)
        unit = c.new_unit("UBU1 / CS 1", title="...", ...)
        lo = c.new_lo("1", "Know ...", guidance=None)
        lo["criteria"].append(c.new_ac("1.1", "State ...", guidance=None, source_line=42))
        ...
        return c.finish_pack(pack, corrections)           # applies + records corrections

Everything here is pure Python (no Qt), deterministic, and keeps signatures stable:
other extractors depend on them.

Corrections
-----------
A corrections file (``tools/corrections/<pack_id>.json``) is a JSON list of entries
``{"source_line", "field", "was", "now", "reason"}``.  ``field`` is a path into the pack::

    units[201].learning_outcomes[2].criteria[3].text
    units[UBU19 / CS 7].learning_outcomes[1].criteria[1.2].guidance
    qualifications[0].rules_of_combination.min_credits
    missing[0]

A bracketed selector on a list of objects that have a ``number`` is matched against that
number: units by their unit number exactly as printed, learning outcomes by their LO
number, criteria either by the full AC number (``1.2``) or by the part after the LO
number (``2`` inside LO 1 means ``1.2``).  Otherwise a bracketed integer is a list index.

``was`` must equal the value currently at ``field`` (exact JSON equality), or
``apply_corrections`` raises ``CorrectionError``: a correction never silently applies to
something it was not written for.  Two structural forms are also supported:

* ``was`` is null and the selector names a list element that does not exist: ``now``
  (an object) is inserted into that list, in numeric order of ``number`` when the list
  holds numbered objects, otherwise appended.
* ``now`` is null and ``field`` ends with a selector naming an existing list element:
  that element (which must equal ``was``) is removed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable
from app.catalogue.pack import ac_sort_key  # noqa: F401  (one ordering for extractor and app)

REPO_ROOT = Path(__file__).resolve().parents[2]

FORMAT = "fieldfolio-spec-pack"
FORMAT_VERSION = 1

__all__ = [
    "REPO_ROOT", "CorrectionError", "seeds_dir", "seed_path", "read_seed", "numbered_lines",
    "sha256_text", "dump_pack", "new_pack", "new_unit", "new_lo", "new_ac", "new_rule",
    "finish_pack", "apply_corrections", "parse_field", "get_field", "lo_type",
    "fix_hyphenation", "fix_split_words", "build_vocabulary", "strip_bullet",
    "strip_bullets", "strip_html", "normalise_quotes", "collapse_whitespace",
    "clean_text", "is_sub_item", "ac_sort_key",
]


class CorrectionError(ValueError):
    """A corrections entry does not apply to the pack it was written for."""


# ---------------------------------------------------------------------------
# Seeds


def seeds_dir() -> Path:
    """Directory holding the source documents: ``specs/sources`` in this repository.

    They live in the checkout so that a fresh clone can rebuild and test every pack with
    nothing beside it (``$FIELDFOLIO_SEEDS`` still points elsewhere, to try a new source).
    """
    env = os.environ.get("FIELDFOLIO_SEEDS")
    if env:
        return Path(env)
    return REPO_ROOT / "specs" / "sources"


def seed_path(file_name: str) -> Path:
    return seeds_dir() / file_name


def read_seed(file_name: str) -> str:
    """The exact text of a seed file (UTF-8, line endings untouched)."""
    with open(seed_path(file_name), encoding="utf-8", newline="") as fh:
        return fh.read()


def numbered_lines(source_text: str) -> list[tuple[int, str]]:
    """``[(line_number, line_text), ...]`` with 1-based numbers, as an editor shows them.

    Line endings are removed (``\\n``, ``\\r\\n``); other characters (tabs, form feeds)
    are kept so the extractor can see them.
    """
    lines = source_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [(i, ln[:-1] if ln.endswith("\r") else ln) for i, ln in enumerate(lines, start=1)]


def sha256_text(source_text: str) -> str:
    return hashlib.sha256(source_text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# Pack construction (keys in FORMAT.md order)


def dump_pack(pack: dict) -> str:
    """The canonical serialisation of a pack: what is written to ``specs/<pack_id>.json``."""
    return json.dumps(pack, indent=2, ensure_ascii=False) + "\n"


def new_pack(pack_id: str, kind: str, awarding_body: str, source_file: str, source_text: str,
             document_title: str, document_version: str | None = None,
             document_date: str | None = None) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "pack_id": pack_id,
        "kind": kind,
        "awarding_body": awarding_body,
        "source": {
            "file": source_file,
            "sha256": sha256_text(source_text),
            "document_title": document_title,
            "document_version": document_version,
            "document_date": document_date,
        },
        "qualifications": [],
        "units": [],
        "missing": [],
        "listed_not_specified": [],
        "corrections": [],
    }


def new_unit(number: str, title: str, reference: str | None = None, level: int | None = None,
             credit: int | None = None, glh: int | None = None, type: str | None = None,
             group: str | None = None, aim: str | None = None,
             assessment_requirements: str | None = None,
             source_lines: list[int] | None = None) -> dict:
    return {
        "number": number,
        "reference": reference,
        "title": title,
        "level": level,
        "credit": credit,
        "glh": glh,
        "type": type,
        "group": group,
        "aim": aim,
        "assessment_requirements": assessment_requirements,
        "source_lines": list(source_lines) if source_lines else [0, 0],
        "learning_outcomes": [],
        "assessment_rules": [],
        "missing": [],
    }


def lo_type(title: str) -> str:
    """'performance' for 'Be able to ...', else 'knowledge' (understand / know)."""
    t = title.strip().lower()
    t = re.sub(r"^(the learner will:?\s*)", "", t)
    return "performance" if t.startswith("be able") else "knowledge"


def new_lo(number: str, title: str, type: str | None = None,
           guidance: str | None = None) -> dict:
    return {
        "number": number,
        "title": title,
        "type": type or lo_type(title),
        "guidance": guidance,
        "criteria": [],
    }


def new_ac(number: str, text: str, guidance: str | None = None, source_line: int = 0) -> dict:
    return {"number": number, "text": text, "guidance": guidance, "source_line": source_line}


def new_rule(kind: str, method: str | None, source_line: int, source_text: str, lo: str | None = None,
             count: int | None = None, count_of: str | None = None,
             evidence: str | None = None) -> dict:
    rule = {"lo": lo, "kind": kind, "method": method}
    if evidence is not None:   # only where a rule is about it, so other packs stay as built
        rule["evidence"] = evidence
    rule.update(count=count, count_of=count_of, source_line=source_line, source_text=source_text)
    return rule


def finish_pack(pack: dict, corrections: list) -> dict:
    """Apply ``corrections`` and record them in ``pack['corrections']`` (a copy)."""
    pack = apply_corrections(pack, corrections)
    pack["corrections"] = [
        {k: c.get(k) for k in ("source_line", "field", "was", "now", "reason")}
        for c in corrections
    ]
    return pack


# ---------------------------------------------------------------------------
# Corrections

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)|\[([^\]]*)\]|(\.)")




def parse_field(field: str) -> list[tuple[str, str]]:
    """``'units[201].title'`` -> ``[('key', 'units'), ('sel', '201'), ('key', 'title')]``."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(field):
        m = _SEGMENT.match(field, pos)
        if not m:
            raise CorrectionError(f"cannot parse field path {field!r} at character {pos + 1}")
        if m.group(1) is not None:
            out.append(("key", m.group(1)))
        elif m.group(2) is not None:
            out.append(("sel", m.group(2).strip()))
        pos = m.end()
    if not out:
        raise CorrectionError(f"empty field path {field!r}")
    return out


def _norm_number(s: str) -> str:
    return re.sub(r"\s+", "", str(s)).rstrip(".")


def _find_in_list(lst: list, sel: str, parent_number: str | None) -> int | None:
    """Index of the element named by ``sel`` in ``lst``, or None."""
    numbered = bool(lst) and all(isinstance(x, dict) and "number" in x for x in lst)
    if numbered:
        for i, x in enumerate(lst):
            if str(x["number"]) == sel:
                return i
        for i, x in enumerate(lst):
            if _norm_number(x["number"]) == _norm_number(sel):
                return i
        if parent_number is not None:
            full = f"{_norm_number(parent_number)}.{_norm_number(sel)}"
            for i, x in enumerate(lst):
                if _norm_number(x["number"]) == full:
                    return i
        return None
    if re.fullmatch(r"-?\d+", sel):
        idx = int(sel)
        if -len(lst) <= idx < len(lst):
            return idx % len(lst) if lst else None
    return None


def _walk(pack: Any, steps: list[tuple[str, str]], field: str):
    """Return (container, key_or_index, parent_number) addressing the last step."""
    node = pack
    parent_number = None
    for n, (kind, name) in enumerate(steps):
        last = n == len(steps) - 1
        if kind == "key":
            if not isinstance(node, dict) or name not in node:
                raise CorrectionError(f"{field}: no field {name!r} here")
            if last:
                return node, name, parent_number
            node = node[name]
        else:
            if not isinstance(node, list):
                raise CorrectionError(f"{field}: [{name}] applied to something that is not a list")
            idx = _find_in_list(node, name, parent_number)
            if last:
                return node, (idx if idx is not None else name), parent_number
            if idx is None:
                raise CorrectionError(f"{field}: no element [{name}] in the list")
            node = node[idx]
            if isinstance(node, dict) and "number" in node:
                parent_number = str(node["number"])
    raise CorrectionError(f"{field}: empty path")  # pragma: no cover


def get_field(pack: dict, field: str) -> Any:
    container, key, _ = _walk(pack, parse_field(field), field)
    if isinstance(container, list) and not isinstance(key, int):
        raise CorrectionError(f"{field}: no element [{key}] in the list")
    return container[key]


def apply_corrections(pack: dict, corrections: Iterable[dict]) -> dict:
    """Return a copy of ``pack`` with every correction applied, in order.

    Raises ``CorrectionError`` naming the entry when a ``field`` does not exist or its
    current value is not ``was``.
    """
    pack = copy.deepcopy(pack)
    for n, c in enumerate(corrections):
        for k in ("source_line", "field", "was", "now", "reason"):
            if k not in c:
                raise CorrectionError(f"correction {n} (field {c.get('field')!r}) has no {k!r}")
        field = c["field"]
        where = f"correction {n} (source line {c['source_line']}, {field})"
        if not str(c.get("reason") or "").strip():
            raise CorrectionError(f"{where}: no reason given")
        try:
            container, key, _ = _walk(pack, parse_field(field), field)
        except CorrectionError as e:
            raise CorrectionError(f"{where}: {e}") from None
        if isinstance(container, list) and not isinstance(key, int):
            # insertion of a new element
            if c["was"] is not None:
                raise CorrectionError(f"{where}: no element [{key}] in the list to replace")
            new = copy.deepcopy(c["now"])
            if isinstance(new, dict) and "number" in new and all(
                    isinstance(x, dict) and "number" in x for x in container):
                pos = len(container)
                for i, x in enumerate(container):
                    if ac_sort_key(x["number"]) > ac_sort_key(new["number"]):
                        pos = i
                        break
                container.insert(pos, new)
            else:
                container.append(new)
            continue
        current = container[key]
        if current != c["was"]:
            raise CorrectionError(
                f"{where}: expected {json.dumps(c['was'], ensure_ascii=False)[:300]} "
                f"but found {json.dumps(current, ensure_ascii=False)[:300]}")
        if isinstance(container, list) and c["now"] is None:
            del container[key]
        else:
            container[key] = copy.deepcopy(c["now"])
    return pack


# ---------------------------------------------------------------------------
# Text cleaning

BULLETS = "•·▪◦●○■□►▸➢➤✓✔Á\uf0b7\uf0a7\uf076\uf0d8\uf0fc\u2043\u2219"
_BULLET_RE = re.compile(r"^\s*(?:[" + re.escape(BULLETS) + r"]|-(?=\s)|–(?=\s)|o(?=\s{1,}\S))\s*")
_SUB_ITEM_RE = re.compile(r"^\s*(?:\(?[a-z]\)|[a-z]\.|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s+\S")


def strip_bullet(line: str) -> str:
    """Remove one leading bullet character ('•', 'Á', '', '- ', ...) and the space after it."""
    return _BULLET_RE.sub("", line, count=1)


def strip_bullets(text: str) -> str:
    """``strip_bullet`` on every line of ``text``."""
    return "\n".join(strip_bullet(ln) for ln in text.split("\n"))


def strip_html(text: str) -> str:
    """Drop inline HTML tags (``<p>``, ``<i>``, ``<br>``...) and decode common entities.

    ``<br>`` and ``</p>`` become line breaks so that list items stay apart.
    """
    text = re.sub(r"(?i)<br\s*/?>", "\n", text)
    text = re.sub(r"(?i)</p\s*>\s*<p[^>]*>", "\n", text)
    text = re.sub(r"(?i)</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", "", text)
    for ent, ch in (("&nbsp;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"),
                    ("&quot;", '"'), ("&#39;", "'"), ("&rsquo;", "’"), ("&lsquo;", "‘"),
                    ("&ldquo;", "“"), ("&rdquo;", "”")):
        text = text.replace(ent, ch)
    return text


_MOJIBAKE = {
    "â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\x9d": "”", "â€“": "–", "â€”": "—",
    "â€¦": "…", "Â ": " ", "\u00a0": " ",
}


def normalise_quotes(text: str, straight: bool = False, garbled_apostrophe: str | None = None,
                     garbled_open_quote: str | None = None) -> str:
    """Give quotes and apostrophes the meaning the source intended.

    * UTF-8 mojibake (``â€™`` ...) becomes the intended character.
    * ``garbled_apostrophe`` (e.g. ``'ô'`` in the EDI pack, where ``learnerôs`` means
      ``learner's``) becomes ``’`` when it sits between letters or closes a word, and
      ``garbled_open_quote`` (e.g. ``'ó'``) becomes ``‘``.  Only characters you name are
      touched, since ``ô``/``ó`` are real letters elsewhere.
    * ``straight=True`` turns every typographic quote into ASCII ``'`` / ``"``.
    """
    for bad, good in _MOJIBAKE.items():
        text = text.replace(bad, good)
    if garbled_open_quote:
        g = re.escape(garbled_open_quote)
        text = re.sub(rf"(?:(?<=^)|(?<=[\s(\[]))({g})(?=\w)", "‘", text)
    if garbled_apostrophe:
        g = re.escape(garbled_apostrophe)
        text = re.sub(rf"(?<=\w){g}(?=\w|\s|[.,;:!?)]|$)", "’", text)
    if straight:
        text = (text.replace("’", "'").replace("‘", "'").replace("`", "'")
                .replace("“", '"').replace("”", '"'))
    return text


def fix_hyphenation(text: str) -> str:
    """Join words hyphenated across a line break: ``'custo-\\nmer'`` -> ``'customer'``."""
    return re.sub(r"(?<=[a-z])-\n\s*(?=[a-z])", "", text)


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def build_vocabulary(text: str, min_count: int = 1) -> set[str]:
    """Lower-case words of ``text`` that are not split by a tab, for ``fix_split_words``."""
    counts: dict[str, int] = {}
    for ln in text.split("\n"):
        for m in _WORD.finditer(ln):
            before = ln[m.start() - 1] if m.start() else " "
            after = ln[m.end()] if m.end() < len(ln) else " "
            if before == "\t" or after == "\t":
                continue  # may be a fragment of a split word
            w = m.group(0).lower()
            counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n >= min_count}


def fix_split_words(text: str, vocabulary: set[str] | None = None, sep: str = "\t") -> str:
    """Rejoin words split by ``sep`` (a tab by default), tolerating a doubled letter.

    ``'Manda\\tatory'`` -> ``'Mandatory'``, ``'occ\\tcur'`` -> ``'occur'``,
    ``'timescale\\tes'`` -> ``'timescales'``, ``'may\\thave'`` -> ``'may have'``.
    Each split is judged by which reading gives words found in ``vocabulary`` (lower-case
    words, e.g. ``build_vocabulary(source_text)``): joined as is, joined dropping the
    doubled letter(s), or kept as two words.  Without a vocabulary only the unambiguous
    doubled-letter case is joined.
    """
    def repl(m: re.Match) -> str:
        left, right = m.group(1), m.group(2)
        lw = re.search(r"[A-Za-z]+$", left).group(0)
        rw = re.match(r"[A-Za-z]+", right).group(0)
        options: list[tuple[str, str]] = []
        # overlap of 1..3 characters repeated on both sides of the split
        for k in (3, 2, 1):
            if len(lw) > k and len(rw) >= k and lw[-k:].lower() == rw[:k].lower():
                options.append(("overlap", lw + rw[k:]))
        options.append(("join", lw + rw))
        if vocabulary is None:
            for how, word in options:
                if how == "overlap":
                    return left[: len(left) - len(lw)] + word + right[len(rw):]
            return m.group(0)
        vocab = vocabulary
        for how, word in options:
            if word.lower() in vocab:
                return left[: len(left) - len(lw)] + word + right[len(rw):]
        if lw.lower() in vocab and rw.lower() in vocab:
            return left + " " + right
        # neither reading is known: a doubled letter across the split is the tell-tale
        for how, word in options:
            if how == "overlap":
                return left[: len(left) - len(lw)] + word + right[len(rw):]
        return left + " " + right

    pattern = re.compile(r"(\S*[A-Za-z])" + re.escape(sep) + r"([A-Za-z]\S*)")
    prev = None
    while prev != text:
        prev = text
        text = pattern.sub(repl, text, count=1) if pattern.search(text) else text
    return text


def is_sub_item(line: str) -> bool:
    """True for lettered / roman sub-item lines: 'a. ...', 'b) ...', '(iii) ...'."""
    return bool(_SUB_ITEM_RE.match(line))


def collapse_whitespace(text: str, keep_lines: Any = None) -> str:
    """Collapse runs of spaces/tabs; join wrapped lines into one paragraph.

    A line that ``is_sub_item`` ('a. ...', 'b) ...') starts a new line of its own, as does
    any line for which ``keep_lines(line)`` is true (e.g. ``lambda l: l.startswith('•')``
    to keep bullet items apart).  Blank lines and form feeds are dropped.  Leading and
    trailing spaces are removed from each output line.
    """
    out: list[str] = []
    for raw in text.replace("\f", "\n").replace("\r", "").split("\n"):
        line = re.sub(r"[ \t\u00a0\u2009\u200b]+", " ", raw).strip()
        if not line:
            continue
        starts_new = is_sub_item(line) or (keep_lines is not None and keep_lines(line))
        if out and not starts_new:
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
    return "\n".join(out)


def clean_text(text: str, straight_quotes: bool = False) -> str:
    """The usual clean-up for a criterion or title: HTML, hyphenation, whitespace, quotes.

    Does not strip bullets or fix tab-split words (those depend on the source: call
    ``strip_bullets`` / ``fix_split_words`` first when they apply).
    """
    text = unicodedata.normalize("NFC", text)
    text = strip_html(text)
    text = normalise_quotes(text, straight=straight_quotes)
    text = fix_hyphenation(text)
    return collapse_whitespace(text)
